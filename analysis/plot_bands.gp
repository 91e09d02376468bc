# Replication bands of a sweep: for each design row of DIR/stats.tsv, the mean of an indicator
# (line) and its 95% confidence interval across replications (band), against year.
# Run:  gnuplot -e "dir='OUT'" [-e "ind='spinoffs_cum'"] [-e "rows='0 2'"] [-e "fmt='svg'"] [-e "out='f.png'"] analysis/plot_bands.gp
# ind: an indicator of the sweep (stats.tsv has IND_mean, IND_lo, IND_hi); default spinoffs_cum.
# rows: design rows to draw (default all); each is labelled with its parameter values.
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
n_rows = int(system("grep -c '^# \\[row ' '".file."'"))
if (!exists("rows")) { rows = ""; do for [i=0:n_rows-1] { rows = rows.sprintf(" %d", i) } }
# the label of row R: the values after "set" on its "# [row R]" line, or the scenario file
label(r) = system(sprintf("sed -n 's/^# \\[row %s\\] scenario=\\([^ ]*\\)\\( set \\)\\{0,1\\}//p' '%s' | head -1", r, file))
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
