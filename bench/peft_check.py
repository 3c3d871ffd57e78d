"""Independent check of a plora PEFT export with PyTorch (Debian's python3-torch, python3-onnx).

Reads adapter_config.json + adapter_model.safetensors exactly as PEFT names and lays them out
(base_model.model.bert.<module>.lora_A.weight [r, in], .lora_B.weight [out, r], classifier [L, H]),
applies them to all-MiniLM-L6-v2's weights in PyTorch (nn.Linear convention: weight [out, in] =
W0ᵀ + (alpha/r)·B·A), runs the model on token ids written by `plora infer`, pools as the config's
plora_config.json's `pooling` says, and compares the class probabilities with those from `plora predict --json`
(ONNX Runtime on the merged export). Prints the largest absolute difference.

Usage: /usr/bin/python3 bench/peft_check.py MODEL.onnx PEFT_DIR TOKENS.safetensors PREDICT.json
"""
import json
import math
import struct
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

model_path, peft_dir, tokens_path, predict_path = sys.argv[1:5]


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    dtypes = {"F32": np.float32, "I64": np.int64, "U8": np.uint8, "F16": np.float16, "I32": np.int32}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        out[name] = np.frombuffer(data[8 + n + start:8 + n + end], dtype=dtypes[info["dtype"]]).reshape(info["shape"])
    return out


config = json.load(open(f"{peft_dir}/adapter_config.json"))
plora = json.load(open(f"{peft_dir}/plora_config.json"))
weights = read_safetensors(f"{peft_dir}/adapter_model.safetensors")
tokens = read_safetensors(tokens_path)
expected = np.array([[p["probabilities"][label] for label in plora["labels"]] for p in json.load(open(predict_path))])
scale = config["lora_alpha"] / config["r"]

m = onnx.load(model_path)
inits = {t.name: torch.tensor(numpy_helper.to_array(t).copy()) for t in m.graph.initializer}
nodes = {n.name: n for n in m.graph.node}
H, HEADS = 384, 12


def linear(layer, module):
    """nn.Linear weight [out, in] from W0 [in, out] plus the PEFT adapter, and the bias."""
    w0 = inits[nodes[f"/encoder/layer.{layer}/{module.replace('.', '/')}/MatMul"].input[1]]
    key = f"base_model.model.bert.encoder.layer.{layer}.{module}"
    a = torch.tensor(weights[key + ".lora_A.weight"].copy())  # [r, in]
    b = torch.tensor(weights[key + ".lora_B.weight"].copy())  # [out, r]
    weight = w0.t() + scale * (b @ a)
    bias = inits[f"encoder.layer.{layer}.{module}.bias"]
    return lambda x: x @ weight.t() + bias


ids = torch.tensor(tokens["input_ids"].copy())
mask = torch.tensor(tokens["attention_mask"].copy())
types = torch.tensor(tokens["token_type_ids"].copy())
bsz, t = ids.shape
h = inits["embeddings.word_embeddings.weight"][ids] + inits["embeddings.position_embeddings.weight"][:t] \
    + inits["embeddings.token_type_embeddings.weight"][types]
h = torch.nn.functional.layer_norm(h, (H,), inits["embeddings.LayerNorm.weight"], inits["embeddings.LayerNorm.bias"], eps=1e-12)
ext = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
for i in range(6):
    split = lambda x: x.view(bsz, t, HEADS, H // HEADS).transpose(1, 2)
    q, k, v = (split(linear(i, f"attention.self.{n}")(h)) for n in ("query", "key", "value"))
    probs = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(H // HEADS) + ext, dim=-1)
    ctx = (probs @ v).transpose(1, 2).reshape(bsz, t, H)
    p = f"encoder.layer.{i}"
    h1 = torch.nn.functional.layer_norm(linear(i, "attention.output.dense")(ctx) + h, (H,),
                                        inits[f"{p}.attention.output.LayerNorm.weight"], inits[f"{p}.attention.output.LayerNorm.bias"], eps=1e-12)
    inter = torch.nn.functional.gelu(linear(i, "intermediate.dense")(h1))
    h = torch.nn.functional.layer_norm(linear(i, "output.dense")(inter) + h1, (H,),
                                       inits[f"{p}.output.LayerNorm.weight"], inits[f"{p}.output.LayerNorm.bias"], eps=1e-12)
if plora["pooling"] == "mean":
    mf = mask[:, :, None].float()
    pooled = (h * mf).sum(1) / mf.sum(1).clamp(min=1)
else:
    pooled = h[:, 0]
logits = pooled @ torch.tensor(weights["base_model.model.classifier.weight"].copy()).t() \
    + torch.tensor(weights["base_model.model.classifier.bias"].copy())
got = torch.softmax(logits, dim=-1).numpy()
print(json.dumps({"max_abs_probability_difference": float(np.abs(got - expected).max()), "texts": int(bsz),
                  "pytorch": got.round(4).tolist(), "onnx_runtime": expected.round(4).tolist()}))
