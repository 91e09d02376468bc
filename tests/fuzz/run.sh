#!/usr/bin/env bash
# Fuzzes ricsim's readers with libFuzzer (clang, AddressSanitizer and UndefinedBehaviorSanitizer),
# SECONDS each (default 900), one target after another: the scenario loader, the --set parser, the
# experiment loader, design files, calibration targets tables, study files (calibration and
# sensitivity) and the shards a merge reads. Each starts from its seed corpus in
# tests/fuzz/corpus/<target>/ (the scenario target also from the shipped scenarios). Crashing
# inputs land in build-fuzz/crashes/; copy each into tests/fuzz/regress/<target>/ so
# tests/test_fuzz.c replays it in every test run. TARGETS (default all) picks some:
#   tests/fuzz/run.sh [SECONDS [TARGET...]]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-900}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(scenario set experiment design targets study shard)
command -v clang >/dev/null || { echo "run.sh: needs clang (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
CC=clang cmake -S . -B build-fuzz -DRIC_FUZZ=ON -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target "${targets[@]/#/fuzz_}"
mkdir -p build-fuzz/crashes
export LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t"
  cp -n "tests/fuzz/corpus/$t"/* "build-fuzz/corpus/$t/" 2>/dev/null || true
  if [ "$t" = scenario ]; then
    cp -n scenarios/*.cfg scenarios/daedeok/*.cfg tests/golden/tiny.cfg build-fuzz/corpus/scenario/ 2>/dev/null || true
  fi
  max_len=16384
  [ "$t" = shard ] && max_len=65536 # a shard's series.tsv is 23 kB
  echo "fuzzing $t for ${secs}s" >&2
  "build-fuzz/fuzz_$t" "build-fuzz/corpus/$t" -max_total_time="$secs" -max_len="$max_len" \
      -dict=tests/fuzz/ricsim.dict -artifact_prefix="build-fuzz/crashes/$t-" \
      -print_final_stats=1 -rss_limit_mb=4096 2>&1 | tail -n 25
done
