#!/usr/bin/env bash
# A full disk for every command that writes (issue 16): run, sweep, merge, compare, calibrate and
# sensitivity, each given a folder with about half the room its tables need, must exit 1 and
# leave no complete-looking output file (none of its result files, no temporaries). Two ways:
#   - a real full disk, a small tmpfs mounted for each command (needs root and mount; CI runs as
#     root), skipped with a message where impossible;
#   - a file-size limit (ulimit -f, RLIMIT_FSIZE), which ricsim handles as a write error
#     (SIGXFSZ ignored), everywhere.
# Usage: tests/full_disk.sh RICSIM [SOURCE_DIR]; exit 0 pass, 1 fail.
set -u
ricsim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=${2:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/ricsim_full_disk_XXXXXX)
mnt=$work/mnt
mkdir "$mnt"
failures=0
mounted=0
cleanup() {
    [ "$mounted" = 1 ] && umount "$mnt" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "full_disk.sh: FAIL: $*" >&2
    failures=$((failures + 1))
}

# ---- the inputs, in the work folder (never in the small file system) ----
cp "$src/tests/golden/tiny.cfg" "$work/tiny.cfg"
cat >"$work/exp.cfg" <<'EOF'
@include "tiny.cfg"
experiment = {
  replications = 3;
  seed = 9L;
  parameters = ( { key = "rules.exit.base_rate"; values = [0.05, 0.1, 0.2, 0.3]; } );
};
EOF
printf 'year\tcolumn\tobserved\tweight\n2004\tsmes\t160\t1\n2005\temployees_smes\t1500\t1\n' >"$work/t.tsv"
cat >"$work/cal.cfg" <<EOF
calibration = {
  scenario = "tiny.cfg";
  targets = "t.tsv";
  parameters = ( { key = "rules.exit.base_rate"; name = "exit"; min = 0.02; max = 0.6; } );
  replications = 2;
  max_evaluations = 4;
};
EOF
cat >"$work/sa.cfg" <<EOF
sensitivity = {
  scenario = "tiny.cfg";
  parameters = ( { key = "rules.exit.base_rate"; min = 0.05; max = 0.5; },
                 { key = "rules.jobs.small_premium"; min = 0.0; max = 1.0; } );
  indicators = ["smes", "employees_smes"];
  years = [2004.0];
  replications = 1;
  bootstrap = 20;
  morris = { trajectories = 3; };
  sobol = { samples = 4; };
};
EOF
# B of the comparison: a variant of tiny.cfg
printf '@include "tiny.cfg"\nvariant = { name = "tiny_b"; set = [ "rules.exit.base_rate=0.3" ]; };\n' >"$work/b.cfg"

# The command line of command C writing into OUT (run in the work folder).
cmdline() {
    case $1 in
    run) echo "run $src/scenarios/daedeok.cfg --out $2" ;;
    sweep) echo "sweep exp.cfg --out $2 --jobs 2" ;;
    compare) echo "compare tiny.cfg b.cfg --reps 4 --out $2 --jobs 2" ;;
    calibrate) echo "calibrate cal.cfg --out $2 --jobs 2" ;;
    sensitivity) echo "sensitivity sa.cfg --out $2 --jobs 2" ;;
    merge) echo "merge $2" ;;
    esac
}

# The files that say command C finished.
results() {
    case $1 in
    run) echo "series.tsv genealogy.tsv scenario.cfg provenance.txt" ;;
    sweep) echo "stats.tsv long.tsv summary.tsv dose.tsv regions_stats.tsv provenance.txt" ;;
    merge) echo "plan.tsv runs.tsv series.tsv regions.tsv stats.tsv long.tsv summary.tsv dose.tsv regions_stats.tsv provenance.txt" ;;
    compare) echo "stats.tsv long.tsv summary.tsv dose.tsv regions_stats.tsv diff.tsv effect.tsv note.txt provenance.txt" ;;
    calibrate) echo "fit.tsv fitted.tsv history.tsv calibration.png provenance.txt" ;;
    sensitivity) echo "points.tsv morris.tsv sobol.tsv morris.png sobol.png provenance.txt" ;;
    esac
}

# Two shards of exp.cfg in folder $1, as a merge takes them.
make_shards() {
    (cd "$work" && "$ricsim" sweep exp.cfg --out "$1" --shard 0/2 >/dev/null 2>&1 &&
        "$ricsim" sweep exp.cfg --out "$1" --shard 1/2 >/dev/null 2>&1)
}

# Checks what command C ($1) left in OUT ($2) after failing with exit status $3; $4 says how.
check_left() {
    local c=$1 out=$2 rc=$3 how=$4 f
    if [ "$rc" != 1 ]; then
        fail "$c on $how: exit $rc, expected 1 ($(tail -n 2 "$work/log" | tr '\n' ' '))"
    fi
    grep -q "write failed\|cannot write\|No space left\|File too large" "$work/log" ||
        fail "$c on $how: no write error in its message: $(tail -n 2 "$work/log" | tr '\n' ' ')"
    for f in $(results "$c"); do
        [ -e "$out/$f" ] && fail "$c on $how left a complete-looking $f"
    done
    if [ -d "$out" ] && find "$out" -name '*.tmp.*' | grep -q .; then
        fail "$c on $how left temporaries: $(find "$out" -name '*.tmp.*' | head -n 3 | tr '\n' ' ')"
    fi
}

# kB the tables command C writes take when there is room (measured in the work folder); 0 when
# it fails there.
room_needed() {
    local c=$1 out=$work/measure_$1
    rm -rf "$out"
    [ "$c" = merge ] && make_shards "$out"
    # shellcheck disable=SC2046
    (cd "$work" && "$ricsim" $(cmdline "$c" "$out") >"$work/log" 2>&1) || {
        echo 0
        return
    }
    # the tables alone (the figures a study draws come after them), without a merge's shards
    du -sk --exclude='shard-*' --exclude='*.png' "$out" | cut -f1
}

can_mount=0
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64k tmpfs "$mnt" 2>/dev/null; then
    umount "$mnt"
    can_mount=1
else
    echo "full_disk.sh: the tmpfs part is skipped: it needs root and a working 'mount -t tmpfs'" >&2
fi

for c in run sweep merge compare calibrate sensitivity; do
    need=$(room_needed "$c")
    if [ "$need" -eq 0 ]; then
        fail "$c does not succeed with room to spare: $(tail -n 2 "$work/log" | tr '\n' ' ')"
        continue
    fi
    # ---- a real full disk: a tmpfs with half the room (the shards of a merge fit in it) ----
    if [ "$can_mount" = 1 ]; then
        size=$((need / 2))
        # a study's tables are a few small files, one 4 kB page each: a quarter leaves no room
        # for all of them
        case $c in calibrate | sensitivity) size=$((need / 4)) ;; esac
        if [ "$c" = merge ]; then
            make_shards "$work/shards"
            size=$(($(du -sk "$work/shards" | cut -f1) + need / 2))
        fi
        [ "$size" -lt 4 ] && size=4
        if mount -t tmpfs -o size=${size}k tmpfs "$mnt"; then
            mounted=1
            out=$mnt/out
            [ "$c" = merge ] && cp -r "$work/shards" "$out" && rm -rf "$work/shards"
            # shellcheck disable=SC2046
            (cd "$work" && "$ricsim" $(cmdline "$c" "$out") >"$work/log" 2>&1)
            check_left "$c" "$out" $? "a full ${size} kB tmpfs"
            umount "$mnt"
            mounted=0
        else
            fail "cannot mount a ${size} kB tmpfs"
        fi
    fi
    # ---- a file-size limit: half the largest file the command writes ----
    out=$work/fsize_$c
    rm -rf "$out"
    [ "$c" = merge ] && make_shards "$out"
    largest=$(find "$work/measure_$c" -maxdepth 1 -type f ! -name '*.png' -printf '%s\n' | sort -n | tail -n 1)
    limit=$((largest / 2048 + 1)) # kB
    # shellcheck disable=SC2046
    (cd "$work" && ulimit -f "$limit" && exec "$ricsim" $(cmdline "$c" "$out") >"$work/log" 2>&1)
    check_left "$c" "$out" $? "a file-size limit of $limit kB"
done

if [ "$failures" -gt 0 ]; then
    echo "full_disk.sh: $failures failures" >&2
    exit 1
fi
echo "full_disk.sh: run, sweep, merge, compare, calibrate and sensitivity fail cleanly on a full disk" \
    "($([ "$can_mount" = 1 ] && echo "tmpfs and file-size limit" || echo "file-size limit only"))"
