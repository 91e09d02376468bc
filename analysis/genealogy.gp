# Spin-off genealogy of a ricsim run (OUT/genealogy.tsv), three panels: spin-offs per year by the
# parent's kind, spin-offs per year by generation, and how many parents had how many spin-offs.
# Run from anywhere:
#   gnuplot -e "dir='OUT'" [-e "regions='dst'"] [-e "fmt='svg'"] [-e "out='f.png'"] analysis/genealogy.gp
#   gnuplot -c analysis/genealogy.gp OUT
# regions: child regions to count (default: the run's focus regions, from OUT/series.tsv; 'all' for all).
# Default out: OUT/genealogy.png (or .svg). The tables are those of analysis/genealogy.awk (which
# figures.sh uses for the Graphviz tree), computed here by gnuplot itself: the folder is data, never
# shell text, so any folder name works.
if (!exists("dir") && exists("ARGC") && ARGC >= 1) { dir = ARG1 }
if (!exists("dir")) { exit error "genealogy.gp: give the run directory, e.g. gnuplot -e \"dir='out/run1'\" analysis/genealogy.gp" }
file = dir."/genealogy.tsv"
if (!exists("fmt")) { fmt = "png" }
if (fmt ne "png" && fmt ne "svg") { exit error "genealogy.gp: fmt must be png or svg (got ".fmt.")" }
if (!exists("out")) { out = dir."/genealogy.".fmt }
set datafile separator tab

# the focus regions: the "# focus_regions=a,b" line of series.tsv, as "a b"
spaced(s) = strstrt(s, ",") ? s[1:strstrt(s, ",") - 1]." ".spaced(s[strstrt(s, ",") + 1:]) : s
if (!exists("regions")) {
    regions = ""
    set datafile commentschars ""
    stats dir."/series.tsv" using (s = strcol(1), strstrt(s, "# focus_regions=") == 1 ? (regions = spaced(s[17:]), 0) : 0) nooutput
    set datafile commentschars "#"
}
if (regions eq "all") { regions = "" }
keep(r) = regions eq "" || strstrt(" ".regions." ", " ".r." ") > 0
where = (regions eq "") ? "all regions" : "children in ".regions

# Pass 1: the rows (child_id must increase, as firm ids are given in order of creation) and the
# calendar years of the kept ones. Columns: year child_id parent_id parent_kind region parent_name.
undefine STATS_*
n = 0; ymin = 1e30; ymax = -1e30; last_id = -1; in_order = 1
row1(y, id, r) = (n = n + 1, in_order = in_order && id > last_id, last_id = id, \
                  keep(r) ? (ymin = int(y) < ymin ? int(y) : ymin, ymax = int(y) > ymax ? int(y) : ymax) : 0)
stats file using (valid(1) && valid(2) && valid(3) ? row1($1, $2, strcol(5)) : 0, 0) nooutput
if (!exists("STATS_records")) { exit error "genealogy.gp: cannot read ".file }
if (!in_order) { exit error "genealogy.gp: child_id does not increase down ".file }
if (ymax < ymin) { exit error "genealogy.gp: no spin-offs of ".where." in ".file }
ny = ymax - ymin + 1

# Pass 2: each child's generation (1 for a child of an organisation or of a firm that is not a
# spin-off; g + 1 for a child of a generation-g spin-off, whatever the filter), and the counts per
# year by kind (K, five per year) and by generation (Gy, three per year: 1, 2, 3+).
kinds = "ri_gvt ri_private ri_semi_gvt university firm"
kind_of(k) = sum [i=1:5] (word(kinds, i) eq k ? i : 0)
array C[n]
array G[n]
array K[ny * 5]
array Gy[ny * 3]
do for [i=1:ny*5] { K[i] = 0 }
do for [i=1:ny*3] { Gy[i] = 0 }
# the row of child ID among rows lo..hi (0: none), by bisection over the increasing ids
mid(lo, hi) = int((lo + hi) / 2)
row_of(id, lo, hi) = lo > hi ? 0 : C[mid(lo, hi)] == id ? mid(lo, hi) : \
                     C[mid(lo, hi)] < id ? row_of(id, mid(lo, hi) + 1, hi) : row_of(id, lo, mid(lo, hi) - 1)
gen_of(parent, k, r) = k eq "firm" ? (p = row_of(parent, 1, r - 1), p > 0 ? G[p] + 1 : 1) : 1
count(y, g, k) = (kind_of(k) > 0 ? K[(y - ymin) * 5 + kind_of(k)] = K[(y - ymin) * 5 + kind_of(k)] + 1 : 0, \
                  Gy[(y - ymin) * 3 + (g > 3 ? 3 : g)] = Gy[(y - ymin) * 3 + (g > 3 ? 3 : g)] + 1)
r = 0
row2(y, id, parent, k, reg) = (r = r + 1, C[r] = id, G[r] = gen_of(parent, k, r), keep(reg) ? count(int(y), G[r], k) : 0)
stats file using (valid(1) && valid(2) && valid(3) ? row2($1, $2, $3, strcol(4), strcol(5)) : 0, 0) nooutput

set print $kind
print "year\tri_gvt\tri_private\tri_semi_gvt\tuniversity\tfirm"
do for [y=0:ny-1] { print sprintf("%d\t%d\t%d\t%d\t%d\t%d", ymin + y, K[y*5+1], K[y*5+2], K[y*5+3], K[y*5+4], K[y*5+5]) }
set print $gen
print "year\tgen1\tgen2\tgen3plus"
do for [y=0:ny-1] { print sprintf("%d\t%d\t%d\t%d", ymin + y, Gy[y*3+1], Gy[y*3+2], Gy[y*3+3]) }
unset print
# fertility: the kept children of each parent (firms by id, organisations by -id), then how many
# parents had each number of children; smooth frequency writes its tables with blanks
set table $keys separator tab
plot file using (strcol(4) eq "firm" ? $3 : -$3):(1) with table if (valid(1) && valid(3) && keep(strcol(5)))
unset table
set datafile separator whitespace
set table $kids
plot $keys using 1:2 smooth frequency
set table $parents
plot $kids using 2:(1) smooth frequency
unset table

if (fmt eq "svg") {
    set terminal svg size 1200,1300 dynamic font "Sans,11" noenhanced background rgb "white"
} else {
    set terminal pngcairo size 1200,1300 font ",11" noenhanced
}
set output out
set key outside right top noenhanced autotitle columnheader
set grid
set style data steps
set multiplot layout 3,1 title "Spin-off genealogy: ".dir." (".where.")"

set title "Spin-offs per year by the parent's kind"
set xlabel "year"
set ylabel "spin-offs per year (firms)"
plot for [k in kinds] $kind using "year":(column(k)) lw 2 title k

set title "Spin-offs per year by generation (1: child of an organisation or of a firm that is not a spin-off)"
plot $gen using "year":"gen1" lw 2 title "generation 1", \
     ""   using "year":"gen2" lw 2 title "generation 2", \
     ""   using "year":"gen3plus" lw 2 title "generation 3+"

set title "Fertility of parents: how many parents had how many spin-offs"
set style data linespoints
set logscale xy
set key noautotitle # $parents has no header line
set xlabel "spin-offs of one parent (firms)"
set ylabel "parents (count)"
plot $parents using 1:2 pt 7 ps 1.2 lw 1 title "parents"
unset multiplot
unset output
print "genealogy.gp: wrote ".out
