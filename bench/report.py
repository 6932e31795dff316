#!/usr/bin/env python3
"""bench/report.py OUTDIR - the markdown table of medians and ratios from bench/run.sh's results.

Reads OUTDIR/rows.tsv (table, row, label), OUTDIR/TABLE-ROW.rN.json (hyperfine exports, one per
interleaved round), rss.tsv, sizes.tsv, machine.txt, notes.txt and image-*.txt.
Targets (issue 11): rows 1-4 hull <= 0.9x crun, <= 0.3x runc, <= 1.3x floor; RSS <= crun;
static binary < 2 MiB stripped.
"""
import glob
import json
import os
import statistics
import sys

RUNTIMES = ["hull", "crun", "runc", "floor"]
TARGET = {"crun": 0.9, "runc": 0.3, "floor": 1.3}
TITLES = {"A": "cgroups off", "B": "cgroups on (cgroupfs)"}


def load_times(out, table, row):
    """Wall times per command over all rounds, and CPU (user+sys) means weighted by runs."""
    times, cpu = {}, {}
    for f in sorted(glob.glob(os.path.join(out, "%s-%s.r*.json" % (table, row)))):
        for res in json.load(open(f))["results"]:
            times.setdefault(res["command"], []).extend(res["times"])
            cpu.setdefault(res["command"], []).append(((res["user"] + res["system"]), len(res["times"])))
    cpu = {k: sum(c * n for c, n in v) / sum(n for _, n in v) for k, v in cpu.items() if v}
    return times, cpu


def fmt(v, unit):
    if v is None:
        return "-"
    if unit == "ms":
        return "%.1f" % (v * 1e3) if v < 10 else "%.0f" % (v * 1e3)
    return "%.1f" % v


def ratio_cell(h, o, target):
    if h is None or o is None or o == 0:
        return "-"
    r = h / o
    mark = "" if target is None else (" ok" if r <= target else " MISS")
    return "%.2f%s" % (r, mark)


def table_md(out, t, rows, rss):
    lines = ["### %s: %s" % (t, TITLES.get(t, t)), "",
             "| # | what | hull | crun | runc | floor | n | hull/crun | hull/runc | hull/floor |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    cpu_lines = ["", "CPU time (user+sys of the whole process tree, mean over all runs, ms):", "",
                 "| # | hull | crun | runc | floor | hull/crun | hull/runc | hull/floor |",
                 "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for tt, r, label in rows:
        if tt != t:
            continue
        times, cpu = load_times(out, t, r)
        hc = cpu.get("hull")
        cpu_lines.append("| %s | %s | %s |" % (r, " | ".join(fmt(cpu.get(k), "ms") for k in RUNTIMES),
                                                " | ".join(ratio_cell(hc, cpu.get(k), None) for k in ("crun", "runc", "floor"))))
        med = {k: statistics.median(v) for k, v in times.items() if v}
        n = min((len(v) for v in times.values()), default=0)
        h = med.get("hull")
        cells = [fmt(med.get(k), "ms") for k in RUNTIMES]
        ratios = [ratio_cell(h, med.get(k), TARGET[k]) for k in ("crun", "runc", "floor")]
        lines.append("| %s | %s (ms) | %s | %d | %s |" % (r, label, " | ".join(cells), n, " | ".join(ratios)))
    vals = {}
    for tt, name, kb in rss:
        if tt == t and kb:
            vals.setdefault(name, []).append(int(kb) / 1024)
    if vals:
        med = {k: statistics.median(v) for k, v in vals.items()}
        h = med.get("hull")
        n = min(len(v) for v in vals.values())
        cells = [fmt(med.get(k), "MiB") for k in RUNTIMES]
        ratios = [ratio_cell(h, med.get("crun"), 1.0), ratio_cell(h, med.get("runc"), None),
                  ratio_cell(h, med.get("floor"), None)]
        lines.append("| 5 | peak RSS of `run` (MiB) | %s | %d | %s |" % (" | ".join(cells), n, " | ".join(ratios)))
    return lines + cpu_lines


def main():
    out = sys.argv[1]
    rd = lambda name: open(os.path.join(out, name)).read() if os.path.exists(os.path.join(out, name)) else ""
    rows = [l.split("\t") for l in rd("rows.tsv").splitlines() if l]
    rss = [l.split("\t") for l in rd("rss.tsv").splitlines() if l]
    md = ["## Results", "", "```", rd("machine.txt").rstrip(), "```", ""]
    for t in sorted({r[0] for r in rows}):
        md += table_md(out, t, rows, rss) + [""]
    sizes = [l.split("\t") for l in rd("sizes.tsv").splitlines() if l]
    if sizes:
        md += ["### 5b: binary size", "", "| runtime | file (KiB) | stripped (KiB) | linkage | + shared libs (KiB) |",
               "|---|---:|---:|---|---:|"]
        for name, size, stripped, kind, libs in sizes:
            md.append("| %s | %d | %d | %s | %s |" % (name, int(size) // 1024, int(stripped) // 1024, kind,
                                                     "%d" % (int(libs) // 1024) if kind == "dynamic" else "-"))
            if name == "hull":
                ok = kind == "static" and int(stripped) < 2 << 20
                md[-1] += "" if ok else " (target: static < 2 MiB stripped: MISS)"
        md.append("")
    images = [(f, open(f).read().strip()) for f in sorted(glob.glob(os.path.join(out, "image-*.txt")))]
    if any(text for _, text in images):
        md += ["### 7: image rows", ""]
        for f, text in images:
            if text:
                keep = [l for l in text.splitlines() if l.strip() and
                        not l.startswith((" ", "Benchmark", "Summary", "Warning", "'"))]
                label = os.path.basename(f)[len("image-"):-len(".txt")]
                md += ["- %s: %s" % (label, l) for l in keep]
        md.append("")
    notes = rd("notes.txt").strip()
    if notes:
        md += ["Notes:", ""] + ["- " + l for l in notes.splitlines()] + [""]
    print("\n".join(md))


if __name__ == "__main__":
    main()
