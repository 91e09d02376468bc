# The regions of a run or a comparison: the capital region's shares and the dispersion across
# regions over time, and for a run a small-multiples panel, one small plot per region of regions.tsv.
# Run:  gnuplot -e "dir='OUT'" [-e "ind='employees'"] [-e "inds='capital_share_employees gini_employees_regions'"] [-e "fmt='svg'"] [-e "out='f.png'"] analysis/regions.gp
# A run folder (regions.tsv and series.tsv): shares, dispersion, and the panel of regions drawing
# column IND of regions.tsv (default employees). A comparison or sweep folder (stats.tsv): one
# plot per indicator of INDS, the mean and 95% interval of each design row (run `compare` with
# --indicators naming them, e.g. --indicators capital_share_employees,gini_employees_regions),
# and with its regions_stats.tsv a panel per region: IND's mean and 95% interval of each row.
if (!exists("dir") && exists("ARGC") && ARGC >= 1) { dir = ARG1 } # gnuplot -c SCRIPT OUT
if (!exists("dir")) { exit error "regions.gp: give a run or comparison folder, e.g. gnuplot -e \"dir='out/run1'\" analysis/regions.gp" }
if (!exists("ind")) { ind = "employees" }
if (!exists("inds")) { inds = "capital_share_employees gini_employees_regions" }
if (!exists("fmt")) { fmt = "png" }
if (fmt ne "png" && fmt ne "svg") { exit error "regions.gp: fmt must be png or svg (got ".fmt.")" }
if (!exists("out")) { out = dir."/regions.".fmt }
term(w, h) = (fmt eq "svg") ? sprintf("svg size %d,%d dynamic font 'Sans,10' noenhanced background rgb 'white'", w, h) \
                            : sprintf("pngcairo size %d,%d font ',10' noenhanced", w, h)
set datafile separator tab
set grid
set key top left noenhanced
set xlabel "year"

# which folder: a sweep or comparison has stats.tsv (and regions.tsv of its runs), a run only
# regions.tsv (gnuplot only warns on a missing file: test what stats found)
undefine STATS_*
stats dir."/stats.tsv" using 1 nooutput
run = !exists("STATS_blocks")
if (run) {
    undefine STATS_*
    stats dir."/regions.tsv" using 1 nooutput
    if (!exists("STATS_blocks")) { exit error "regions.gp: ".dir." holds neither regions.tsv (a run) nor stats.tsv (a comparison)" }
} else { # the design rows: stats.tsv's "# [row R]" lines (STATS_blocks counts the empty end too)
    n_rows = 0
    set datafile commentschars ""
    stats dir."/stats.tsv" using (strstrt(strcol(1), "# [row ") == 1 ? (n_rows = n_rows + 1, 0) : 0) nooutput
    set datafile commentschars "#"
}

if (run) {
    file = dir."/regions.tsv"
    series = dir."/series.tsv"
    # the region names, from the "# [region NAME]" lines (read by gnuplot, no shell)
    names = ""
    set datafile commentschars ""
    stats file using (s = strcol(1), strstrt(s, "# [region ") == 1 ? (names = names." ".s[11:strlen(s) - 1], 0) : 0) nooutput
    set datafile commentschars "#"
    n = words(names)
    if (n == 0) { exit error "regions.gp: no region in ".file }
    cols = 4
    rows = 1 + int((n + 1 + cols - 1) / cols)
    eval "set terminal ".term(1400, 320 * rows)
    set output out
    set multiplot layout rows, cols title "Regions of ".dir
    set title "capital region's share"
    set ylabel "share"
    set yrange [0:*]
    plot series using "year":"capital_share_firms" with lines lw 2 title "firms", \
         series using "year":"capital_share_employees" with lines lw 2 title "employees", \
         series using "year":"capital_share_spinoffs" with lines lw 2 title "spin-offs to date", \
         series using "year":"capital_share_jobs_created" with lines lw 1 dt 2 title "jobs created"
    set title "dispersion across regions (per resident, or of the raw counts)"
    set ylabel "index"
    plot series using "year":"gini_employees_regions" with lines lw 2 title "Gini, employees", \
         series using "year":"theil_employees_regions" with lines lw 2 title "Theil, employees", \
         series using "year":"cv_employees_regions" with lines lw 2 title "CV, employees", \
         series using "year":"gini_firms_regions" with lines lw 1 dt 2 title "Gini, firms"
    set ylabel ind
    set yrange [*:*]
    unset key
    do for [k = 1:n] {
        reg = word(names, k)
        set title reg
        plot file index "[region ".reg."]" using "year":ind with lines lw 2 lc rgb "#2166ac"
    }
    unset multiplot
} else {
    file = dir."/stats.tsv"
    rfile = dir."/regions_stats.tsv"
    m = words(inds)
    # the regions, from regions_stats.tsv's "# [row 0 region NAME] n=N" lines (none: no panel)
    names = ""
    undefine STATS_*
    set datafile commentschars ""
    stats rfile using (s = strcol(1), strstrt(s, "# [row 0 region ") == 1 ? (names = names." ".s[17:strstrt(s, "]") - 1], 0) : 0) nooutput
    set datafile commentschars "#"
    n = words(names)
    cols = n > 0 ? 3 : 1
    rows = int((m + n + cols - 1) / cols)
    eval "set terminal ".term(n > 0 ? 1500 : 1200, 360 * rows)
    set output out
    set multiplot layout rows, cols title "Regional indicators of ".dir.": mean and 95% interval of each design row"
    set style fill transparent solid 0.25 noborder
    do for [k = 1:m] {
        name = word(inds, k)
        set title name
        set ylabel name
        plot for [row = 0:n_rows - 1] file index row using "year":(column(name."_lo")):(column(name."_hi")) with filledcurves notitle, \
             for [row = 0:n_rows - 1] file index row using "year":(column(name."_mean")) with lines lw 2 title "row ".row
    }
    set ylabel ind
    do for [k = 1:n] {
        reg = word(names, k)
        set title reg.": ".ind
        plot for [row = 0:n_rows - 1] rfile index "[row ".row." region ".reg."]" using "year":(column(ind."_lo")):(column(ind."_hi")) with filledcurves notitle, \
             for [row = 0:n_rows - 1] rfile index "[row ".row." region ".reg."]" using "year":(column(ind."_mean")) with lines lw 2 title "row ".row
    }
    unset multiplot
}
unset output
print "regions.gp: wrote ".out
