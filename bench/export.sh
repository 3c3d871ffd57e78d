#!/usr/bin/env bash
# Export sizes (onnx-merged, peft, sparse fp32/fp16) of trained MiniLM runs, and ONNX Runtime latency
# of the first run's merged model against the base model (batch 32 x 128, interleaved medians).
# Usage: bench/export.sh RUN_DIR [RUN_DIR...]   e.g. runs trained at --density 1.0 and 0.125
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"${JAVA_BENCH[@]}" -Dthreads="${THREADS:-2}" dev.plora.bench.ExportBench \
  "$root/.plora/bench/exports" "$@"
