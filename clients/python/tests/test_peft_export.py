"""plora's PEFT export, loaded by the real PEFT and transformers, gives ONNX Runtime's logits on the merged model."""
import json
import logging
import re
import shutil
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from plora_peft import PloraClassifier

TEXTS = ["Win a FREE cruise, reply now!!!", "Can we move the review to Thursday?", "x", "the attached report"]
DOCS = Path(__file__).resolve().parents[3] / "docs" / "export.md"


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def library_warnings():
    """WARNING records from peft and transformers (transformers' logger does not propagate to root)."""
    handler = Collect()
    loggers = [logging.getLogger(n) for n in ("peft", "transformers")]
    for lg in loggers:
        lg.addHandler(handler)
    yield handler.records
    for lg in loggers:
        lg.removeHandler(handler)


def ort_logits(merged, clf):
    enc = clf.tokenizer(TEXTS, padding=True, truncation=True, max_length=clf.max_length, return_tensors="np")
    sess = ort.InferenceSession(str(merged), providers=["CPUExecutionProvider"])
    # A single text has token type 0 throughout (the tokenizer may not return the zeros).
    feed = {i.name: (enc[i.name] if i.name in enc else np.zeros_like(enc["input_ids"])).astype(np.int64)
            for i in sess.get_inputs()}
    names = [o.name for o in sess.get_outputs()]
    return sess.run(["logits"], feed)[0] if "logits" in names else None


@pytest.mark.parametrize("pooling", ["mean", "first"])
def test_peft_loads_without_a_warning_and_matches_onnx_runtime(pooling, exports, base_model, library_warnings):
    peft_dir, merged = exports[pooling]
    config = json.loads((peft_dir / "adapter_config.json").read_text())
    assert "plora" not in config
    clf = PloraClassifier.load(peft_dir, base_model=base_model)
    assert library_warnings == [], [r.getMessage() for r in library_warnings]
    assert clf.pooling == pooling
    got = clf.logits(TEXTS).numpy()
    expected = ort_logits(merged, clf)
    assert expected is not None, "the merged model has no 'logits' output"
    assert got.shape == expected.shape == (len(TEXTS), 2)
    diff = float(np.abs(got - expected).max())
    print(f"{pooling}: max |PEFT - ONNX Runtime| logit difference {diff:.2e}")
    assert diff <= 1e-4
    # Training moved the adapter: the check is not comparing two copies of the untouched base model.
    assert np.abs(expected[0] - expected[1]).max() > 1e-3


def test_a_key_peft_does_not_know_fails_the_load(exports, base_model, tmp_path):
    """The no-warning check can fail: the old export's `plora` block in adapter_config.json makes PEFT warn."""
    peft_dir, _ = exports["mean"]
    old = tmp_path / "old"
    shutil.copytree(peft_dir, old)
    config = json.loads((old / "adapter_config.json").read_text())
    config["plora"] = json.loads((old / "plora_config.json").read_text())
    (old / "adapter_config.json").write_text(json.dumps(config))
    with pytest.raises(Warning, match="plora"):
        PloraClassifier.load(old, base_model=base_model)


def test_the_recipe_in_docs_export_md_runs_as_written(exports, base_model, capsys):
    block = re.search(r"<!-- python-recipe -->\s*```python\n(.*?)```", DOCS.read_text(), re.S)
    assert block, "docs/export.md lost its python-recipe block"
    code = block.group(1)
    assert len(code.strip().splitlines()) == 3
    peft_dir, _ = exports["mean"]
    code = code.replace('"runs/spam/peft"', repr(str(peft_dir))).replace('"model.onnx"', repr(str(base_model)))
    exec(compile(code, str(DOCS), "exec"), {})
    printed = capsys.readouterr().out
    assert "'label': 'spam'" in printed or "'label': 'ham'" in printed


def test_predictions_equal_plora_predict_with_its_own_tokenizer(exports, base_model, plora_home):
    """End to end, tokenization included: the Python predictions are `plora predict`'s (ONNX Runtime in Java)."""
    from conftest import plora

    peft_dir, merged = exports["mean"]
    clf = PloraClassifier.load(peft_dir, base_model=base_model)
    args = ["predict", "--model", str(merged), "--tokenizer", str(base_model.with_name("tokenizer.json")), "--json"]
    for t in TEXTS:
        args += ["--text", t]
    java = json.loads(plora(plora_home, *args))
    python = clf.predict(TEXTS)
    assert [p["label"] for p in python] == [p["label"] for p in java]
    for p, j in zip(python, java):
        for label, prob in j["probabilities"].items():
            assert abs(p["probabilities"][label] - prob) <= 1e-4, (p, j)
