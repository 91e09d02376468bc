#!/usr/bin/env bash
# Fuzzes the scenario loader, the --set parser and the experiment loader with libFuzzer (clang, AddressSanitizer and
# UndefinedBehaviorSanitizer), SECONDS each (default 900), starting from the seed corpus in
# tests/fuzz/corpus/ plus the shipped scenarios. Crashing inputs land in build-fuzz/crashes/; copy
# each into tests/fuzz/regress/<target>/ so tests/test_fuzz.c replays it in every test run.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-900}
command -v clang >/dev/null || { echo "run.sh: needs clang (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
CC=clang cmake -S . -B build-fuzz -DRIC_FUZZ=ON -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target fuzz_scenario fuzz_set fuzz_experiment
mkdir -p build-fuzz/crashes build-fuzz/corpus/scenario build-fuzz/corpus/set build-fuzz/corpus/experiment
cp -n tests/fuzz/corpus/scenario/* scenarios/*.cfg scenarios/daedeok/*.cfg tests/golden/tiny.cfg \
   build-fuzz/corpus/scenario/ 2>/dev/null || true
cp -n tests/fuzz/corpus/set/* build-fuzz/corpus/set/ 2>/dev/null || true
cp -n tests/fuzz/corpus/experiment/* build-fuzz/corpus/experiment/ 2>/dev/null || true
export LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp
for t in scenario set experiment; do
  echo "fuzzing $t for ${secs}s" >&2
  build-fuzz/fuzz_$t build-fuzz/corpus/$t -max_total_time="$secs" -max_len=16384 \
      -dict=tests/fuzz/ricsim.dict -artifact_prefix=build-fuzz/crashes/$t- \
      -print_final_stats=1 -rss_limit_mb=4096 2>&1 | tail -n 25
done
