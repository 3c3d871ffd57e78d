#!/usr/bin/env bash
# Export sizes (onnx-merged, peft, sparse fp32/fp16) of trained MiniLM runs, and ONNX Runtime latency
# of the first run's merged model against the base model (batch 32 x 128, interleaved medians).
# Usage: bench/export.sh RUN_DIR [RUN_DIR...]   e.g. runs trained at --density 1.0 and 0.125
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$root" && mvn -B -q -DskipTests package -pl bench -am) >&2
# Run from a private copy of the classpath: a later build replacing jars under a running JVM can break it.
jars="$(mktemp -d)"; trap 'rm -rf "$jars"' EXIT
cp "$root"/bench/target/plora-bench-0.1.0-SNAPSHOT.jar "$root"/bench/target/lib/*.jar "$jars"/
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$root/.cache/djl}"
export PLORA_HOME="${PLORA_HOME:-$root/.cache/plora}"
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296}"
java -Xmx8g -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=error -Dthreads="${THREADS:-2}" \
  -cp "$jars/*" dev.plora.bench.ExportBench \
  "$root/.plora/bench/exports" "$@"
