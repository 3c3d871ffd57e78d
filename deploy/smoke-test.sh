#!/usr/bin/env bash
# The container smoke test (CI runs it from .ci/run after the tests): builds the images
# (deploy/images/build.sh), starts docker-compose.yml as it is on the host's network, checks that every
# service answers UP, runs as the non-root user with a read-only root filesystem and listens on loopback
# only, then runs one small job end to end through the containers (the default model, a generated
# two-label dataset, partial-lora, merged ONNX export), downloads the merged ONNX through the gateway
# (SHA-256 verified) and classifies two texts with it in ONNX Runtime on the host.
#
# Needs a running Docker engine and compose (`docker compose` or docker-compose v1). The ports are
# `plora up`'s (gRPC 19000, HTTP 18080-18084, Kafka 19092-19094): stop an embedded stack first.
# Usage: deploy/smoke-test.sh          (PLORA_SKIP_IMAGE_BUILD=1 uses the images already built)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
t0=$SECONDS
say() { echo "smoke: $* ($((SECONDS - t0)) s)" >&2; }
fail() { echo "smoke: FAILED: $*" >&2; exit 1; }

docker info >/dev/null 2>&1 || fail "no Docker engine answers (start one: dockerd --bridge=none --iptables=false --ip-masq=false)"
if docker compose version >/dev/null 2>&1; then compose=(docker compose); elif command -v docker-compose >/dev/null; then
  compose=(docker-compose)
else fail "neither 'docker compose' nor docker-compose is installed"; fi
for port in 19000 18080 18081 18082 18083 18084 19092 19093 19094; do
  ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || fail "port $port on 127.0.0.1 is in use (an embedded stack? bin/plora down)"
done

[[ "${PLORA_SKIP_IMAGE_BUILD:-0}" == 1 ]] || deploy/images/build.sh
say "images ready"

work="$(mktemp -d)"
export PLORA_STACK_HOME="$work/home" COMPOSE_PROJECT_NAME="plora-smoke-$$"
finish() {
  local rc=$?
  if [[ $rc -ne 0 ]]; then
    "${compose[@]}" ps >&2 || true
    for c in $("${compose[@]}" ps -q 2>/dev/null); do
      docker inspect -f '{{.Name}}: {{.State.Status}}, exit {{.State.ExitCode}}, OOM-killed {{.State.OOMKilled}}, restarts {{.RestartCount}}' "$c" >&2 || true
    done
    "${compose[@]}" logs --no-color kafka 2>&1 | grep -v -E ' (INFO|DEBUG) ' | tail -80 >&2 || true
    "${compose[@]}" logs --no-color --tail 40 >&2 || true
  fi
  "${compose[@]}" down --remove-orphans >/dev/null 2>&1 || true
  rm -rf "$work"
  exit $rc
}
trap finish EXIT

bin/plora init --stack-home "$PLORA_STACK_HOME" >/dev/null
if [[ $(id -u) -eq 0 ]]; then
  # The containers run as the images' user, which must read the (owner-only) home.
  export PLORA_UID=10001 PLORA_GID=10001
  chown -R 10001:10001 "$PLORA_STACK_HOME"
else
  PLORA_UID="$(id -u)" PLORA_GID="$(id -g)"
  export PLORA_UID PLORA_GID
fi

"${compose[@]}" config -q || fail "docker-compose.yml does not validate"
say "docker-compose.yml validates"
"${compose[@]}" up -d 2>&1 | grep -v -E '^(Creating|Starting)' >&2 || true

ports=(18080 18081 18082 18083 18084)
names=(gateway mask-discovery trainer evaluator exporter)
for i in "${!ports[@]}"; do
  deadline=$((SECONDS + 240))
  until [[ "$(curl -s -m 3 "http://127.0.0.1:${ports[$i]}/q/health/ready" | tr -d ' \n')" == '{"status":"UP"'* ]]; do
    [[ $SECONDS -lt $deadline ]] || fail "${names[$i]} not UP on 127.0.0.1:${ports[$i]}/q/health/ready after 240 s"
    sleep 2
  done
done
say "all five services UP"

for c in $("${compose[@]}" ps -q); do
  read -r name user ro net caps < <(docker inspect -f \
    '{{.Name}} {{.Config.User}} {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.NetworkMode}} {{join .HostConfig.CapDrop ","}}' "$c")
  [[ "$user" == "$PLORA_UID:$PLORA_GID" && "$user" != 0* ]] || fail "$name runs as '$user', not $PLORA_UID:$PLORA_GID"
  [[ "$ro" == true ]] || fail "$name has a writable root filesystem"
  [[ "$net" == host ]] || fail "$name is not on the host's network ($net)"
  [[ "$caps" == ALL ]] || fail "$name keeps capabilities (cap_drop: $caps)"
  [[ "$(docker inspect -f '{{.State.Status}}' "$c")" == running ]] || fail "$name is not running"
done
open="$(ss -Hltn | awk '{print $4}' | grep -E ':(19000|1808[0-4]|1909[2-4])$' | grep -v -E '^(127\.0\.0\.1|\[::ffff:127\.0\.0\.1\]|\[::1\]):' || true)"
[[ -z "$open" ]] || fail "listening beyond loopback: $open"
say "containers: non-root $PLORA_UID, read-only root, no capabilities, host network, loopback only"

mkdir -p "$work/data"
python3 - "$work/data" <<'EOF'
import json, sys
for name, n, offset in (("train", 48, 0), ("eval", 16, 1000)):
    with open(f"{sys.argv[1]}/{name}.jsonl", "w") as f:
        for i in range(offset, offset + n):
            good = i % 2 == 0
            text = ("a wonderful stay, lovely staff " if good else "an awful stay, rude staff ") + str(i)
            f.write(json.dumps({"text": text, "label": "pos" if good else "neg"}) + "\n")
EOF
bin/plora submit --stack-home "$PLORA_STACK_HOME" --model default --train "$work/data/train.jsonl" \
  --eval "$work/data/eval.jsonl" --strategy partial-lora --epochs 2 --batch 8 --max-len 32 --few-shot 4 \
  --export onnx-merged --watch >"$work/job.log" 2>&1 || { cat "$work/job.log" >&2; fail "the job did not succeed"; }
job="$(sed -n 's/^submitted \(job-[0-9a-f]*\).*/\1/p' "$work/job.log")"
grep -q "^job $job  succeeded" "$work/job.log" || { cat "$work/job.log" >&2; fail "no success reported for '$job'"; }
say "job $job succeeded: $(grep -E '<- best' "$work/job.log" | tr -s ' ')"

bin/plora download --stack-home "$PLORA_STACK_HOME" "$job" --format onnx-merged --out "$work/out" >&2
bin/plora predict --model "$work/out/exports/model.onnx" --json \
  --text "a wonderful stay, lovely staff" --text "an awful stay, rude staff" >"$work/predictions.json"
python3 - "$work/predictions.json" <<'EOF' || fail "the downloaded model misclassifies: $(cat "$work/predictions.json")"
import json, sys
labels = [p["label"] for p in json.load(open(sys.argv[1]))]
sys.exit(0 if labels == ["pos", "neg"] else 1)
EOF
say "merged ONNX downloaded (sha256 verified) and run in ONNX Runtime: pos, neg as expected"
for c in $("${compose[@]}" ps -q); do
  read -r name restarts < <(docker inspect -f '{{.Name}} {{.RestartCount}}' "$c")
  [[ "$restarts" == 0 ]] || fail "$name was restarted $restarts time(s) during the test"
done
say "no container restarted"
say "passed"
