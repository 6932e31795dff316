#!/bin/bash
# check-docs.sh - docs/architecture.md against the tree: it must name every file under
# src/ (by its name in its folder's section) and every top-level folder, and every
# src/ path it writes out in full must exist. Prints what is missing; exit 1 if anything is.
set -u
cd "$(dirname "$0")/.."
doc=docs/architecture.md
bad=0
files=$(git ls-files src 2>/dev/null || find src -type f)
for f in $files; do
	base=${f##*/}
	dir=${f%/*}
	# The folder's section ("### mount/", "## src/common", ...) must name the file.
	case $dir in
	src/libhull) section='## src/libhull, folder by folder' ;;
	src/libhull/*) section="### ${dir#src/libhull/}/" ;;
	*) section="## $dir" ;;
	esac
	body=$(awk -v h="$section" 'index($0, h) == 1 { on = 1; next } on && /^##/ { exit } on' "$doc")
	if ! grep -q "\`$base\`" <<<"$body"; then
		echo "$doc: $f is not described (under \"$section\")"
		bad=1
	fi
done
for top in $(git ls-files | cut -d/ -f1 | sort -u); do
	case $top in src | README.md | COPYING | COPYING.LIB | BENCHMARKS.md | .gitignore) continue ;; esac
	grep -q "\`$top" "$doc" || { echo "$doc: top-level $top is not described"; bad=1; }
done
for d in $(git ls-files tests | cut -d/ -f2 | sort -u); do
	grep -q "\`tests/$d" "$doc" || { echo "$doc: tests/$d is not described"; bad=1; }
done
for p in $(grep -o '`src/[A-Za-z0-9_./-]*`' "$doc" | tr -d '`' | sort -u); do
	[ -e "$p" ] || { echo "$doc: names $p, which does not exist"; bad=1; }
done
[ $bad = 0 ] && echo "docs/architecture.md matches the tree"
exit $bad
