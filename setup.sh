#!/usr/bin/env bash
# Installs the Debian packages ricsim needs (this list is the one place they are named; through
# sudo when not root), then configures and builds with CMake into build/ (executable build/ricsim).
# --deps-only stops after the packages.
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(
  build-essential cmake pkg-config
  libgsl-dev                        # GSL: distributions, statistics
  libconfig-dev                     # libconfig 1.5: scenario files
  librandom123-dev                  # Random123: counter-based Philox streams
  libcriterion-dev                  # Criterion: tests
  gnuplot-nox                       # figures (pngcairo)
  libopenmpi-dev openmpi-bin        # OpenMPI: sweeps across machines (mpirun; optional in CMake)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "setup.sh: installing ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
[ "${1:-}" = "--deps-only" ] && exit 0

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j "$(nproc)"
