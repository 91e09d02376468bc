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
if (!exists("dir")) { exit error "sensitivity.gp: give the sensitivity folder, e.g. gnuplot -e \"dir='runs/sa'\" analysis/sensitivity.gp" }
if (!exists("top")) { top = 6 }
if (!exists("fmt")) { fmt = "png" }
if (fmt ne "png" && fmt ne "svg") { exit error "sensitivity.gp: fmt must be png or svg (got ".fmt.")" }
morris = dir."/morris.tsv"
sobol = dir."/sobol.tsv"
have(f) = system("test -r '".f."' && echo 1 || echo 0") eq "1"
if (!have(morris) && !have(sobol)) { exit error "sensitivity.gp: neither ".morris." nor ".sobol." can be read" }
# "indicator@year" of every block of a table, in order
blocks(f) = system("awk -F'\t' '/^#/{next} !h{h=1; next} !(($1 \"@\" $2) in s){s[$1 \"@\" $2]=1; printf \"%s \", $1 \"@\" $2}' '".f."'")
# the rows of one block, with the header
rows(f, b) = "< awk -F'\t' -v k='".b."' '/^#/{next} !h{print; h=1; next} ($1 \"@\" $2)==k' '".f."'"
term(w, h) = (fmt eq "svg") ? sprintf("svg size %d,%d dynamic font 'Sans,11' noenhanced background rgb 'white'", w, h) \
                            : sprintf("pngcairo size %d,%d font ',11' noenhanced", w, h)
set datafile separator tab
set grid
set key noenhanced

if (have(morris)) {
    B = blocks(morris)
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
        plot rows(morris, b) using "mu_star":"sigma":"mu_star_lo":"mu_star_hi" with xerrorbars pt 7 ps 1.2 lc 1 title "parameter (mu* interval)", \
             ""              using "mu_star":"sigma":(column("rank") <= top ? strcol("parameter") : "") with labels left offset 1,0.5 font ",9" notitle
    }
    unset multiplot
    unset output
    print "sensitivity.gp: wrote ".dir."/morris.".fmt
}

if (have(sobol)) {
    B = blocks(sobol)
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
        plot rows(sobol, b) using ($0 - 0.18):"S1" with boxes lc 1 title "S1 (first order)", \
             ""             using ($0 - 0.18):"S1":"S1_lo":"S1_hi" with yerrorbars pt 7 ps 0.4 lc "black" notitle, \
             ""             using ($0 + 0.18):"ST" with boxes lc 2 title "ST (total)", \
             ""             using ($0 + 0.18):"ST":"ST_lo":"ST_hi" with yerrorbars pt 7 ps 0.4 lc "black" notitle, \
             ""             using (column("rank") - 1):(NaN):xtic(strcol("parameter")) notitle
    }
    unset multiplot
    unset output
    print "sensitivity.gp: wrote ".dir."/sobol.".fmt
}
