#!/usr/bin/env bash
# Builds every plora image from this repository alone: plora/kafka (the dev broker) and the five services
# (gateway, mask-discovery, trainer, evaluator, exporter), tagged PLORA_IMAGE_TAG (default 0.1.0).
#
# The base: PLORA_BASE_IMAGE when set (an upstream Java 17 runtime on a builder that reaches a registry,
# e.g. eclipse-temurin:17-jre); else plora/base-jre:17-bookworm, built here from Debian packages by
# deploy/images/base.sh when it is not there yet (root and a Debian mirror needed).
# The jars come from `mvn -B -DskipTests package` (run here when a service's jar is missing).
# The GPU trainer (services/Dockerfile.trainer-cuda) needs download.pytorch.org: build it on a networked
# builder (deploy/README.md); PLORA_CUDA_TRAINER=1 adds it here.
#
# Usage: deploy/images/build.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tag="${PLORA_IMAGE_TAG:-0.1.0}"
base="${PLORA_BASE_IMAGE:-plora/base-jre:17-bookworm}"
services=(gateway mask-discovery trainer evaluator exporter)

if [[ -z "${PLORA_BASE_IMAGE:-}" ]] && ! docker image inspect "$base" >/dev/null 2>&1; then
  "$root/deploy/images/base.sh" "$base"
fi

missing=()
[[ -f "$root/services/dev-broker/target/plora-dev-broker.jar" ]] || missing+=(services/dev-broker)
for s in "${services[@]}"; do
  [[ -f "$root/services/$s/target/quarkus-app/quarkus-run.jar" ]] || missing+=("services/$s")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "build.sh: packaging ${missing[*]} (mvn -B -q -DskipTests package)" >&2
  (cd "$root" && mvn -B -q -DskipTests package -am -pl "$(IFS=,; echo "${missing[*]}")") >&2
fi

# --network host: the RUN steps need no network, and this machine's Docker may have no bridge at all.
build() { # IMAGE DOCKERFILE CONTEXT
  local t0=$SECONDS
  local out
  if ! out="$(docker build -q --network host --build-arg "BASE=$base" -f "$2" -t "$1" "$3" 2>&1)"; then
    echo "$out" >&2
    echo "build.sh: building $1 failed" >&2
    return 1
  fi
  echo "build.sh: $1 ($(docker image inspect -f '{{.Size}}' "$1" | awk '{printf "%.0f MB", $1/1e6}'), $((SECONDS - t0)) s)" >&2
}
build "plora/kafka:$tag" "$root/services/Dockerfile.kafka" "$root/services/dev-broker/target"
for s in "${services[@]}"; do
  build "plora/$s:$tag" "$root/services/Dockerfile.jvm" "$root/services/$s/target/quarkus-app"
done
if [[ "${PLORA_CUDA_TRAINER:-0}" == 1 ]]; then
  docker build --network host --build-arg "TRAINER=plora/trainer:$tag" -f "$root/services/Dockerfile.trainer-cuda" \
    -t "plora/trainer-cuda:$tag" "$root/services/trainer/target"
fi
