#!/usr/bin/env bash
# The creative what-if as a range over its assumptions: reads the long tables of two sweeps run
# with the same design and seeds (scenarios/sweep_creative_base.cfg into BASE, sweep_creative.cfg
# into CREATIVE), pairs them by design row and replication, and for INDICATOR (default
# employees_smes) at the last year prints each design row's paired difference CREATIVE - BASE with
# its 95% interval (Student t over the replications), then the range of the row means: the seed's
# question (which mix of the same money creates more jobs) answered over the assumed parameters,
# not as one number.
# usage: analysis/creative_range.sh BASE CREATIVE [INDICATOR]
#   e.g. build/ricsim sweep scenarios/sweep_creative_base.cfg --out runs/creative_base
#        build/ricsim sweep scenarios/sweep_creative.cfg --out runs/creative
#        analysis/creative_range.sh runs/creative_base runs/creative employees_smes
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: analysis/creative_range.sh BASE CREATIVE [INDICATOR]" >&2
  exit 2
fi
base=$1/long.tsv creative=$2/long.tsv ind=${3:-employees_smes}
for f in "$base" "$creative"; do
  [ -f "$f" ] || { echo "creative_range.sh: no long table at '$f' (run the sweep first)" >&2; exit 1; }
done
# Both files go to awk as data (-v would interpret backslashes; file names are arguments).
awk -F '\t' -v ind="$ind" '
  FNR == 1 {
    col = 0
    for (i = 1; i <= NF; i++) if ($i == ind) col = i
    if (!col) { printf "creative_range.sh: no column %s in %s\n", ind, FILENAME > "/dev/stderr"; exit 1 }
    for (i = 1; i <= NF; i++) if ($i == "year") ycol = i
    npar = ycol - 5; hdr = ""
    for (i = 5; i < ycol; i++) hdr = hdr "\t" $i
    file++
    next
  }
  {
    key = $2 SUBSEP $3
    if ($ycol + 0 >= last[file] + 0) last[file] = $ycol
    if ($ycol == last[file]) { v[file, key] = $col; row[$2] = 1; par[$2] = "" }
    if ($ycol == last[file]) { p = ""; for (i = 5; i < ycol; i++) p = p "\t" $i; par[$2] = p }
    reps[$3] = 1
  }
  END {
    # Student t quantiles (0.975) by degrees of freedom
    split("12.706 4.303 3.182 2.776 2.571 2.447 2.365 2.306 2.262 2.228 2.201 2.179 2.160 2.145 2.131 2.120 2.110 2.101 2.093 2.086", tq, " ")
    printf "design_row%s\t%s_diff\tlo\thi\tn\n", hdr, ind
    lo_all = ""; hi_all = ""; pos = 0; neg = 0; rows = 0
    for (r = 0; (r in row); r++) {
      n = 0; s = 0; ss = 0
      for (q in reps) if (((1, r SUBSEP q) in v) && ((2, r SUBSEP q) in v)) {
        d = v[2, r SUBSEP q] - v[1, r SUBSEP q]; n++; s += d; ss += d * d
      }
      if (n < 2) continue
      m = s / n; sd = sqrt((ss - n * m * m) / (n - 1)); t = (n - 1 <= 20) ? tq[n - 1] : 1.96
      h = t * sd / sqrt(n)
      printf "%d%s\t%.6g\t%.6g\t%.6g\t%d\n", r, par[r], m, m - h, m + h, n
      rows++
      if (lo_all == "" || m < lo_all) lo_all = m
      if (hi_all == "" || m > hi_all) hi_all = m
      if (m - h > 0) pos++
      if (m + h < 0) neg++
    }
    printf "# %s, CREATIVE - BASE at the last year over %d design rows: row means from %.6g to %.6g; %d rows above 0 and %d below 0 at 95%%\n", ind, rows, lo_all, hi_all, pos, neg
  }' "$base" "$creative"
