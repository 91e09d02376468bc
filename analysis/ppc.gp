# Figure of a ricsim calibration by ABC-SMC (the --out folder of ricsim calibrate with
# method = "abc_smc": ppc.tsv and identification.tsv): every target with a nonzero observation
# as posterior-predictive / observed, the 95% band of the draws as a bar and the observation's
# tolerance as a shaded bar around 1 (the data), and the tolerance and acceptance by generation.
# Run from anywhere:
#   gnuplot -e "dir='OUT'" [-e "fmt='svg'"] [-e "out='f.png'"] analysis/ppc.gp
# Default out: OUT/ppc.png (or .svg). ricsim calibrate draws it itself.
# The folder is data, never shell text: ricsim passes it as an argument (gnuplot -c ppc.gp DIR)
# and gnuplot reads the files itself, so any folder name works.
if (!exists("dir") && exists("ARGC") && ARGC >= 1) { dir = ARG1 }
if (!exists("dir")) { exit error "ppc.gp: give the calibration folder, e.g. gnuplot -e \"dir='runs/abc'\" analysis/ppc.gp" }
ppc = dir."/ppc.tsv"
ident = dir."/identification.tsv"
if (!exists("fmt")) { fmt = "png" }
if (fmt ne "png" && fmt ne "svg") { exit error "ppc.gp: fmt must be png or svg (got ".fmt.")" }
if (!exists("out")) { out = dir."/ppc.".fmt }
set datafile separator tab
n_ppc = 0
stats ppc using (n_ppc = n_ppc + 1, 0) nooutput
if (n_ppc == 0) { exit error "ppc.gp: cannot read ".ppc }
# the targets with a nonzero observation, relative to it: mean, band, tolerance, label
ok(o) = o == o && o != 0
set table $rel separator tab
plot ppc using (column("ppc_mean") / column("observed")):(column("ppc_q025") / column("observed")):(column("ppc_q975") / column("observed")):(column("tolerance") / abs(column("observed"))):(column("weight") > 0 ? 1 : 0):(strcol("target")." ".strcol("year")) \
     with table if (ok(column("observed")))
unset table

if (fmt eq "svg") {
    set terminal svg size 1200,1000 dynamic font "Sans,11" noenhanced background rgb "white"
} else {
    set terminal pngcairo size 1200,1000 font ",11" noenhanced
}
set output out
set key outside right top noenhanced
set grid
set multiplot layout 2,1 title "ABC-SMC calibration: ".dir

set title "Targets: posterior-predictive mean and 95% band over the observation (1), its tolerance shaded"
set ylabel "simulated / observed"
set xlabel "target"
set xtics rotate by -30 font ",9"
set offsets 0.5, 0.5, 0.1, 0.1
set style fill transparent solid 0.25 noborder
plot $rel using 0:(1):($0 - 0.3):($0 + 0.3):(1 - $4):(1 + $4) with boxxyerror lc rgb "gray50" title "observed +- tolerance (data)", \
     ""   using 0:($5 > 0 ? $1 : NaN):2:3:xtic(6) with yerrorbars pt 7 ps 1.3 lw 2 lc 1 title "posterior predictive, fitted (95% band)", \
     ""   using 0:($5 > 0 ? NaN : $1):2:3 with yerrorbars pt 6 ps 1.3 lw 2 lc 2 title "not fitted (weight 0)", \
     1 with lines dt 2 lc "black" notitle
set xtics norotate font ",11"
set offsets 0, 0, 0, 0
unset style

set title "Generations: tolerance (distance units) and the share of runs accepted"
set xlabel "generation"
set ylabel "tolerance"
set y2label "acceptance"
set logscale y
set y2range [0:1]
set y2tics
set ytics nomirror
plot ident index 2 using 1:(column("tolerance") < 1e300 ? column("tolerance") : NaN) with linespoints pt 7 lw 2 title "tolerance", \
     ident index 2 using 1:"acceptance" axes x1y2 with linespoints pt 5 lw 2 title "acceptance"
unset multiplot
