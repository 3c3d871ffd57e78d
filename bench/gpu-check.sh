#!/usr/bin/env bash
# GPU check (issue 14), for a machine with an NVIDIA GPU; fails at once, saying so, where there is none.
# Reports: the GPU CUDA shows; a 50-step training run of the default model on GPU and the same run on CPU
# (final loss, examples/s, model FLOP utilisation), with the GPU run's final loss within 2% of the CPU
# run's (float32 on both; kernels differ, so bitwise equality is not expected); and merged-model parity of
# the GPU run's export (plora's own check: ONNX Runtime against the engine, 1e-4 on the logits), run by a
# copy of the CLI whose ONNX Runtime is the onnxruntime_gpu build (so the check uses the CUDA provider);
# and `plora predict --device gpu` against `--device cpu` on the merged model (probabilities within 1e-4).
# Needs: libtorch 2.7.1+cu128 at $PYTORCH_LIBRARY_PATH (default /opt/libtorch/lib; the trainer-cuda image has
# it), a built CLI (mvn -B -DskipTests package -pl cli -am), the SpamAssassin corpus (fetched if missing).
# Not run here: no GPU was lent to the sessions that wrote it (see deploy/README.md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
plora_cli() { java -Dai.djl.offline=true -jar "$root/cli/target/plora-cli.jar" "$@"; }
command -v nvidia-smi >/dev/null && nvidia-smi -L | grep -q GPU || { echo "gpu-check: no NVIDIA GPU found (nvidia-smi -L)" >&2; exit 2; }
export PYTORCH_LIBRARY_PATH="${PYTORCH_LIBRARY_PATH:-/opt/libtorch/lib}" PYTORCH_FLAVOR="${PYTORCH_FLAVOR:-cu128}" PYTORCH_VERSION="${PYTORCH_VERSION:-2.7.1}"
[[ -f "$PYTORCH_LIBRARY_PATH/libtorch_cuda.so" ]] || { echo "gpu-check: no CUDA libtorch at $PYTORCH_LIBRARY_PATH (libtorch_cuda.so)" >&2; exit 2; }
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
peak_tflops="${GPU_PEAK_TFLOPS:-}"   # the GPU's dense fp32 (TF32) peak, for MFU; e.g. 989 for an H100/H200 SXM (TF32)
out="${1:-$root/.plora/bench/gpu-check}"; rm -rf "$out"; mkdir -p "$out"
[[ -f "$root/.plora/datasets/spam-assassin/train.jsonl" ]] || plora_cli datasets fetch spam-assassin
head -n 800 "$root/.plora/datasets/spam-assassin/train.jsonl" > "$out/train.jsonl"
for device in gpu cpu; do
  # 800 examples / batch 16 = 50 steps.
  plora_cli train --model default --train "$out/train.jsonl" --density 0.25 --epochs 1 --batch 16 --max-len 128 \
    --seed 7 --device "$device" --out "$out/run-$device" > "$out/train-$device.log"
done
# The CLI with onnxruntime_gpu 1.23.2 (CUDA 12, cuDNN 9: libtorch cu128's lib folder has both) in place of
# the CPU build: the same Java classes, so the jar simply takes the CPU one's name.
gpu_cli="$out/cli-ort-gpu"; mkdir -p "$gpu_cli"; cp -r "$root/cli/target/plora-cli.jar" "$root/cli/target/lib" "$gpu_cli/"
(cd "$root" && mvn -B -q dependency:copy -Dartifact=com.microsoft.onnxruntime:onnxruntime_gpu:1.23.2 -DoutputDirectory="$gpu_cli")
mv "$gpu_cli/onnxruntime_gpu-1.23.2.jar" "$gpu_cli/lib/onnxruntime-1.23.2.jar"
plora_gpu() { LD_LIBRARY_PATH="$PYTORCH_LIBRARY_PATH:${LD_LIBRARY_PATH:-}" java -Dai.djl.offline=true -jar "$gpu_cli/plora-cli.jar" "$@"; }
plora_gpu export --run "$out/run-gpu" --format onnx-merged --check-data "$out/train.jsonl" --out "$out/model.onnx" 2>&1 | tee "$out/export.log"
grep -q "runs on the CPU" "$out/export.log" && { echo "gpu-check: ONNX Runtime's CUDA provider did not start (see $out/export.log)" >&2; exit 1; }
head -n 32 "$out/train.jsonl" | python3 -c 'import json,sys; [print(json.loads(l)["text"].replace("\n"," ")[:500]) for l in sys.stdin]' > "$out/texts.txt"
for device in gpu cpu; do
  plora_gpu predict --model "$out/model.onnx" --input-file "$out/texts.txt" --device "$device" --json > "$out/predict-$device.json"
done
python3 - "$out" "$peak_tflops" <<'PY'
import json, sys
out, peak = sys.argv[1], sys.argv[2]
m = {d: json.load(open(f"{out}/run-{d}/metrics.json")) for d in ("gpu", "cpu")}
assert m["gpu"]["device"].startswith("gpu"), f"the GPU run ran on {m['gpu']['device']}"
# Forward + backward of the frozen encoder ≈ 4 × params × tokens (no weight gradients for frozen weights: ~2 + 2).
params, tokens = 22.7e6, 128
for d in ("gpu", "cpu"):
    ex = m[d]["examples_per_second"]
    line = f"{d}: final loss {m[d]['final_loss']:.5f}, {ex:.1f} examples/s"
    if d == "gpu" and peak:
        line += f", MFU {4 * params * tokens * ex / (float(peak) * 1e12):.1%} (of {peak} TFLOPS)"
    print(line)
rel = abs(m["gpu"]["final_loss"] - m["cpu"]["final_loss"]) / abs(m["cpu"]["final_loss"])
print(f"final loss GPU vs CPU: relative difference {rel:.2%} (bound 2%)")
p = {d: json.load(open(f"{out}/predict-{d}.json")) for d in ("gpu", "cpu")}
diff = max(abs(a["probabilities"][k] - b["probabilities"][k]) for a, b in zip(p["gpu"], p["cpu"]) for k in a["probabilities"])
print(f"merged model on ONNX Runtime CUDA vs CPU: max probability difference {diff:.2e} over {len(p['gpu'])} texts (bound 1e-4)")
sys.exit(0 if rel <= 0.02 and diff <= 1e-4 else 1)
PY
