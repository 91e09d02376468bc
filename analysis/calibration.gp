# Figure of a ricsim calibration (the --out folder of ricsim calibrate: fit.tsv and history.tsv):
# the fitted targets as simulated / observed (at the start and at the fit, with the 2.5-97.5%
# range of the replications), every target with a known nonzero value as simulated against observed
# (log-log, fitted and unfitted told apart), and the loss of every evaluation.
# Run from anywhere:
#   gnuplot -e "dir='OUT'" [-e "fmt='svg'"] [-e "out='f.png'"] analysis/calibration.gp
# Default out: OUT/calibration.png (or .svg). ricsim calibrate draws it itself.
if (!exists("dir")) { exit error "calibration.gp: give the calibration folder, e.g. gnuplot -e \"dir='runs/calibration'\" analysis/calibration.gp" }
fit = dir."/fit.tsv"
hist = dir."/history.tsv"
if (!exists("fmt")) { fmt = "png" }
if (fmt ne "png" && fmt ne "svg") { exit error "calibration.gp: fmt must be png or svg (got ".fmt.")" }
if (!exists("out")) { out = dir."/calibration.".fmt }
if (system("test -r '".fit."' && test -r '".hist."' && echo ok") ne "ok") { exit error "calibration.gp: cannot read ".fit." and ".hist }
loss = system("sed -n 's/^# loss_start=\\([^ ]*\\) loss_fit=\\([^ ]*\\).*/loss at the start \\1, at the fit \\2/p' '".fit."' | head -n 1")
# rows of fit.tsv whose weight is > 0, with the header
fitted = "< awk -F'\t' '/^#/{next} !h{print; h=1; next} $4 > 0' '".fit."'"

if (fmt eq "svg") {
    set terminal svg size 1200,1300 dynamic font "Sans,11" noenhanced background rgb "white"
} else {
    set terminal pngcairo size 1200,1300 font ",11" noenhanced
}
set output out
set datafile separator tab
set key outside right top noenhanced
set grid
set multiplot layout 3,1 title "Calibration: ".dir."   (".loss.")"

set title "Fitted targets: simulated mean / observed, with the 2.5-97.5% range of the replications"
set ylabel "simulated / observed (ratio)"
set xlabel "target (column, year)"
set xtics rotate by -20
set offsets 0.5, 0.5, 0.1, 0.1
plot fitted using 0:(column("fit_mean") / column("observed")):(column("fit_q025") / column("observed")):(column("fit_q975") / column("observed")):xtic(strcol("column")." ".strcol("year")) \
         with yerrorbars pt 7 ps 1.5 lw 2 lc 1 title "at the fit", \
     ""  using 0:(column("start_mean") / column("observed")) with points pt 6 ps 1.5 lw 2 lc 2 title "at the start", \
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
