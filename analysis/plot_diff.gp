# Scenario difference from `ricsim compare A B --out DIR`: the paired difference B - A of an
# indicator with its 95% interval (dark band), and the interval unpaired runs would give (light
# band), against year. The gap between the bands is what common random numbers buy.
# Run:  gnuplot -e "dir='OUT'" [-e "ind='employees_smes'"] [-e "fmt='svg'"] [-e "out='f.png'"] analysis/plot_diff.gp
if (!exists("dir") && exists("ARGC") && ARGC >= 1) { dir = ARG1 } # gnuplot -c SCRIPT OUT
if (!exists("dir")) { exit error "plot_diff.gp: give the compare directory, e.g. gnuplot -e \"dir='runs/nuri'\" analysis/plot_diff.gp" }
if (!exists("ind")) { ind = "employees_smes" }
if (!exists("fmt")) { fmt = "png" }
if (fmt ne "png" && fmt ne "svg") { exit error "plot_diff.gp: fmt must be png or svg (got ".fmt.")" }
if (!exists("out")) { out = dir."/diff_".ind.".".fmt }
file = dir."/diff.tsv"

set datafile separator tab
undefine STATS_*
stats file using 1 nooutput
if (!exists("STATS_records")) { exit error "plot_diff.gp: cannot read ".file }
# the scenarios from the comment lines "# A=..." and "# B=..." (read by gnuplot: no shell)
A = ""; B = ""
set datafile commentschars ""
stats file using (s = strcol(1), strstrt(s, "# A=") == 1 ? (A = s[5:], 0) : strstrt(s, "# B=") == 1 ? (B = s[5:], 0) : 0) nooutput
set datafile commentschars "#"

if (fmt eq "svg") {
    set terminal svg size 1200,700 dynamic font "Sans,11" noenhanced background rgb "white"
} else {
    set terminal pngcairo size 1200,700 font ",11" noenhanced
}
set output out
set title "B - A: ".ind."\nA = ".A.", B = ".B
set xlabel "year"
set ylabel "difference in ".ind
set key top left noenhanced
set grid
set autoscale xfix
plot file using "year":(column(ind."_lo_unpaired")):(column(ind."_hi_unpaired")) with filledcurves fs transparent solid 0.2 noborder lc rgb "#7f7fbf" title "95% interval, unpaired runs", \
     file using "year":(column(ind."_lo")):(column(ind."_hi")) with filledcurves fs solid 0.6 noborder lc rgb "#1f3f9f" title "95% interval, paired (common random numbers)", \
     file using "year":(column(ind."_diff")) with lines lw 2 lc rgb "black" title "mean difference", \
     0 with lines lc rgb "gray" dt 2 notitle
unset output
print "plot_diff.gp: wrote ".out
