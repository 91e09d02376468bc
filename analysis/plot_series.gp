# Plot columns of a ricsim run's series.tsv against year, picking columns by header name.
# Run:  gnuplot -e "dir='OUT'" [-e "cols='smes employees_smes spinoffs_cum'"] [-e "fmt='svg'"] [-e "out='f.png'"] analysis/plot_series.gp
# Without cols: 3 panels (organisations; employees; cumulative spin-offs and job flows). fmt: png (pngcairo,
# the default) or svg. Default out: OUT/series.png (or .svg).
if (!exists("dir") && exists("ARGC") && ARGC >= 1) { dir = ARG1 } # gnuplot -c SCRIPT OUT
if (!exists("dir")) { exit error "plot_series.gp: give the run directory, e.g. gnuplot -e \"dir='out/run1'\" analysis/plot_series.gp" }
file = dir."/series.tsv"
if (!exists("fmt")) { fmt = "png" }
if (fmt ne "png" && fmt ne "svg") { exit error "plot_series.gp: fmt must be png or svg (got ".fmt.")" }
if (!exists("out")) { out = dir."/series.".fmt }
# pngcairo or svg at the same size in pixels
term(w, h) = (fmt eq "svg") ? sprintf("svg size %d,%d dynamic font 'Sans,11' noenhanced background rgb 'white'", w, h) \
                            : sprintf("pngcairo size %d,%d font ',11' noenhanced", w, h)

set datafile separator tab          # header row = first uncommented line; '# key=value' lines are skipped
undefine STATS_*                    # gnuplot only warns on a missing file: make it an error
stats file using 1 nooutput
if (!exists("STATS_records")) { exit error "plot_series.gp: cannot read ".file }
set key autotitle columnheader
set key outside right top noenhanced
set grid
set xlabel "year"
# NaN leaves a gap in a line; the small dots keep isolated values visible.
LP = "with linespoints lw 2 pt 7 ps 0.4"

if (exists("cols")) {
    eval "set terminal ".term(1200, 600)
    set output out
    set title dir." : ".cols
    set ylabel "value (units of each column)"
    plot for [c in cols] file using "year":(column(c)) @LP title c
} else {
    eval "set terminal ".term(1200, 1300)
    set output out
    set multiplot layout 3,1 title "ricsim run: ".dir
    set title "Organisations"
    set ylabel "count (organisations)"
    plot for [c in "research_institutes universities gvt_institutions smes large_firms firms"] \
         file using "year":(column(c)) @LP title c
    set title "Employees"
    set ylabel "employees (persons)"
    plot for [c in "employees_research employees_universities employees_gvt employees_smes employees_large employees_total"] \
         file using "year":(column(c)) @LP title c
    set title "Spin-offs (cumulative, left axis) and job flows per output step (right axis)"
    set ylabel "spin-offs, cumulative (count)"
    set y2label "jobs per output step (employees)"
    set ytics nomirror
    set y2tics
    plot file using "year":"spinoffs_cum" with steps lw 2 title "spinoffs_cum", \
         for [c in "jobs_created jobs_destroyed jobs_net"] file using "year":(column(c)) axes x1y2 @LP title c
    unset multiplot
}
unset output
print "plot_series.gp: wrote ".out
