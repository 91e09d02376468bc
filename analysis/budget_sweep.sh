#!/usr/bin/env bash
# A budget sweep the way users drive ricsim: the RIS pilot's yearly budget in Daejeon over the
# values given, REPS replications each on common seeds, on every core. The inputs are copied into
# OUT/input (the sweep's record of what it ran); rerunning the script continues an interrupted
# sweep (--resume) and does nothing once it is complete. Then it draws the replication bands and
# prints the final spin-offs and SME jobs per budget.
# Run from the repository root:  analysis/budget_sweep.sh [OUT [REPS [BUDGET...]]]
#   e.g. analysis/budget_sweep.sh runs/ris_budget 10 2.65 5.3 10.6 21.2
# On a Slurm cluster, replace the sweep line by an array job (one shard per task), then merge:
#   sbatch --array=0-7 --wrap "build/ricsim sweep $OUT/input/experiment.cfg --out $OUT --shard \$SLURM_ARRAY_TASK_ID/8 --jobs \$SLURM_CPUS_PER_TASK --resume"
#   build/ricsim merge $OUT
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs/ris_budget}
reps=${2:-10}
if [ $# -gt 2 ]; then budgets=("${@:3}"); else budgets=(2.65 5.3 10.6); fi
[ -x build/ricsim ] || ./setup.sh

# The experiment @includes the scenario, and libconfig resolves every @include against the
# experiment's folder: copy the scenario next to it.
mkdir -p "$out/input"
cp scenarios/daedeok.cfg "$out/input/"
cp -r scenarios/daedeok "$out/input/"
values=$(printf '%s, ' "${budgets[@]}")
cat > "$out/input/experiment.cfg" <<CFG
# RIS pilot budget sweep, written by analysis/budget_sweep.sh
@include "daedeok.cfg"
experiment = {
  seed = 2004L;
  replications = $reps;
  design = "grid";
  # up to all 6 of Daejeon's proposals may win, so the budget binds (scenarios/sweep_ris_budget.cfg)
  parameters = ( { key = "programmes.ris_pilot.phases.[0].budget_usd_m"; values = [${values%, }]; },
                 { key = "programmes.ris_pilot.instruments.projects.max_winners"; values = [6]; } );
  indicators = ["smes", "employees_smes", "spinoffs_cum", "transfers_cum", "ris_pilot_spent_usd_m"];
};
CFG

build/ricsim plan "$out/input/experiment.cfg" | grep -v '^#' | head -4
build/ricsim sweep "$out/input/experiment.cfg" --out "$out" --resume
gnuplot -e "dir='$out'" -e "ind='spinoffs_cum'" analysis/plot_bands.gp
gnuplot -e "dir='$out'" -e "ind='employees_smes'" analysis/plot_bands.gp

# Mean final values per budget, from runs.tsv (columns picked by name).
awk -F'\t' '
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  $col["status"] == "ok" {
    b = $col["programmes.ris_pilot.phases.[0].budget_usd_m"]
    n[b]++; s[b] += $col["spinoffs_cum_final"]; e[b] += $col["employees_smes_final"]
    if (!(b in seen)) { seen[b] = 1; order[++k] = b }
  }
  END {
    printf "%-22s %6s %18s %22s\n", "RIS budget (US$M/yr)", "runs", "spin-offs by 2011", "SME employees 2011"
    for (i = 1; i <= k; i++) { b = order[i]; printf "%-22s %6d %18.1f %22.1f\n", b, n[b], s[b] / n[b], e[b] / n[b] }
  }' "$out/runs.tsv"
