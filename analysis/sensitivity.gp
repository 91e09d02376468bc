# Figures of a ricsim sensitivity analysis (the --out folder of ricsim sensitivity):
#   morris.png: per indicator and year, mu* (mean absolute elementary effect, with its bootstrap 95%
#     interval) against sigma (spread of the effects: interactions or non-linearity), one point per
#     parameter (Morris 1991; Campolongo et al. 2007);
#   sobol.png: per indicator and year, first-order (S1) and total (ST) Sobol indices with bootstrap
#     95% intervals, parameters ranked by ST.
# Each figure is drawn when its table (morris.tsv, sobol.tsv) is in the folder. Run from anywhere:
#   gnuplot -e "dir='OUT'" [-e "fmt='svg'"] [-e "top=6"] analysis/sensitivity.gp
# top: the Morris points named on the figure (the highest mu*; the table ranks them all).
# ricsim sensitivity draws it itself.
# The folder is data, never shell text: ricsim passes it as an argument (gnuplot -c sensitivity.gp
# DIR) and gnuplot reads the tables itself, so any folder name works.
if (!exists("dir") && exists("ARGC") && ARGC >= 1) { dir = ARG1 }
if (!exists("dir")) { exit error "sensitivity.gp: give the sensitivity folder, e.g. gnuplot -e \"dir='runs/sa'\" analysis/sensitivity.gp" }
if (!exists("top")) { top = 6 }
if (!exists("fmt")) { fmt = "png" }
if (fmt ne "png" && fmt ne "svg") { exit error "sensitivity.gp: fmt must be png or svg (got ".fmt.")" }
morris = dir."/morris.tsv"
sobol = dir."/sobol.tsv"
set datafile separator tab
# B: "indicator@year" of every block of table f, in order (the first line that is not a comment is
# the header); n_lines: the lines read, 0 when f cannot be read
key(x) = strcol(1)."@".strcol(2)
B = ""; n_lines = 0
stats morris using (n_lines = n_lines + 1, n_lines > 1 && strstrt(" ".B, " ".key(0)." ") == 0 ? (B = B.key(0)." ", 0) : 0) nooutput
B_morris = B; have_morris = n_lines > 0
B = ""; n_lines = 0
stats sobol using (n_lines = n_lines + 1, n_lines > 1 && strstrt(" ".B, " ".key(0)." ") == 0 ? (B = B.key(0)." ", 0) : 0) nooutput
B_sobol = B; have_sobol = n_lines > 0
if (!have_morris && !have_sobol) { exit error "sensitivity.gp: neither ".morris." nor ".sobol." can be read" }
term(w, h) = (fmt eq "svg") ? sprintf("svg size %d,%d dynamic font 'Sans,11' noenhanced background rgb 'white'", w, h) \
                            : sprintf("pngcairo size %d,%d font ',11' noenhanced", w, h)
set datafile separator tab
set grid
set key noenhanced

if (have_morris) {
    B = B_morris
    n = words(B)
    nc = n < 2 ? 1 : 2
    nr = (n + nc - 1) / nc
    eval "set terminal ".term(650 * nc, 480 * nr)
    set output dir."/morris.".fmt
    set multiplot layout nr, nc title "Morris elementary effects: ".dir." (the ".top." highest mu* named)"
    set xlabel "mu* (indicator units per full parameter range)"
    set ylabel "sigma (same units)"
    set key bottom right
    set offsets graph 0.05, graph 0.25, graph 0.1, graph 0.05
    do for [b in B] {
        set title b
        set table $rows separator tab
        plot morris using "mu_star":"sigma":"mu_star_lo":"mu_star_hi":"rank":(strcol("parameter")) with table if (key(0) eq b)
        unset table
        plot $rows using 1:2:3:4 with xerrorbars pt 7 ps 1.2 lc 1 title "parameter (mu* interval)", \
             ""    using 1:2:($5 <= top ? strcol(6) : "") with labels left offset 1,0.5 font ",9" notitle
    }
    unset multiplot
    unset output
    print "sensitivity.gp: wrote ".dir."/morris.".fmt
}

if (have_sobol) {
    B = B_sobol
    n = words(B)
    nc = n < 2 ? 1 : 2
    nr = (n + nc - 1) / nc
    eval "set terminal ".term(650 * nc, 480 * nr)
    set output dir."/sobol.".fmt
    set multiplot layout nr, nc title "Sobol indices (Saltelli design): ".dir
    set xlabel "parameter (ranked by total index)"
    set ylabel "share of the indicator's variance"
    set offsets 0.5, 0.5, 0, 0
    set yrange [-0.1:1.1]
    set xtics rotate by -30 font ",9"
    set key top right
    set style fill solid 0.5 border -1
    set boxwidth 0.35
    do for [b in B] {
        set title b
        set table $rows separator tab
        plot sobol using "S1":"S1_lo":"S1_hi":"ST":"ST_lo":"ST_hi":"rank":(strcol("parameter")) with table if (key(0) eq b)
        unset table
        plot $rows using ($0 - 0.18):1 with boxes lc 1 title "S1 (first order)", \
             ""    using ($0 - 0.18):1:2:3 with yerrorbars pt 7 ps 0.4 lc "black" notitle, \
             ""    using ($0 + 0.18):4 with boxes lc 2 title "ST (total)", \
             ""    using ($0 + 0.18):4:5:6 with yerrorbars pt 7 ps 0.4 lc "black" notitle, \
             ""    using ($7 - 1):(NaN):xtic(strcol(8)) notitle
    }
    unset multiplot
    unset output
    print "sensitivity.gp: wrote ".dir."/sobol.".fmt
}
