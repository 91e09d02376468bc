# Dose-response of a sweep: an indicator at the final step against a swept parameter, the mean
# over replications with its 95% interval (DIR/dose.tsv, which every sweep writes), one point per
# design row, the axis labelled with the parameter's name (the experiment's `name`, else its key
# path with _ for other characters). With several swept parameters, rows that share a value of
# PARAM stack at that value.
# Run:  gnuplot -e "dir='OUT'" -e "param='ris_budget_usd_m'" -e "ind='transfers_cum'" \
#         [-e "fmt='svg'"] [-e "out='f.png'"] analysis/dose_response.gp
# Paths and names are data: nothing here goes to a shell.
if (!exists("dir")) { exit error "dose_response.gp: give the sweep directory, e.g. gnuplot -e \"dir='runs/ris'\" -e \"param='ris_budget_usd_m'\" -e \"ind='transfers_cum'\" analysis/dose_response.gp" }
if (!exists("param") || !exists("ind")) { exit error "dose_response.gp: give param (a parameter column of dose.tsv) and ind (an indicator)" }
file = dir."/dose.tsv"
if (!exists("fmt")) { fmt = "png" }
if (fmt ne "png" && fmt ne "svg") { exit error "dose_response.gp: fmt must be png or svg (got ".fmt.")" }
if (!exists("out")) { out = dir."/dose_".ind.".".fmt }

set datafile separator tab
set datafile commentschars ""   # the header line "# design_row ..." names the columns
set datafile columnheaders
undefine STATS_*
stats file using (column(param)):(column(ind)) nooutput
if (!exists("STATS_records") || STATS_records == 0) { exit error "dose_response.gp: no rows with columns ".param." and ".ind." in ".file }

if (fmt eq "svg") {
    set terminal svg size 900,600 dynamic font "Sans,11" noenhanced background rgb "white"
} else {
    set terminal pngcairo size 900,600 font ",11" noenhanced
}
set output out
set grid
set key top left noenhanced
set title "Dose-response: ".ind." at the last step against ".param." (".dir.")"
set xlabel param
set ylabel ind
dx = STATS_max_x > STATS_min_x ? 0.05 * (STATS_max_x - STATS_min_x) : 1
set xrange [STATS_min_x - dx : STATS_max_x + dx]
plot file using (column(param)):(column(ind)):(column(ind."_lo")):(column(ind."_hi")) \
     with yerrorlines lw 2 pt 7 title "mean and 95% interval over replications"
unset output
print "dose_response.gp: wrote ".out
