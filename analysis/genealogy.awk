# Tables of a ricsim spin-off genealogy (genealogy.tsv: year child_id parent_id parent_kind region
# parent_name),
# for analysis/genealogy.gp and analysis/figures.sh. Run with POSIX awk:
#   awk -v mode=kind    [-v regions="dst"] -f analysis/genealogy.awk OUT/genealogy.tsv
#       spin-offs per calendar year by the parent's kind: year ri_gvt ri_private ri_semi_gvt university firm
#   awk -v mode=gen     [-v regions="dst"] -f analysis/genealogy.awk OUT/genealogy.tsv
#       spin-offs per calendar year by generation: year gen1 gen2 gen3plus. A child of an organisation or
#       of a firm that is not itself a spin-off is generation 1; a child of a generation-g spin-off is g + 1.
#   awk -v mode=parents [-v regions="dst"] -f analysis/genealogy.awk OUT/genealogy.tsv
#       how skewed parenthood is (Klepper: clusters grow from a few fertile parents):
#       children parents (parents with that many spin-offs, in descending order of children)
#   awk -v mode=dot     [-v regions="dst"] -f analysis/genealogy.awk OUT/genealogy.tsv > OUT/genealogy.dot
#       the tree as a Graphviz digraph (parent -> child, labelled with the year; organisations are boxes)
# regions: space-separated child regions to keep (default: all). Generations always follow the whole
# tree, so a firm's rank does not depend on the filter. Rows are in time order, so a parent's
# generation is known before its children appear.
BEGIN {
    FS = "\t"; OFS = "\t"
    nk = split("ri_gvt ri_private ri_semi_gvt university firm", kinds, " ")
    if (regions != "") { nr = split(regions, rr, " "); for (i = 1; i <= nr; i++) keep[rr[i]] = 1 }
    if (mode == "dot") {
        print "digraph genealogy {"
        print "  graph [rankdir=LR, fontname=\"Helvetica\", label=\"ricsim spin-off genealogy: parent -> child (year)\"];"
        print "  node [shape=ellipse, fontname=\"Helvetica\", fontsize=9];"
        print "  edge [fontname=\"Helvetica\", fontsize=8];"
    }
}
/^#/ || $1 == "year" || NF < 5 { next }
{
    y = int($1); child = $2; kind = $4
    g = 1
    if (kind == "firm" && ($3 in gen)) g = gen[$3] + 1
    gen[child] = g
    if (regions != "" && !($5 in keep)) next
    if (ny == 0 || y < ymin) ymin = y
    if (ny == 0 || y > ymax) ymax = y
    ny = 1
    bykind[y, kind]++
    bygen[y, (g >= 3 ? 3 : g)]++
    kids[kind == "firm" ? "firm:" $3 : "org:" $3]++
    if (mode == "dot") {
        p = (kind == "firm" ? "f" $3 : "o" $3)
        if (kind != "firm" && !(p in drawn)) {
            drawn[p] = 1
            printf "  %s [shape=box, style=filled, fillcolor=\"#dde8f5\", label=\"%s %s\"];\n", p, kind, $3
        }
        printf "  %s -> f%s [label=\"%s\"];\n", p, child, y
        printf "  f%s [label=\"%s\\n%s gen %d\"];\n", child, child, $5, g
    }
}
END {
    if (mode == "dot") { print "}"; exit }
    # every calendar year from the first spin-off to the last, zeros included
    if (mode == "kind") {
        printf "year"; for (i = 1; i <= nk; i++) printf "\t%s", kinds[i]; printf "\n"
        for (y = ymin; ny && y <= ymax; y++) {
            printf "%d", y
            for (i = 1; i <= nk; i++) printf "\t%d", bykind[y, kinds[i]] + 0
            printf "\n"
        }
    } else if (mode == "gen") {
        print "year", "gen1", "gen2", "gen3plus"
        for (y = ymin; ny && y <= ymax; y++)
            print y, bygen[y, 1] + 0, bygen[y, 2] + 0, bygen[y, 3] + 0
    } else if (mode == "parents") {
        max = 0
        for (p in kids) { count[kids[p]]++; if (kids[p] > max) max = kids[p] }
        print "children", "parents"
        for (c = max; c >= 1; c--) if (c in count) print c, count[c]
    } else {
        print "genealogy.awk: mode must be kind, gen, parents or dot" > "/dev/stderr"; exit 2
    }
}
