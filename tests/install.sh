#!/usr/bin/env bash
# The install test (CTest 'install'): cmake --install BUILD into a temporary prefix, then a small C
# program built against it with pkg-config (shared, and static with --static), run; the installed
# files; and the installed ricsim finding its analysis scripts under PREFIX/share/ricsim.
# usage: tests/install.sh BUILD_DIR (RIC_TEST_CFLAGS: the sanitizer flags of a sanitizer build)
set -euo pipefail
build=$1
p=$(mktemp -d /tmp/ricsim-install.XXXXXX)
trap 'rm -rf "$p"' EXIT
fail() { echo "install.sh: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$p" >/dev/null
for f in bin/ricsim lib/libricsim.a lib/libricsim.so lib/pkgconfig/ricsim.pc include/ricsim/sim.h \
         include/ricsim/experiment.h share/man/man1/ricsim.1 \
         share/bash-completion/completions/ricsim share/ricsim/scenarios/daedeok.cfg \
         share/ricsim/data/daedeok_history.tsv share/ricsim/analysis/plot_series.gp \
         share/ricsim/analysis/calibration.gp; do
    [ -e "$p/$f" ] || fail "not installed: $f"
done
# public headers only
[ "$(ls "$p/include/ricsim" | grep -cv '\.h$' || true)" = 0 ] || fail "non-header in include/ricsim"
[ -e "$p/include/ricsim/../model" ] && fail "internal headers installed"
[ -x "$p/share/ricsim/analysis/figures.sh" ] || fail "figures.sh lost its execute bit"

cat > "$p/prog.c" <<'C'
#include <stdio.h>
#include <ricsim/scenario.h>
#include <ricsim/sim.h>
int main(int argc, char **argv)
{
    ric_err err = {{0}};
    ric_scenario *sc = NULL;
    if (argc < 2 || ric_scenario_load(argv[1], NULL, 0, &sc, &err) != RIC_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    printf("scenario %s: %d regions\n", sc->name, sc->n_regions);
    ric_scenario_free(sc);
    return 0;
}
C
export PKG_CONFIG_PATH="$p/lib/pkgconfig"
pkg-config --exists ricsim || fail "pkg-config does not find ricsim"
# shared (the default of -lricsim)
cc -std=c17 ${RIC_TEST_CFLAGS:-} -o "$p/prog" "$p/prog.c" $(pkg-config --cflags --libs ricsim)
out=$(LD_LIBRARY_PATH="$p/lib" "$p/prog" "$p/share/ricsim/scenarios/daedeok.cfg") ||
    fail "the shared-library program failed: $out"
case $out in "scenario "*) ;; *) fail "unexpected output: $out" ;; esac
deps=$(LD_LIBRARY_PATH="$p/lib" ldd "$p/prog") # (no pipe into grep -q: pipefail and SIGPIPE)
grep -q "$p/lib/libricsim.so" <<<"$deps" || fail "prog not linked to libricsim.so: $deps"
# static: the archive with pkg-config --static's private dependencies (gsl, libconfig, -lm)
libs=$(pkg-config --static --libs ricsim | sed "s#-lricsim#$p/lib/libricsim.a#")
cc -std=c17 ${RIC_TEST_CFLAGS:-} -o "$p/prog_static" "$p/prog.c" $(pkg-config --cflags ricsim) $libs
out2=$("$p/prog_static" "$p/share/ricsim/scenarios/daedeok.cfg") || fail "static program failed"
[ "$out" = "$out2" ] || fail "static and shared programs differ: $out / $out2"

# the installed binary finds the installed analysis scripts, not the source tree's
v=$(env -u RICSIM_ANALYSIS_DIR "$p/bin/ricsim" --version)
real=$(cd "$p/share/ricsim/analysis" && pwd -P)
grep -qx "analysis scripts: $real" <<<"$v" || fail "installed ricsim: $v"
# RICSIM_ANALYSIS_DIR still overrides
v=$(RICSIM_ANALYSIS_DIR=/elsewhere "$p/bin/ricsim" --version)
grep -qx "analysis scripts: /elsewhere" <<<"$v" || fail "RICSIM_ANALYSIS_DIR does not override"
"$p/bin/ricsim" check "$p/share/ricsim/scenarios/daedeok.cfg" >/dev/null || fail "installed check"
man -l "$p/share/man/man1/ricsim.1" >/dev/null 2>&1 || ! command -v man >/dev/null ||
    fail "man cannot read the page"
bash -n "$p/share/bash-completion/completions/ricsim" || fail "completion script"
echo "install.sh: ok ($p)"
