#!/usr/bin/env bash
# Training examples/s on MiniLM (r=8 on all 36 target MatMuls, batch 32 x 128 tokens, CPU): plora vs a
# PyTorch eager implementation of the same model and adapters (bench/torch_reference.py), run back to
# back in this script, at densities 1.0 and 0.125. Also optimizer-state bytes and peak RSS.
# Needs: apt-get install python3-torch python3-onnx   (Debian's PyTorch 1.13, run by /usr/bin/python3)
# Usage: bench/train-throughput.sh [batch] [seq] [steps] [threads]   (defaults 32 128 8 2)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
batch="${1:-32}"; seq="${2:-128}"; steps="${3:-8}"; threads="${4:-2}"
(cd "$root" && mvn -B -q -DskipTests package -pl bench -am) >&2
# Run from a private copy of the classpath: a later build replacing jars under a running JVM can break it.
jars="$(mktemp -d)"; trap 'rm -rf "$jars"' EXIT
cp "$root"/bench/target/plora-bench-0.1.0-SNAPSHOT.jar "$root"/bench/target/lib/*.jar "$jars"/
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$root/.cache/djl}"
export PLORA_HOME="${PLORA_HOME:-$root/.cache/plora}"
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296}"
cp="$jars/*"
model="$PLORA_HOME/models/all-minilm-l6-v2/model.onnx"
echo "| density | plora ex/s | PyTorch ex/s | plora/PyTorch | plora optimizer state | PyTorch optimizer state | plora peak RSS MB | PyTorch peak RSS MB |"
echo "|---|---|---|---|---|---|---|---|"
for density in 1.0 0.125; do
  ours=$(java -Xmx8g -Dai.djl.offline=true -Dai.djl.pytorch.num_interop_threads=1 -Dai.djl.pytorch.num_threads="$threads" \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$cp" dev.plora.bench.TrainThroughput "$batch" "$seq" "$steps" "$density")
  theirs=$(OMP_NUM_THREADS="$threads" /usr/bin/python3 "$root/bench/torch_reference.py" "$model" "$batch" "$seq" "$steps" "$density" "$threads")
  /usr/bin/python3 - "$density" "$ours" "$theirs" <<'PY'
import json, sys
d, a, b = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
print(f"| {d} | {a['examples_per_second']:.2f} | {b['examples_per_second']:.2f} | {a['examples_per_second']/b['examples_per_second']:.2f}x "
      f"| {a['optimizer_state_bytes']:,} B | {b['optimizer_state_bytes']:,} B | {a['peak_rss_mb']:.0f} | {b['peak_rss_mb']:.0f} |")
PY
done
