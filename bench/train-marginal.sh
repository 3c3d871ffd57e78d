#!/usr/bin/env bash
# The marginal training step of whole processes (issue 15): `plora train` as a user runs it (the CLI, the
# default model, dense LoRA r 8 on the 36 default targets, fp32, AdamW, evaluation and saving included) and
# bench/peft_peer.py (transformers + PEFT, .venv), each started twice per shape with LOW and HIGH steps.
# Marginal step = (wall(HIGH) - wall(LOW)) / (HIGH - LOW): start-up, loading, evaluation and saving cancel
# out, and what is left is everything a user waits for per step (data, tokenizing, masks, progress,
# metrics, checkpoints). The texts are long enough that every batch is SEQ tokens.
# MKL: plora loads its vendor helper (MklCpuDispatch); the peer runs stock torch unless PEER_MKL_ANY_VENDOR=1
# preloads the same helper into it (see bench/train-vs-peft.sh).
# Usage: bench/train-marginal.sh [THREADS] [LOW] [HIGH] [SHAPES...]   (defaults 2 10 40 16x64 32x64 32x128)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
threads="${1:-2}"; low="${2:-10}"; high="${3:-40}"; shift 3 2>/dev/null || shift $#
shapes=("$@"); [[ ${#shapes[@]} -gt 0 ]] || shapes=(16x64 32x64 32x128)
py="$root/.venv/bin/python"
[[ -x "$py" ]] || { echo "train-marginal: no $py (mvn -B verify, or clients/python/ensure-venv.sh, makes it)" >&2; exit 2; }
(cd "$root" && mvn -B -q -DskipTests package -pl cli -am) >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$root/cli/target/plora-cli.jar" "$root/cli/target/lib" "$work/"
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$root/.cache/djl}" PLORA_HOME="${PLORA_HOME:-$root/.cache/plora}"
model="$PLORA_HOME/models/all-minilm-l6-v2/model.onnx"

wall() { local t0; t0=$(date +%s.%N); "$@" >/dev/null 2>"$work/last.err" || { cat "$work/last.err" >&2; exit 1; }
  echo "$(date +%s.%N) - $t0" | bc -l; }
plora_train() { # BATCH SEQ STEPS
  local data="$work/data-$1-$2-$3"
  python3 - "$data" "$1" "$2" "$3" <<'PY'
import json, os, random, sys
out, batch, seq, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
os.makedirs(out, exist_ok=True)
words = "the film was good and the actors were great but the plot felt slow at times".split()
rnd = random.Random(0)
def rows(n):
    for i in range(n):
        yield {"text": " ".join(rnd.choice(words) for _ in range(seq + seq // 2)), "label": "pos" if i % 2 else "neg"}
for name, n in (("train", batch * steps), ("eval", batch)):
    with open(f"{out}/{name}.jsonl", "w") as f:
        for r in rows(n):
            f.write(json.dumps(r) + "\n")
PY
  wall java -Dai.djl.offline=true -Dai.djl.pytorch.num_interop_threads=1 -Dai.djl.pytorch.num_threads="$threads" \
    ${PLORA_JAVA_OPTS:-} -jar "$work/plora-cli.jar" train --model default --train "$data/train.jsonl" \
    --eval "$data/eval.jsonl" --epochs 1 --batch "$1" --max-len "$2" --out "$work/run-$1-$2-$3"
}
source "$root/bench/peer-env.sh"
peer() { wall env "${peer_env[@]}" "$py" "$root/bench/peft_peer.py" "$model" "$1" "$2" "$3" "$threads"; }

echo "plora train vs transformers + PEFT ($peer_label), marginal step of whole processes; $(date -u +%F)"
echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $threads threads; steps $low and $high"
echo
echo "| shape | plora train s/step | peer s/step | plora ex/s | peer ex/s | plora / peer |"
echo "|---|---|---|---|---|---|"
for shape in "${shapes[@]}"; do
  b="${shape%x*}"; s="${shape#*x}"
  pl=$(plora_train "$b" "$s" "$low"); ph=$(plora_train "$b" "$s" "$high")
  ql=$(peer "$b" "$s" "$low"); qh=$(peer "$b" "$s" "$high")
  python3 - "$b" "$s" "$low" "$high" "$pl" "$ph" "$ql" "$qh" <<'PY'
import sys
b, s, lo, hi = (int(x) for x in sys.argv[1:5])
pl, ph, ql, qh = (float(x) for x in sys.argv[5:9])
a, p = (ph - pl) / (hi - lo), (qh - ql) / (hi - lo)
print(f"| {b} x {s} | {a:.3f} | {p:.3f} | {b / a:.1f} | {b / p:.1f} | {p / a:.2f}x |")
PY
done
