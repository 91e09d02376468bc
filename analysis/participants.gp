# Participant vs non-participant firms of a ricsim run (OUT/series.tsv; all regions), as the seed
# compares KICOX participant and non-participant companies: firms, employees per firm, mean
# capability, and gross hiring per 100 employees. A participant is a firm that has taken part in any
# programme (the flag is never cleared).
# Run from anywhere:
#   gnuplot -e "dir='OUT'" [-e "fmt='svg'"] [-e "out='f.png'"] analysis/participants.gp
# Default out: OUT/participants.png (or .svg).
if (!exists("dir") && exists("ARGC") && ARGC >= 1) { dir = ARG1 } # gnuplot -c SCRIPT OUT
if (!exists("dir")) { exit error "participants.gp: give the run directory, e.g. gnuplot -e \"dir='out/run1'\" analysis/participants.gp" }
file = dir."/series.tsv"
if (!exists("fmt")) { fmt = "png" }
if (fmt ne "png" && fmt ne "svg") { exit error "participants.gp: fmt must be png or svg (got ".fmt.")" }
if (!exists("out")) { out = dir."/participants.".fmt }

set datafile separator tab
undefine STATS_*
stats file using 1 nooutput
if (!exists("STATS_records")) { exit error "participants.gp: cannot read ".file }
# From two years before the first participant to the end of the run.
stats file using "year":(column("firms_participant") > 0 ? 1 : NaN) nooutput
t0 = STATS_records > 0 ? STATS_min_x - 2 : STATS_min_x
stats file using "year" nooutput
if (STATS_records == 0) { exit error "participants.gp: no rows in ".file }
if (!exists("t0") || t0 < STATS_min) { t0 = STATS_min }
set xrange [t0 : STATS_max]

if (fmt eq "svg") {
    set terminal svg size 1200,1000 dynamic font "Sans,11" noenhanced background rgb "white"
} else {
    set terminal pngcairo size 1200,1000 font ",11" noenhanced
}
set output out
set key below horizontal noenhanced
set grid
set xlabel "year"
set multiplot layout 2,2 title "Participants vs non-participants (all regions): ".dir
LP = "with lines lw 2"
# per-firm ratios are NaN over no firms
ratio(a, b) = b > 0 ? a / b : NaN

set title "Firms"
set ylabel "firms (count, log scale)"
set logscale y
plot file using "year":(column("firms_participant") > 0 ? column("firms_participant") : NaN) @LP lc 1 title "participants", \
     file using "year":(column("firms_nonparticipant") > 0 ? column("firms_nonparticipant") : NaN) @LP lc 2 title "non-participants"
unset logscale y

set title "Employees per firm"
set ylabel "employees per firm (persons)"
plot file using "year":(ratio(column("employees_participant"), column("firms_participant"))) @LP lc 1 title "participants", \
     file using "year":(ratio(column("employees_nonparticipant"), column("firms_nonparticipant"))) @LP lc 2 title "non-participants"

set title "Mean capability"
set ylabel "capability (entrants average 1)"
plot file using "year":"capability_participant" @LP lc 1 title "participants", \
     file using "year":"capability_nonparticipant" @LP lc 2 title "non-participants"

set title "Gross hiring per output interval"
set ylabel "hires per 100 employees"
plot file using "year":(100 * ratio(column("jobs_created_participant"), column("employees_participant"))) @LP lc 1 title "participants", \
     file using "year":(100 * ratio(column("jobs_created_nonparticipant"), column("employees_nonparticipant"))) @LP lc 2 title "non-participants"
unset multiplot
unset output
print "participants.gp: wrote ".out
