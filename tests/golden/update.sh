#!/usr/bin/env bash
# Regenerates the golden output of every tests/golden/<name>.cfg with a ricsim binary:
# <name>_series.tsv always, <name>_genealogy.tsv where one is already kept. The test suite only
# compares against these files, so this is a deliberate, separate step: it refuses to run inside
# the suite (CTest sets RIC_IN_TEST_SUITE=1 for every test) and records in README.md which commit
# and binary wrote the files.
#
# usage: tests/golden/update.sh [RICSIM_BINARY]   (default: build/ricsim)
#        cmake --build build --target update-golden
set -euo pipefail

if [ -n "${RIC_IN_TEST_SUITE:-}" ]; then
  echo "update.sh: refusing to regenerate the goldens inside the test suite (RIC_IN_TEST_SUITE is set)" >&2
  exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/build/ricsim}
if [ ! -x "$bin" ]; then
  echo "update.sh: no ricsim binary at '$bin' (build it first, or pass its path)" >&2
  exit 2
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

commit=$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && [ -n "$(git -C "$root" status --porcelain -- sim include 2>/dev/null)" ]; then
  commit="$commit+uncommitted changes in sim/ or include/"
fi
version=$("$bin" --version 2>&1 | head -n 1)

cat >&2 <<MSG
update.sh: WARNING: regenerating the goldens makes them the output of the code under test.
  Write them with the plain reference code (RICSIM_NO_SIMD=1 tests/golden/update.sh), so that the
  kernels are checked against output they did not write. Review the diff of tests/golden/ line by
  line, and say in the commit why the results were meant to change.
  writing with: $bin ($version), commit $commit
MSG

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
changed=()
for cfg in "$here"/*.cfg; do
  name=$(basename "$cfg" .cfg)
  "$bin" run "$cfg" --out "$work/$name" >/dev/null
  kinds=(series)
  [ -f "$here/${name}_genealogy.tsv" ] && kinds+=(genealogy)
  for kind in "${kinds[@]}"; do
    f=${name}_$kind.tsv
    # the lines that name the scenario file or the version are left out (the tests skip them too)
    grep -v -e '^# scenario_file=' -e '^# ricsim_version=' "$work/$name/$kind.tsv" >"$work/$f" || true
    if [ -f "$here/$f" ] && cmp -s "$work/$f" "$here/$f"; then
      echo "update.sh: tests/golden/$f unchanged (its record in README.md stays)" >&2
    else
      mv "$work/$f" "$here/$f"
      changed+=("$f")
      echo "update.sh: wrote tests/golden/$f" >&2
    fi
  done
done
if [ ${#changed[@]} -eq 0 ]; then
  echo "update.sh: no golden changed" >&2
  exit 0
fi

# The record in README.md: one line per file between the provenance markers; a rewritten file's
# line names this commit and binary.
stamp=$(date -u +%Y-%m-%d)
awk '/^<!-- provenance:/ { inside = 1; next } /^<!-- end provenance -->/ { inside = 0 } inside' \
  "$here/README.md" >"$work/old"
{
  echo "<!-- provenance: written by tests/golden/update.sh -->"
  for f in "${changed[@]}"; do
    echo "- \`$f\`: regenerated $stamp by update.sh with $version at commit $commit"
  done
  for f in "${changed[@]}"; do
    grep -v -F -e "- \`$f\`:" "$work/old" >"$work/keep" || true
    mv "$work/keep" "$work/old"
  done
  cat "$work/old"
  echo "<!-- end provenance -->"
} >"$work/block"
awk -v block="$work/block" '
  /^<!-- provenance:/ { while ((getline line < block) > 0) print line; skip = 1; next }
  /^<!-- end provenance -->/ { skip = 0; next }
  !skip { print }' "$here/README.md" >"$work/README.md"
mv "$work/README.md" "$here/README.md"
echo "update.sh: recorded the commit in tests/golden/README.md; run ./test.sh, then review git diff tests/golden" >&2
