"""Fresh plora exports of the real default model (all-MiniLM-L6-v2), made by the plora CLI this build produced.

Each pooling gets one short training run (synthetic two-class texts: the check is numerical, not about
accuracy), then a merged ONNX export (plora's own parity check against ONNX Runtime included) and a PEFT export.
"""
import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CLI = Path(os.environ.get("PLORA_CLI", ROOT / "cli" / "target" / "plora-cli.jar"))

SPAM = ["win a free cruise now", "cheap pills online", "claim your prize today", "you won the lottery"]
HAM = ["meeting moved to tuesday", "see the attached report", "lunch at noon?", "the build is green again"]


def plora(home, *args):
    if not CLI.is_file():
        pytest.fail(f"{CLI} is missing: build the CLI first (mvn -B -DskipTests package -pl cli -am)")
    env = dict(os.environ, PLORA_HOME=str(home))
    run = subprocess.run(["java", "-Dai.djl.offline=true", "-jar", str(CLI), *args],
                         env=env, capture_output=True, text=True, timeout=900)
    if run.returncode != 0:
        pytest.fail(f"plora {' '.join(args)} failed ({run.returncode}):\n{run.stderr}")
    return run.stdout


@pytest.fixture(scope="session")
def plora_home(tmp_path_factory):
    return tmp_path_factory.mktemp("plora-home")


@pytest.fixture(scope="session")
def base_model(plora_home, exports):
    return plora_home / "models" / "all-minilm-l6-v2" / "model.onnx"


@pytest.fixture(scope="session")
def exports(plora_home, tmp_path_factory):
    """pooling → (peft dir, merged .onnx)."""
    work = tmp_path_factory.mktemp("exports")
    data = work / "train.jsonl"
    with data.open("w") as f:
        for i in range(4):
            for t in SPAM:
                f.write(json.dumps({"text": f"{t} {i}", "label": "spam"}) + "\n")
            for t in HAM:
                f.write(json.dumps({"text": f"{t} {i}", "label": "ham"}) + "\n")
    out = {}
    for pooling in ("mean", "first"):
        run = work / f"run-{pooling}"
        plora(plora_home, "train", "--model", "default", "--train", str(data), "--pooling", pooling,
              "--density", "0.5", "--rank", "4", "--epochs", "1", "--batch", "8", "--max-len", "32",
              "--lr", "5e-3", "--out", str(run))
        peft = work / f"peft-{pooling}"
        merged = work / f"merged-{pooling}.onnx"
        plora(plora_home, "export", "--run", str(run), "--format", "peft", "--out", str(peft))
        plora(plora_home, "export", "--run", str(run), "--format", "onnx-merged", "--out", str(merged))
        out[pooling] = (peft, merged)
    return out
