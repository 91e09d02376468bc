#!/usr/bin/env bash
# Builds the Debian package from BUILD_DIR (cpack -G DEB) and checks it without root: its control
# fields name the runtime dependencies, it holds the installed tree under /usr, and the binary
# extracted from it (dpkg-deb -x into a scratch root) runs and finds its analysis scripts there.
# It does not dpkg -i the package into a clean Debian 12 chroot (that needs a debootstrapped root,
# which CI does not set up).
# usage: tests/deb_check.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
fail() { echo "deb_check.sh: $*" >&2; exit 1; }
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls "$build"/ricsim_*_amd64.deb | head -n 1)
info=$(dpkg-deb -I "$deb")
for dep in libgsl27 libgslcblas0 libconfig9; do
    grep -q "Depends:.*$dep" <<<"$info" || fail "no dependency on $dep: $info"
done
files=$(dpkg-deb -c "$deb")
for f in ./usr/bin/ricsim ./usr/lib/libricsim.so ./usr/lib/pkgconfig/ricsim.pc \
         ./usr/share/man/man1/ricsim.1 ./usr/share/ricsim/analysis/plot_series.gp; do
    grep -q " $f\$\| $f ->" <<<"$files" || fail "not in the package: $f"
done
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"
v=$(env -u RICSIM_ANALYSIS_DIR "$root/usr/bin/ricsim" --version)
grep -qx "analysis scripts: $(cd "$root/usr/share/ricsim/analysis" && pwd -P)" <<<"$v" ||
    fail "the packaged ricsim: $v"
echo "deb_check.sh: ok ($deb)"
