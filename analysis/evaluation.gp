# The in-run evaluation of a ricsim run (OUT/evaluation.tsv), one row of panels per programme with
# participant firms: left, an outcome's mean over the participants and over their matched
# comparison firms; right, its difference in differences against the award's start with the 95%
# interval (did +- 1.96 se). doc/outputs.md, evaluation.tsv, says how the groups are formed.
# Run from anywhere:
#   gnuplot -c analysis/evaluation.gp OUT [OUTCOME]
#   gnuplot -e "dir='OUT'" [-e "ind='capability'"] [-e "prog='nuri'"] [-e "fmt='svg'"] [-e "out='f.png'"] analysis/evaluation.gp
# OUTCOME (ind) is employees (the default), capability, links_horizontal, links_vertical, survival
# or spinoffs; prog draws one programme only. Default out: OUT/evaluation_OUTCOME.png (or .svg).
# The folder is data, never shell text: gnuplot reads the file itself, so any folder name works.
if (!exists("dir") && exists("ARGC") && ARGC >= 1) { dir = ARG1 }
if (!exists("ind") && exists("ARGC") && ARGC >= 2) { ind = ARG2 }
if (!exists("dir")) { exit error "evaluation.gp: give the run directory, e.g. gnuplot -c analysis/evaluation.gp out/run1" }
if (!exists("ind")) { ind = "employees" }
if (!exists("fmt")) { fmt = "png" }
if (fmt ne "png" && fmt ne "svg") { exit error "evaluation.gp: fmt must be png or svg (got ".fmt.")" }
if (!exists("out")) { out = dir."/evaluation_".ind.".".fmt }
file = dir."/evaluation.tsv"

set datafile separator tab
undefine STATS_*
stats file using 1 nooutput
if (!exists("STATS_records")) { exit error "evaluation.gp: cannot read ".file }
# the programmes with participant firms, from the comment lines "# [programme NAME]" followed by
# "# base_year=..." (read by gnuplot: no shell)
names = ""; cur = ""
set datafile commentschars ""
stats file using (s = strcol(1), \
    strstrt(s, "# [programme ") == 1 ? (cur = s[14:strlen(s) - 1], 0) : \
    strstrt(s, "# base_year=") == 1 && (!exists("prog") || cur eq prog) ? (names = names." ".cur, 0) : 0) nooutput
set datafile commentschars "#"
n = words(names)
if (n == 0) { exit error "evaluation.gp: no programme with participant firms in ".file.(exists("prog") ? " named ".prog : "") }

if (fmt eq "svg") {
    set terminal svg size 1200,(60 + 320 * n) dynamic font "Sans,11" noenhanced background rgb "white"
} else {
    set terminal pngcairo size 1200,(60 + 320 * n) font ",11" noenhanced
}
set output out
set multiplot layout n,2 title "participants against matched comparison firms: ".ind
set key top left noenhanced
set grid
set xlabel "year"
do for [k = 1:n] {
    p = word(names, k)
    ds = "[programme ".p."]"
    set title p.": mean ".ind
    set ylabel ind
    plot file index ds using "year":(column(ind."_participants")) with linespoints lw 2 pt 7 ps 0.6 lc rgb "#b2182b" title "participants", \
         file index ds using "year":(column(ind."_comparison")) with linespoints lw 2 pt 5 ps 0.6 lc rgb "#2166ac" title "comparison firms"
    set title p.": difference in differences of ".ind." since the award's start"
    set ylabel ind." (difference in differences)"
    plot file index ds using "year":(column(ind."_did") - 1.96 * column(ind."_did_se")):(column(ind."_did") + 1.96 * column(ind."_did_se")) with filledcurves fs transparent solid 0.3 noborder lc rgb "#7f7f7f" title "95% interval", \
         file index ds using "year":(column(ind."_did")) with linespoints lw 2 pt 7 ps 0.6 lc rgb "black" title "difference in differences", \
         0 with lines lc rgb "gray" dt 2 notitle
}
unset multiplot
unset output
print "evaluation.gp: wrote ".out
