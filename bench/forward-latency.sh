#!/usr/bin/env bash
# MiniLM forward latency: plora's runtime vs ONNX Runtime Java, same inputs, same process, at 1 and
# 2 intra-op threads; plus plora's forward+backward. Prints markdown table rows for bench/RESULTS.md.
# Usage: bench/forward-latency.sh [batch] [seq] [warmup] [iterations]   (defaults 32 128 3 10)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$root" && mvn -B -q -DskipTests package -pl bench -am) >&2
# Run from a private copy of the classpath: a later build replacing jars under a running JVM can break it.
jars="$(mktemp -d)"; trap 'rm -rf "$jars"' EXIT
cp "$root"/bench/target/plora-bench-0.1.0-SNAPSHOT.jar "$root"/bench/target/lib/*.jar "$jars"/
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$root/.cache/djl}"
export PLORA_HOME="${PLORA_HOME:-$root/.cache/plora}"
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296}"
cp="$jars/*"
echo "| batch x seq | threads | ONNX Runtime fwd ms | plora fwd ms | plora/ORT | plora fwd+bwd ms | fwd+bwd/ORT fwd |"
echo "|---|---|---|---|---|---|---|"
for threads in 1 2; do
  java -Xmx8g -Dai.djl.offline=true -Dai.djl.pytorch.num_interop_threads=1 -Dai.djl.pytorch.num_threads="$threads" \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$cp" dev.plora.bench.ForwardLatency "$@"
done
