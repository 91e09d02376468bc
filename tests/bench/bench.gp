# Cost against population size from bench.tsv: nanoseconds per firm-step (flat = linear scaling)
# and seconds per phase (rows 0 and 1 are the two national workloads, not plotted). Run: gnuplot -e "tsv='build/bench/bench.tsv'; out='build/bench/bench.png'" tests/bench/bench.gp
if (!exists("tsv")) tsv = 'bench.tsv'
if (!exists("out")) out = 'bench.png'
set terminal pngcairo size 1100,800 font ",10" noenhanced
set output out
set datafile separator tab
set key autotitle columnheader outside right
set logscale x
set grid
set multiplot layout 2,1 title "ricsim benchmark (synthetic populations, 120 monthly steps)"
set xlabel "firms"
set ylabel "ns per firm-step"
set yrange [0:*]
plot tsv every ::2 using "firms_mean":"ns_per_firm_step" with linespoints lw 2 pt 7 title "all phases"
set logscale y
set yrange [*:*]
set ylabel "seconds per run"
plot for [c in "firms_s hiring_s output_s programmes_s transfer_s entry_s compact_s org_spinoff_s firm_spinoff_s"] \
     tsv every ::2 using "firms_mean":c with linespoints title c
unset multiplot
