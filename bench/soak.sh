#!/usr/bin/env bash
# Soak: JOBS small jobs (tiny generated model) from three gRPC clients and a Kafka producer against an
# embedded stack with REPLICAS trainers, random workers SIGKILLed (and restarted) every 20 s and the gateway
# once. Prints one markdown row: submitted / succeeded / failed / lost / duplicated, p50/p95 latency, jobs
# per minute, the gateway's peak resident memory.
# Usage: bench/soak.sh JOBS REPLICAS DURATION_S [chaos|calm]     (e.g. bench/soak.sh 40 2 300)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
jobs="${1:?JOBS}"; replicas="${2:?REPLICAS}"; duration="${3:?DURATION_S}"; mode="${4:-chaos}"
(cd "$root" && mvn -B -q -DskipTests package -pl services/dev-broker,services/gateway,services/mask-discovery,services/trainer,services/evaluator,services/exporter -am) >&2
# Private copies of the service jars: a rebuild during the run must not replace a jar under a JVM.
repo="$(mktemp -d)"
for s in dev-broker gateway mask-discovery trainer evaluator exporter; do
  mkdir -p "$repo/services/$s" && cp -r "$root/services/$s/target" "$repo/services/$s/"
done
export PLORA_TORCH_THREADS="${PLORA_TORCH_THREADS:-1}"
"${JAVA_BENCH[@]}" -Dplora.root="$repo" dev.plora.bench.SoakBench "$root/.plora/bench/soak-$replicas" "$jobs" "$replicas" "$duration" "$mode"
rm -rf "$repo"
