#!/usr/bin/env bash
# Runs every code block of README.md and doc/guide.md marked <!-- runnable --> (on the line before
# its fence) as a user would paste it: from a copy of the repository root (scenarios, analysis and
# data linked in) whose build/ is the build under test (BUILD_DIR), in bash with -e. The README's
# quick start ("runnable: quick start") runs without ./setup.sh (the packages and the build are
# there) and without ./test.sh (this very suite). Usage: tests/doc_snippets.sh BUILD_DIR
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for d in scenarios analysis data; do ln -s "$src/$d" "$work/$d"; done
ln -s "$build" "$work/build"
# OpenMPI asks for both as root (CI); sanitizer leak reports stop at MPI's own allocations
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ASAN_OPTIONS=detect_leaks=0
n=0
for doc in README.md doc/guide.md; do
  # each block into snippet-K.sh, headed by its file and line
  awk -v doc="$doc" -v dir="$work" -v k="$n" '
    /^<!-- runnable/ { want = 1; quick = ($0 ~ /quick start/); next }
    want && /^```/ && !inside { inside = 1; k++; out = sprintf("%s/snippet-%03d.sh", dir, k);
                                printf "# %s:%d\n", doc, NR + 1 > out; next }
    inside && /^```/ { inside = 0; want = 0; close(out); next }
    inside { line = $0
             if (quick) { sub(/^\.\/setup\.sh && /, "", line); if (line ~ /^\.\/test\.sh/) next }
             print line > out }
    !inside && !/^[[:space:]]*$/ { want = 0 }
    END { print k > (dir "/count") }' "$src/$doc"
  n=$(cat "$work/count")
done
[ "$n" -gt 0 ] || { echo "doc_snippets: no runnable block found" >&2; exit 1; }
for f in "$work"/snippet-*.sh; do
  where=$(head -1 "$f" | cut -c3-)
  if ! (cd "$work" && bash -e "$f") > "$work/log" 2>&1; then
    echo "doc_snippets: the block at $where failed:" >&2
    cat "$f" "$work/log" >&2
    exit 1
  fi
  echo "ok: $where"
done
echo "doc_snippets: $n blocks ran"
