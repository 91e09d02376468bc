# Spin-off genealogy of a ricsim run (OUT/genealogy.tsv), three panels: spin-offs per year by the
# parent's kind, spin-offs per year by generation, and how many parents had how many spin-offs.
# Run from anywhere:
#   gnuplot -e "dir='OUT'" [-e "regions='dst'"] [-e "fmt='svg'"] [-e "out='f.png'"] analysis/genealogy.gp
# regions: child regions to count (default: the run's focus regions, from OUT/series.tsv; 'all' for all).
# Default out: OUT/genealogy.png (or .svg). The tables come from analysis/genealogy.awk, next to this script.
if (!exists("dir")) { exit error "genealogy.gp: give the run directory, e.g. gnuplot -e \"dir='out/run1'\" analysis/genealogy.gp" }
file = dir."/genealogy.tsv"
if (!exists("fmt")) { fmt = "png" }
if (fmt ne "png" && fmt ne "svg") { exit error "genealogy.gp: fmt must be png or svg (got ".fmt.")" }
if (!exists("out")) { out = dir."/genealogy.".fmt }
here = system("dirname '".ARG0."'")
awkf = here."/genealogy.awk"
if (system("test -r '".file."' && test -r '".awkf."' && echo ok") ne "ok") { exit error "genealogy.gp: cannot read ".file." or ".awkf }
if (!exists("regions")) {
    regions = system("sed -n 's/^# focus_regions=//p' '".dir."/series.tsv' 2>/dev/null | tr ',' ' '")
}
if (regions eq "all") { regions = "" }
tab(mode) = "< awk -v mode=".mode." -v regions='".regions."' -f '".awkf."' '".file."'"
where = (regions eq "") ? "all regions" : "children in ".regions

if (fmt eq "svg") {
    set terminal svg size 1200,1300 dynamic font "Sans,11" noenhanced background rgb "white"
} else {
    set terminal pngcairo size 1200,1300 font ",11" noenhanced
}
set output out
set datafile separator tab
set key outside right top noenhanced autotitle columnheader
set grid
set style data steps
set multiplot layout 3,1 title "Spin-off genealogy: ".dir." (".where.")"

set title "Spin-offs per year by the parent's kind"
set xlabel "year"
set ylabel "spin-offs per year (firms)"
plot for [k in "ri_gvt ri_private ri_semi_gvt university firm"] tab("kind") using "year":(column(k)) lw 2 title k

set title "Spin-offs per year by generation (1: child of an organisation or of a firm that is not a spin-off)"
plot tab("gen") using "year":"gen1" lw 2 title "generation 1", \
     ""         using "year":"gen2" lw 2 title "generation 2", \
     ""         using "year":"gen3plus" lw 2 title "generation 3+"

set title "Fertility of parents: how many parents had how many spin-offs"
set style data linespoints
set logscale xy
set xlabel "spin-offs of one parent (firms)"
set ylabel "parents (count)"
plot tab("parents") using "children":"parents" pt 7 ps 1.2 lw 1 title "parents"
unset multiplot
unset output
print "genealogy.gp: wrote ".out
