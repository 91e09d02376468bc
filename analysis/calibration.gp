# Figure of a ricsim calibration (the --out folder of ricsim calibrate: fit.tsv and history.tsv):
# the fitted targets as simulated / observed (at the start and at the fit, with the 2.5-97.5%
# range of the replications), every target with a known nonzero value as simulated against observed
# (log-log, fitted and unfitted told apart), and the loss of every evaluation.
# Run from anywhere:
#   gnuplot -e "dir='OUT'" [-e "fmt='svg'"] [-e "out='f.png'"] analysis/calibration.gp
# Default out: OUT/calibration.png (or .svg). ricsim calibrate draws it itself.
# The folder is data, never shell text: ricsim passes it as an argument (gnuplot -c calibration.gp
# DIR) and gnuplot reads the files itself, so any folder name works.
if (!exists("dir") && exists("ARGC") && ARGC >= 1) { dir = ARG1 }
if (!exists("dir")) { exit error "calibration.gp: give the calibration folder, e.g. gnuplot -e \"dir='runs/calibration'\" analysis/calibration.gp" }
fit = dir."/fit.tsv"
hist = dir."/history.tsv"
if (!exists("fmt")) { fmt = "png" }
if (fmt ne "png" && fmt ne "svg") { exit error "calibration.gp: fmt must be png or svg (got ".fmt.")" }
if (!exists("out")) { out = dir."/calibration.".fmt }
set datafile separator tab
n_fit = 0; n_hist = 0
stats fit using (n_fit = n_fit + 1, 0) nooutput
stats hist using (n_hist = n_hist + 1, 0) nooutput
if (n_fit == 0 || n_hist == 0) { exit error "calibration.gp: cannot read ".fit." and ".hist }
# "# loss_start=A loss_fit=B ..." (a comment line of fit.tsv) -> "loss at the start A, at the fit B"
line = ""
set datafile commentschars ""
stats fit using (line eq "" && strstrt(strcol(1), "# loss_start=") == 1 ? (line = strcol(1), 0) : 0) nooutput
set datafile commentschars "#"
loss = line eq "" ? "" : "loss at the start ".word(line, 2)[12:].", at the fit ".word(line, 3)[10:]
# the rows of fit.tsv whose weight is > 0: fit, its 2.5 and 97.5% quantiles and the start, each
# over observed, and the label
set table $fitted separator tab
plot fit using (column("fit_mean") / column("observed")):(column("fit_q025") / column("observed")):(column("fit_q975") / column("observed")):(column("start_mean") / column("observed")):(strcol("column")." ".strcol("year")) \
     with table if (column("weight") > 0)
unset table

if (fmt eq "svg") {
    set terminal svg size 1200,1300 dynamic font "Sans,11" noenhanced background rgb "white"
} else {
    set terminal pngcairo size 1200,1300 font ",11" noenhanced
}
set output out
set key outside right top noenhanced
set grid
set multiplot layout 3,1 title "Calibration: ".dir."   (".loss.")"

set title "Fitted targets: simulated mean / observed, with the 2.5-97.5% range of the replications"
set ylabel "simulated / observed (ratio)"
set xlabel "target (column, year)"
set xtics rotate by -20
set offsets 0.5, 0.5, 0.1, 0.1
plot $fitted using 0:1:2:3:xtic(5) with yerrorbars pt 7 ps 1.5 lw 2 lc 1 title "at the fit", \
     ""      using 0:4 with points pt 6 ps 1.5 lw 2 lc 2 title "at the start", \
     1 with lines dt 2 lc "black" title "observed"
set xtics norotate
set offsets 0, 0, 0, 0

set title "Every target with a known nonzero value: simulated mean at the fit against observed"
set logscale xy
set xlabel "observed (units of each column)"
set ylabel "simulated mean (same units)"
pos(v) = v > 0 ? v : NaN
plot fit using (pos(column("observed"))):(column("weight") > 0 ? pos(column("fit_mean")) : NaN):(pos(column("fit_q025"))):(pos(column("fit_q975"))) \
         with yerrorbars pt 7 ps 1.2 lc 1 title "fitted", \
     ""  using (pos(column("observed"))):(column("weight") > 0 ? NaN : pos(column("fit_mean"))) with points pt 4 ps 1.2 lc 3 title "not fitted (scheduled or untargeted)", \
     x with lines dt 2 lc "black" title "simulated = observed"
unset logscale

set title "Loss of every evaluation (Nelder-Mead), and the best so far"
set logscale y
set format y "%g"
set xlabel "evaluation"
set ylabel "loss (weighted sum of squared relative errors)"
plot hist using "evaluation":"loss" with points pt 7 ps 0.6 lc 2 title "loss", \
     ""   using "evaluation":"best" with steps lw 2 lc 1 title "best"
unset multiplot
unset output
print "calibration.gp: wrote ".out
