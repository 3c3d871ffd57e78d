#!/usr/bin/env bash
# Where a training step's time goes (issue 15): bench/src/.../StepProfile on MiniLM, dense LoRA r 8.
# Usage: bench/step-profile.sh [BATCH] [SEQ] [STEPS] [THREADS]   (defaults 16 64 8 2)
# PLORA_JAVA_OPTS=-Dplora.graph.optimize=false profiles the graph as exported (no fused kernels).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck disable=SC2086
"${JAVA_BENCH[@]}" ${PLORA_JAVA_OPTS:-} -Dai.djl.pytorch.num_threads="${4:-2}" dev.plora.bench.StepProfile "${1:-16}" "${2:-64}" "${3:-8}"
