# Lay a ricsim run's series (lines) over the Daedeok history of Shin 2007 (points); run from the repository root:
#   gnuplot -e "dir='OUT'" [-e "hist='data/daedeok_history_wide.tsv'"] [-e "fmt='svg'"] [-e "out='f.png'"] analysis/overlay_history.gp
# Default hist is relative to the current directory (the repository root); fmt: png (default) or svg;
# default out: OUT/history.png (or .svg).
if (!exists("dir") && exists("ARGC") && ARGC >= 1) { dir = ARG1 } # gnuplot -c SCRIPT OUT
if (!exists("dir")) { exit error "overlay_history.gp: give the run directory, e.g. gnuplot -e \"dir='out/run1'\" analysis/overlay_history.gp" }
if (!exists("hist")) { hist = "data/daedeok_history_wide.tsv" }
if (!exists("fmt")) { fmt = "png" }
if (fmt ne "png" && fmt ne "svg") { exit error "overlay_history.gp: fmt must be png or svg (got ".fmt.")" }
if (!exists("out")) { out = dir."/history.".fmt }
file = dir."/series.tsv"

set datafile separator tab          # in both files the header row is the first uncommented line
undefine STATS_*                    # gnuplot only warns on a missing file: make it an error
stats file using 1 nooutput
if (!exists("STATS_records")) { exit error "overlay_history.gp: cannot read ".file }
undefine STATS_*
stats hist using 1 nooutput
if (!exists("STATS_records")) { exit error "overlay_history.gp: cannot read ".hist." (run from the repository root or give -e \"hist='...'\")" }
set key autotitle columnheader
set key outside right top noenhanced
set grid
set xlabel "year"
set offsets 1, 1, 0, 0             # keep the 1979 and 2005 history points off the frame
if (fmt eq "svg") {
    set terminal svg size 1200,900 dynamic font "Sans,11" noenhanced background rgb "white"
} else {
    set terminal pngcairo size 1200,900 font ",11" noenhanced
}
set output out
set multiplot layout 2,1 title "ricsim run ".dir." (lines) vs Daedeok history, Shin 2007 (points)"

# Same colour (lc i) for a run column and its history points; NaN history cells are simply not drawn.
ORG = "research_institutes universities smes"
set title "Organisations"
set ylabel "count (organisations)"
plot for [i=1:words(ORG)] file using "year":(column(word(ORG,i))) with lines lw 2 lc i title word(ORG,i), \
     for [i=1:words(ORG)] hist using "year":(column(word(ORG,i))) with points pt 7 ps 1.5 lc i notitle, \
     keyentry with points pt 7 ps 1.5 lc "black" title "history (points)"

EMP = "employees_research employees_universities employees_smes employees_total"
set title "Employees"
set ylabel "employees (persons)"
plot for [i=1:words(EMP)] file using "year":(column(word(EMP,i))) with lines lw 2 lc i title word(EMP,i), \
     for [i=1:words(EMP)] hist using "year":(column(word(EMP,i))) with points pt 7 ps 1.5 lc i notitle, \
     keyentry with points pt 7 ps 1.5 lc "black" title "history (points)"
unset multiplot
unset output
print "overlay_history.gp: wrote ".out
