#!/usr/bin/env bash
# MiniLM forward latency: plora's runtime vs ONNX Runtime Java, same inputs, same process, at 1 and
# 2 intra-op threads; plus plora's forward+backward. Prints markdown table rows for bench/RESULTS.md.
# Usage: bench/forward-latency.sh [batch] [seq] [warmup] [iterations]   (defaults 32 128 3 10)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
echo "| batch x seq | threads | ONNX Runtime fwd ms | plora fwd ms | plora/ORT | plora fwd+bwd ms | fwd+bwd/ORT fwd |"
echo "|---|---|---|---|---|---|---|"
for threads in 1 2; do
  "${JAVA_BENCH[@]}" -Dai.djl.pytorch.num_threads="$threads" dev.plora.bench.ForwardLatency "$@"
done
