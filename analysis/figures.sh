#!/bin/sh
# Makes every figure of a ricsim output folder, each as PNG (pngcairo) and SVG, next to the data:
#   analysis/figures.sh OUT
# What it draws depends on what OUT holds:
#   a run (ricsim run: series.tsv, genealogy.tsv)
#       series      main indicators over time (plot_series.gp)
#       history     the run over the seed's Daedeok table, for runs whose focus is dst (overlay_history.gp)
#       money       programme money committed vs spent, jobs and cost per job, if the run has programmes (money.gp)
#       participants  participant vs non-participant firms (participants.gp)
#       regions     the capital's shares, dispersion across regions, a panel per region (regions.gp)
#       evaluation_employees  each programme's participants against matched comparison firms, with
#                   the difference in differences, if a programme enrolled firms (evaluation.gp)
#       genealogy   spin-offs by parent kind and generation, fertility of parents (genealogy.gp),
#                   and genealogy.dot, the tree for Graphviz (dot -Tsvg OUT/genealogy.dot > tree.svg)
#   a sweep or a comparison (ricsim sweep / compare: stats.tsv, diff.tsv): replication bands and scenario
#       differences with their intervals (plot_bands.gp, plot_diff.gp: PNG, default indicator)
#   a calibration (ricsim calibrate: fit.tsv): calibration.gp
#   a sensitivity analysis (ricsim sensitivity: morris.tsv, sobol.tsv): sensitivity.gp
# Exit status: 0 when every figure was drawn, 1 when one failed (the others are still drawn), 2 usage.
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
    echo "usage: analysis/figures.sh OUT   (OUT: a folder written by ricsim)" >&2
    exit 2
fi
dir=$1
status=0
drawn=0

# draw SCRIPT [gnuplot -e arguments]: the script in both formats (PNG only for a script that has
# no fmt setting)
draw() {
    script=$1
    shift
    fmts="png svg"
    grep -q 'fmt' "$here/$script" || fmts=png
    for fmt in $fmts; do
        # the folder is an argument (ARG1), data to gnuplot: any name works
        if gnuplot -e "fmt='$fmt'" "$@" -c "$here/$script" "$dir" 2>"$dir/.figures.err"; then
            drawn=$((drawn + 1))
        else
            echo "figures.sh: $script ($fmt) failed:" >&2
            cat "$dir/.figures.err" >&2
            status=1
        fi
    done
    rm -f "$dir/.figures.err"
}

if [ -f "$dir/series.tsv" ] && [ ! -f "$dir/runs.tsv" ]; then
    draw plot_series.gp
    if grep -q '^# focus_regions=dst$' "$dir/series.tsv"; then
        draw overlay_history.gp -e "hist='$here/../data/daedeok_history_wide.tsv'"
    fi
    if grep -v '^#' "$dir/series.tsv" | head -n 1 | tr '\t' '\n' | grep -q '_committed_usd_m$'; then
        draw money.gp
    fi
    draw participants.gp
    if [ -f "$dir/regions.tsv" ]; then draw regions.gp; fi
fi
if [ -f "$dir/evaluation.tsv" ] && grep -q '^# base_year=' "$dir/evaluation.tsv"; then
    draw evaluation.gp
fi
if [ -f "$dir/genealogy.tsv" ] && [ "$(grep -vc -e '^#' -e '^year' "$dir/genealogy.tsv")" -gt 0 ]; then
    draw genealogy.gp
    regions=$(sed -n 's/^# focus_regions=//p' "$dir/series.tsv" 2>/dev/null | tr ',' ' ')
    if awk -v mode=dot -v regions="$regions" -f "$here/genealogy.awk" "$dir/genealogy.tsv" >"$dir/genealogy.dot"; then
        drawn=$((drawn + 1))
    else
        status=1
    fi
fi
# the experiments' scripts (replication bands, scenario differences)
if [ -f "$dir/stats.tsv" ] && [ -f "$here/plot_bands.gp" ]; then draw plot_bands.gp; fi
if [ -f "$dir/diff.tsv" ] && [ -f "$here/plot_diff.gp" ]; then draw plot_diff.gp; fi
if [ -f "$dir/fit.tsv" ]; then draw calibration.gp; fi
if [ -f "$dir/morris.tsv" ] || [ -f "$dir/sobol.tsv" ]; then draw sensitivity.gp; fi

echo "figures.sh: $drawn figures in $dir" >&2
if [ "$drawn" -eq 0 ] && [ "$status" -eq 0 ]; then
    echo "figures.sh: nothing to draw in $dir (no series.tsv, stats.tsv, fit.tsv, morris.tsv or sobol.tsv)" >&2
    exit 1
fi
exit $status
