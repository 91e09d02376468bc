# Programme money of a ricsim run (OUT/series.tsv), per programme P: committed vs spent vs overhead
# (P_committed_usd_m, P_spent_usd_m, P_overhead_usd_m, US$ million), the gross hires of its member
# firms within their awards' windows (P_participant_hires: not jobs the programme created, which
# only ricsim compare measures), and what its reviews released and re-awarded (P_cut_usd_m,
# P_reawarded_usd_m).
# Run from anywhere:
#   gnuplot -e "dir='OUT'" [-e "progs='nuri ris_pilot'"] [-e "fmt='svg'"] [-e "out='f.png'"] analysis/money.gp
# progs: programmes to draw (default: every programme in the header). Default out: OUT/money.png (or .svg).
if (!exists("dir")) { exit error "money.gp: give the run directory, e.g. gnuplot -e \"dir='out/run1'\" analysis/money.gp" }
file = dir."/series.tsv"
if (!exists("fmt")) { fmt = "png" }
if (fmt ne "png" && fmt ne "svg") { exit error "money.gp: fmt must be png or svg (got ".fmt.")" }
if (!exists("out")) { out = dir."/money.".fmt }

set datafile separator tab
undefine STATS_*
stats file using 1 nooutput
if (!exists("STATS_records")) { exit error "money.gp: cannot read ".file }
if (!exists("progs")) {
    progs = system("grep -v '^#' '".file."' | head -n 1 | tr '\\t' '\\n' | sed -n 's/_committed_usd_m$//p' | tr '\\n' ' '")
}
if (words(progs) == 0) { exit error "money.gp: no programme columns (P_committed_usd_m) in ".file }

# The programmes' era: from a year before the first commitment to the end of the run.
t0 = 1e30
t1 = -1e30
do for [p in progs] {
    stats file using "year":(column(p."_committed_usd_m") > 0 ? 1 : NaN) nooutput
    if (STATS_records > 0 && STATS_min_x < t0) { t0 = STATS_min_x }
    if (STATS_max_x > t1) { t1 = STATS_max_x }
}
if (t0 > t1) { stats file using "year" nooutput; t0 = STATS_min; t1 = STATS_max }
set xrange [floor(t0) - 1 : t1]

if (fmt eq "svg") {
    set terminal svg size 1200,1300 dynamic font "Sans,11" noenhanced background rgb "white"
} else {
    set terminal pngcairo size 1200,1300 font ",11" noenhanced
}
set output out
set key outside right top noenhanced
set grid
set xlabel "year"
set multiplot layout 3,1 title "Programme money, members' hires and reviews: ".dir
LP = "with lines lw 2"

set title "Money committed (solid), spent (dashed) and administration (dotted), running totals"
set ylabel "US$ million"
plot for [i=1:words(progs)] file using "year":(column(word(progs,i)."_committed_usd_m")) @LP lc i dt 1 title word(progs,i)." committed", \
     for [i=1:words(progs)] file using "year":(column(word(progs,i)."_spent_usd_m")) @LP lc i dt 2 title word(progs,i)." spent", \
     for [i=1:words(progs)] file using "year":(column(word(progs,i)."_overhead_usd_m")) @LP lc i dt 3 title word(progs,i)." overhead"

set title "Gross hires of member firms while their award runs (running total; not jobs created: see compare)"
set ylabel "hires (persons)"
plot for [i=1:words(progs)] file using "year":(column(word(progs,i)."_participant_hires")) @LP lc i title word(progs,i)

set title "Reviews: commitments released by cancellations and cuts (solid) and re-awarded (dashed)"
set ylabel "US$ million"
plot for [i=1:words(progs)] file using "year":(column(word(progs,i)."_cut_usd_m")) @LP lc i dt 1 title word(progs,i)." released", \
     for [i=1:words(progs)] file using "year":(column(word(progs,i)."_reawarded_usd_m")) @LP lc i dt 2 title word(progs,i)." re-awarded"
unset multiplot
unset output
print "money.gp: wrote ".out
