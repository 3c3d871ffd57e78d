#!/usr/bin/env bash
# The same JobSpec through the mesh (embedded stack: real Kafka + five services, submit --watch) and in one
# process (plora run), alternating the order in each pair; plus the stack's resident memory at idle.
# Wall time is end to end as a user sees it: from the command's start to the job's end (plora run includes
# its JVM start; the mesh's services are already up, as they are in production).
# Both sides get the same PyTorch intra-op thread count (PLORA_TORCH_THREADS, default 1).
# Usage: bench/mesh-overhead.sh [pairs=2] [train examples=300] [eval examples=200]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pairs="${1:-2}"; ntrain="${2:-300}"; neval="${3:-200}"
export PLORA_TORCH_THREADS="${PLORA_TORCH_THREADS:-1}"
(cd "$root" && mvn -B -q -DskipTests package -am -pl cli,services/dev-broker,services/gateway,services/mask-discovery,services/trainer,services/evaluator,services/exporter) >&2
work="$(mktemp -d)"
# Private copies of everything that runs, so a rebuild during the benchmark cannot replace a jar under a JVM.
mkdir -p "$work/repo/services" "$work/repo/cli"
for s in dev-broker gateway mask-discovery trainer evaluator exporter; do
  mkdir -p "$work/repo/services/$s" && cp -r "$root/services/$s/target" "$work/repo/services/$s/"
done
cp -r "$root/cli/target" "$work/repo/cli/"
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$root/.cache/djl}" PLORA_HOME="${PLORA_HOME:-$root/.cache/plora}"
plora=(java -Dplora.root="$work/repo" -Dai.djl.offline=true -Dai.djl.pytorch.num_interop_threads=1
  -Dai.djl.pytorch.num_threads="$PLORA_TORCH_THREADS" -jar "$work/repo/cli/target/plora-cli.jar")
ports=(--stack-home "$work/stack" --kafka-port 39092 --grpc-port 39000 --http-port 38080)

data="$root/.plora/datasets/spam-assassin"
[[ -f "$data/train.jsonl" ]] || "${plora[@]}" datasets fetch spam-assassin --dir "$data" >&2
python3 - "$data" "$work" "$ntrain" "$neval" <<'PY'
import json, random, sys
data, work, ntrain, neval = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
for split, n in (("train", ntrain), ("test", neval)):
    rows = open(f"{data}/{split}.jsonl").read().splitlines()
    random.Random(7).shuffle(rows)
    open(f"{work}/{split}.jsonl", "w").write("\n".join(rows[:n]) + "\n")
spec = {"model": {"modelUri": "default"},
        "dataset": {"trainUri": f"file:{work}/train.jsonl", "evalUri": f"file:{work}/test.jsonl"},
        "strategy": {"kind": "partial-lora"}, "training": {"epochs": 1, "maxLength": 64, "batchSize": 16},
        "exportFormats": ["onnx-merged"]}
open(f"{work}/job.json", "w").write(json.dumps(spec))
PY

"${plora[@]}" up "${ports[@]}" >&2
trap '"${plora[@]}" down "${ports[@]}" >&2; rm -rf "$work"' EXIT
sleep 20  # let the JVMs settle before reading their idle memory
"${plora[@]}" status "${ports[@]}" >&2
rss_kb=0
for f in "$work"/stack/stack/*.pid; do
  pid=$(<"$f")
  rss_kb=$((rss_kb + $(awk '/VmRSS/ {print $2}' /proc/"$pid"/status)))
  echo "  $(basename "$f" .pid): $(awk '/VmRSS/ {print $2}' /proc/"$pid"/status) kB" >&2
done

now() { date +%s.%N; }
inproc() { local t0; t0=$(now); "${plora[@]}" run --spec "$work/job.json" --store "$work/run-store" > "$work/run-$1.log" 2>&1; echo "$(now) - $t0" | bc; }
mesh() { local t0; t0=$(now); "${plora[@]}" submit --spec "$work/job.json" "${ports[@]}" --watch > "$work/mesh-$1.log" 2>&1; echo "$(now) - $t0" | bc; }
echo "| pair | order | in-process s | mesh s | mesh / in-process |"
echo "|---|---|---|---|---|"
for i in $(seq 1 "$pairs"); do
  if (( i % 2 == 1 )); then a=$(inproc "$i"); b=$(mesh "$i"); order="run, mesh"; else b=$(mesh "$i"); a=$(inproc "$i"); order="mesh, run"; fi
  printf "| %d | %s | %.1f | %.1f | %.3f |\n" "$i" "$order" "$a" "$b" "$(echo "$b / $a" | bc -l)"
done
grep -h "<- best" "$work"/run-*.log "$work"/mesh-*.log >&2
# Where each mesh job's time went: every stage's run time in its worker, and the hop before it (from the
# previous stage's end, or the gateway's "submitted", to this stage's start), from the services' logs.
echo
echo "| mesh job | discover s | train s | evaluate s | export s | hops s |"
echo "|---|---|---|---|---|---|"
python3 - "$work/stack/logs" <<'PY'
import glob, re, sys
t = lambda h, m, s: int(h) * 3600 + int(m) * 60 + float(s)
events = {}
for f in glob.glob(f"{sys.argv[1]}/*.log"):
    for line in open(f):
        m = re.match(r"(\d\d):(\d\d):(\d\d\.\d+) .*job=(\S+) (?:trial=\d+ stage=(\w+)(?: attempt=\d+)?: (started|done)|(submitted))", line)
        if m:
            what = "submitted" if m.group(7) else f"{m.group(5)} {m.group(6)}"
            events.setdefault(m.group(4), {})[what] = t(*m.group(1, 2, 3))
for n, (job, e) in enumerate(sorted(events.items(), key=lambda kv: kv[1].get("submitted", 0)), 1):
    stages = ["discover", "train", "evaluate", "export"]
    run = [e[f"{s} done"] - e[f"{s} started"] for s in stages]
    prev = ["submitted"] + [f"{s} done" for s in stages[:-1]]
    hops = sum(e[f"{s} started"] - e[p] for s, p in zip(stages, prev))
    print(f"| {n} | " + " | ".join(f"{x:.1f}" for x in run) + f" | {hops:.2f} |")
PY
printf "idle resident memory, broker + 5 services: %.0f MB\n" "$(echo "$rss_kb / 1024" | bc -l)"
