#!/usr/bin/env bash
# Builds ricsim with warnings as errors and runs the whole Criterion suite through CTest.
# --sanitize builds into build-san/ with AddressSanitizer and UndefinedBehaviorSanitizer (a leak
# or UB report fails the test that caused it).
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh --deps-only

dir=build
extra=()
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-san
  extra=(-DRIC_SANITIZE=address,undefined -DCMAKE_BUILD_TYPE=Debug)
fi
cmake -S . -B "$dir" -DRIC_WERROR=ON -DBUILD_TESTING=ON "${extra[@]}"
cmake --build "$dir" -j "$(nproc)"
ctest --test-dir "$dir" --output-on-failure -j 2
