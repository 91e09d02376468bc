# Replication bands of a sweep: for each design row of DIR/stats.tsv, the mean of an indicator
# (line) and its 95% confidence interval across replications (band), against year.
# Run:  gnuplot -e "dir='OUT'" [-e "ind='spinoffs_cum'"] [-e "rows='0 2'"] [-e "fmt='svg'"] [-e "out='f.png'"] analysis/plot_bands.gp
# ind: an indicator of the sweep (stats.tsv has IND_mean, IND_lo, IND_hi); default spinoffs_cum.
# rows: design rows to draw (default all); each is labelled with its parameter values.
if (!exists("dir") && exists("ARGC") && ARGC >= 1) { dir = ARG1 } # gnuplot -c SCRIPT OUT
if (!exists("dir")) { exit error "plot_bands.gp: give the sweep directory, e.g. gnuplot -e \"dir='runs/ris'\" analysis/plot_bands.gp" }
if (!exists("ind")) { ind = "spinoffs_cum" }
if (!exists("fmt")) { fmt = "png" }
if (fmt ne "png" && fmt ne "svg") { exit error "plot_bands.gp: fmt must be png or svg (got ".fmt.")" }
if (!exists("out")) { out = dir."/bands_".ind.".".fmt }
file = dir."/stats.tsv"

set datafile separator tab          # each design row is a data set with its own header row
undefine STATS_*
stats file using 1 nooutput
if (!exists("STATS_blocks")) { exit error "plot_bands.gp: cannot read ".file }
# the "# [row R] scenario=S set ..." lines, read by gnuplot (no shell): how many, and each one's
# label (the values after " set ", or empty) in labels, one per line
n_rows = 0; labels = ""
set datafile commentschars ""
stats file using (s = strcol(1), strstrt(s, "# [row ") == 1 ? (n_rows = n_rows + 1, labels = labels.(strstrt(s, " set ") > 0 ? s[strstrt(s, " set ") + 5:] : "")."\n", 0) : 0) nooutput
set datafile commentschars "#"
if (!exists("rows")) { rows = ""; do for [i=0:n_rows-1] { rows = rows.sprintf(" %d", i) } }
# the label of row R: line R of labels
nth(t, k) = k <= 0 ? t[1:strstrt(t, "\n") - 1] : nth(t[strstrt(t, "\n") + 1:], k - 1)
label(r) = int(r) < n_rows ? nth(labels, int(r)) : ""
title_of(r) = strlen(label(r)) > 0 ? label(r) : "row ".r

if (fmt eq "svg") {
    set terminal svg size 1200,700 dynamic font "Sans,11" noenhanced background rgb "white"
} else {
    set terminal pngcairo size 1200,700 font ",11" noenhanced
}
set output out
set title "Mean and 95% interval across replications: ".ind." (".dir.")"
set xlabel "year"
set ylabel ind
set key top left noenhanced
set grid
set autoscale xfix
set style fill transparent solid 0.25 noborder
plot for [i=1:words(rows)] file index int(word(rows,i)) using "year":(column(ind."_lo")):(column(ind."_hi")) \
         with filledcurves lc i notitle, \
     for [i=1:words(rows)] file index int(word(rows,i)) using "year":(column(ind."_mean")) \
         with lines lw 2 lc i title title_of(word(rows,i))
unset output
print "plot_bands.gp: wrote ".out
