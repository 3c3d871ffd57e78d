#!/usr/bin/env bash
# Training speed against the peer a PEFT user runs (issue 15): plora's benchmark class (the real Trainer on
# MiniLM, dense LoRA r 8 on the 36 targets, fp32) and bench/peft_peer.py (transformers + PEFT on torch from
# the project's .venv), alternated ROUNDS times at each shape, same threads, same step count. Reports
# examples/s (median of the rounds), the ratio, and achieved GFLOP/s against this machine's GEMM rate
# (torch fp32 matmul of a [batch*seq, 384] x [384, 1536] product, same threads) as a Markdown table.
# Training FLOPs per example: 2 x forward (the frozen weights need input gradients only), forward =
# 2 x 10.6M matmul weights x seq + 6 layers x 4 x seq^2 x 384 (attention); LoRA and the head are < 1%.
# Usage: bench/train-vs-peft.sh [THREADS] [STEPS] [ROUNDS] [SHAPES...]   (defaults 2 30 2 16x64 32x64 32x128)
# Steps: the first two are not timed, and the first ~10 are slower while the process's heap grows; 30
# measures the steady state. PLORA_JAVA_OPTS=-Dplora.graph.optimize=false measures the graph as exported.
# MKL's code path: plora loads its MKL vendor helper (MklCpuDispatch; -Dplora.mkl.any-vendor=false in
# PLORA_JAVA_OPTS turns it off); the peer runs stock torch, as a PEFT user does, unless PEER_MKL_ANY_VENDOR=1
# preloads the same helper into it. The GEMM rate is measured both ways.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
threads="${1:-2}"; steps="${2:-30}"; rounds="${3:-2}"; shift 3 2>/dev/null || shift $#
shapes=("$@"); [[ ${#shapes[@]} -gt 0 ]] || shapes=(16x64 32x64 32x128)
py="$root/.venv/bin/python"
[[ -x "$py" ]] || { echo "train-vs-peft: no $py (mvn -B verify, or clients/python/ensure-venv.sh, makes it)" >&2; exit 2; }
model="$PLORA_HOME/models/all-minilm-l6-v2/model.onnx"
[[ -f "$model" ]] || "${JAVA_BENCH[@]}" dev.plora.bench.TrainThroughput 2 8 3 1.0 >/dev/null
source "$root/bench/peer-env.sh"
[[ -f "$helper" ]] || { echo "train-vs-peft: no $helper (the engine build makes it)" >&2; exit 2; }
gemm_rate() {
  env OMP_NUM_THREADS="$threads" "$@" "$py" - "$threads" <<'PY'
import sys, time, torch
torch.set_num_threads(int(sys.argv[1]))
a, b = torch.randn(2048, 384), torch.randn(384, 1536)
for _ in range(5): a @ b
t = time.perf_counter(); n = 40
for _ in range(n): a @ b
print(f"{2 * 2048 * 384 * 1536 * n / (time.perf_counter() - t) / 1e9:.1f}")
PY
}
gemm_stock=$(gemm_rate)
gemm=$(gemm_rate LD_PRELOAD="$helper")
echo "plora: graph optimiser $([[ "${PLORA_JAVA_OPTS:-}" == *plora.graph.optimize=false* ]] && echo off || echo on), options '${PLORA_JAVA_OPTS:-}'; peer: $peer_label; $(date -u +%F)"
echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $threads threads; GEMM $gemm GFLOP/s (torch fp32, MKL vendor helper; stock torch: $gemm_stock)"
echo
echo "| shape | plora ex/s | transformers + PEFT ex/s | plora / peer | plora GFLOP/s (% of GEMM) | peer GFLOP/s (% of GEMM) |"
echo "|---|---|---|---|---|---|"
for shape in "${shapes[@]}"; do
  batch="${shape%x*}"; seq="${shape#*x}"
  ours=(); theirs=()
  for _ in $(seq "$rounds"); do
    # shellcheck disable=SC2086
    ours+=("$("${JAVA_BENCH[@]}" ${PLORA_JAVA_OPTS:-} -Dai.djl.pytorch.num_threads="$threads" dev.plora.bench.TrainThroughput "$batch" "$seq" "$steps" 1.0)")
    theirs+=("$(env "${peer_env[@]}" "$py" "$root/bench/peft_peer.py" "$model" "$batch" "$seq" "$steps" "$threads")")
  done
  "$py" - "$batch" "$seq" "$gemm" "${ours[*]}" "${theirs[*]}" <<'PY'
import json, statistics, sys
batch, seq, gemm = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
def rates(text):
    dec, out, i = json.JSONDecoder(), [], 0
    while i < len(text):
        if text[i] in " \n": i += 1; continue
        obj, i = dec.raw_decode(text, i); out.append(obj["examples_per_second"])
    return out
a, b = rates(sys.argv[4]), rates(sys.argv[5])
ma, mb = statistics.median(a), statistics.median(b)
flops = 2 * (2 * 10.6e6 * seq + 6 * 4 * seq * seq * 384)  # per example, one training step
ga, gb = ma * flops / 1e9, mb * flops / 1e9
print(f"| {batch} x {seq} | {ma:.1f} ({', '.join(f'{x:.1f}' for x in a)}) | {mb:.1f} ({', '.join(f'{x:.1f}' for x in b)}) "
      f"| {ma / mb:.2f}x | {ga:.1f} ({ga / gemm:.0%}) | {gb:.1f} ({gb / gemm:.0%}) |")
PY
done
