#!/usr/bin/env bash
# Training examples/s on MiniLM (r=8 on all 36 target MatMuls, batch 32 x 128 tokens, CPU): plora vs a
# PyTorch eager implementation of the same model and adapters (bench/torch_reference.py), run back to
# back in this script, at densities 1.0 and 0.125. Also optimizer-state bytes and peak RSS.
# Needs: apt-get install python3-torch python3-onnx libopenblas0-pthread (Debian's PyTorch 1.13, run by
# /usr/bin/python3; without OpenBLAS its generic BLAS falls back to the reference netlib BLAS, ~10x slower).
# Usage: bench/train-throughput.sh [batch] [seq] [steps] [threads]   (defaults 32 128 8 2)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
batch="${1:-32}"; seq="${2:-128}"; steps="${3:-8}"; threads="${4:-2}"
model="$PLORA_HOME/models/all-minilm-l6-v2/model.onnx"
echo "| density | plora ex/s | PyTorch ex/s | plora/PyTorch | plora optimizer state | PyTorch optimizer state | plora peak RSS MB | PyTorch peak RSS MB |"
echo "|---|---|---|---|---|---|---|---|"
for density in 1.0 0.125; do
  ours=$("${JAVA_BENCH[@]}" -Dai.djl.pytorch.num_threads="$threads" dev.plora.bench.TrainThroughput "$batch" "$seq" "$steps" "$density")
  theirs=$(OMP_NUM_THREADS="$threads" /usr/bin/python3 "$root/bench/torch_reference.py" "$model" "$batch" "$seq" "$steps" "$density" "$threads")
  /usr/bin/python3 - "$density" "$ours" "$theirs" <<'PY'
import json, sys
d, a, b = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
print(f"| {d} | {a['examples_per_second']:.2f} | {b['examples_per_second']:.2f} | {a['examples_per_second']/b['examples_per_second']:.2f}x "
      f"| {a['optimizer_state_bytes']:,} B | {b['optimizer_state_bytes']:,} B | {a['peak_rss_mb']:.0f} | {b['peak_rss_mb']:.0f} |")
PY
done
