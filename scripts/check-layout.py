#!/usr/bin/env python3
"""check-layout.py OBJDIR - the call graph of libhull.a's objects has no loops.

Reads the symbols of every object under OBJDIR/src/libhull and OBJDIR/src/common
(nm), links each undefined symbol to the object defining it and reports:
- files that call each other, directly or round a loop (a shared piece belongs in a
  file below both: docs/conventions.md);
- folders that call each other (libhull's folders are ordered, docs/architecture.md).
Exit 1 when there is any loop."""
import collections, glob, os, subprocess, sys

obj = sys.argv[1] if len(sys.argv) > 1 else 'obj'
objs = sorted(glob.glob(f'{obj}/src/libhull/**/*.o', recursive=True) + glob.glob(f'{obj}/src/common/*.o'))
if not objs:
    sys.exit(f'check-layout: no objects under {obj}/src (build first)')

def name(o):
    return os.path.relpath(o, f'{obj}/src')[:-2] + '.c'

def folder(o):
    parts = os.path.relpath(o, f'{obj}/src').split('/')
    return parts[0] if parts[0] == 'common' or len(parts) == 2 else '/'.join(parts[:2])

defined, undefined = {}, {}
for o in objs:
    d, u = set(), set()
    for line in subprocess.check_output(['nm', o], text=True).splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in 'TDBR':
            d.add(f[2])
        elif len(f) == 2 and f[0] == 'U':
            u.add(f[1])
    defined[o], undefined[o] = d, u
owner = {s: o for o, d in defined.items() for s in d}

def loops(nodes, edges):
    """Strongly connected components with more than one node (Tarjan, iterative)."""
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = n[0]; n[0] += 1; stack.append(root); on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = n[0]; n[0] += 1; stack.append(w); on.add(w)
                    work.append((w, iter(sorted(edges[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop(); on.discard(w); comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out

files, folders = collections.defaultdict(set), collections.defaultdict(set)
for o, u in undefined.items():
    for s in u:
        t = owner.get(s)
        if t and t != o:
            files[name(o)].add(name(t))
            if folder(t) != folder(o):
                folders[folder(o)].add(folder(t))
bad = 0
for comp in loops(sorted({name(o) for o in objs}), files):
    print('check-layout: files call each other:', ' '.join(comp)); bad = 1
for comp in loops(sorted({folder(o) for o in objs}), folders):
    print('check-layout: folders call each other:', ' '.join(comp)); bad = 1
if not bad:
    print(f'check-layout: {len(objs)} objects, no call loops between files or folders')
sys.exit(bad)
