"""PyTorch eager reference for plora's training-throughput benchmark.

The same all-MiniLM-L6-v2 (weights read from the same .onnx file with the onnx package), the same masked
LoRA (r, alpha, targets: all 36 MatMuls, random masks at the given density applied in the forward pass,
the way sparse LoRA is usually written in PyTorch), mean pooling + linear head, cross-entropy, AdamW.
Prints one JSON line: examples/s over the timed steps, optimizer-state bytes, peak RSS.

Usage: /usr/bin/python3 bench/torch_reference.py MODEL.onnx BATCH SEQ STEPS DENSITY THREADS
Needs Debian's python3-torch and python3-onnx (apt-get install python3-torch python3-onnx).
"""
import json
import math
import resource
import sys
import time

import onnx
import torch
from onnx import numpy_helper

path, batch, seq, steps, density, threads = sys.argv[1], *map(int, sys.argv[2:4]), int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
torch.set_num_threads(threads)
torch.manual_seed(0)
model = onnx.load(path)
inits = {t.name: torch.tensor(numpy_helper.to_array(t).copy()) for t in model.graph.initializer}
nodes = {n.name: n for n in model.graph.node}
R, ALPHA, H, HEADS = 8, 16, 384, 12


class MaskedLora(torch.nn.Module):
    """x @ W0 + b + (alpha/r) * (x @ (A*Ma).T) @ (B*Mb).T with W0 [in, out] frozen."""

    def __init__(self, layer, module):
        super().__init__()
        w = inits[nodes[f"/encoder/layer.{layer}/{module.replace('.', '/')}/MatMul"].input[1]]
        module = f"encoder.layer.{layer}.{module}"
        self.register_buffer("w", w)
        self.register_buffer("b", inits[module + ".bias"])
        fan_in, out = w.shape
        self.a = torch.nn.Parameter(torch.empty(R, fan_in).uniform_(-1 / math.sqrt(fan_in), 1 / math.sqrt(fan_in)))
        self.bb = torch.nn.Parameter(torch.zeros(out, R))
        self.register_buffer("ma", (torch.rand(R, fan_in) < density).float())
        self.register_buffer("mb", (torch.rand(out, R) < density).float())

    def forward(self, x):
        return x @ self.w + self.b + (ALPHA / R) * ((x @ (self.a * self.ma).t()) @ (self.bb * self.mb).t())


class Bert(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.word = inits["embeddings.word_embeddings.weight"]
        self.pos = inits["embeddings.position_embeddings.weight"]
        self.typ = inits["embeddings.token_type_embeddings.weight"]
        self.ln = (inits["embeddings.LayerNorm.weight"], inits["embeddings.LayerNorm.bias"])
        self.layers = torch.nn.ModuleList()
        for i in range(6):
            p = f"encoder.layer.{i}"
            layer = torch.nn.ModuleDict({k: MaskedLora(i, m) for k, m in [
                ("q", "attention.self.query"), ("k", "attention.self.key"), ("v", "attention.self.value"),
                ("o", "attention.output.dense"), ("i", "intermediate.dense"), ("d", "output.dense")]})
            layer.ln1 = (inits[f"{p}.attention.output.LayerNorm.weight"], inits[f"{p}.attention.output.LayerNorm.bias"])
            layer.ln2 = (inits[f"{p}.output.LayerNorm.weight"], inits[f"{p}.output.LayerNorm.bias"])
            self.layers.append(layer)
        self.head = torch.nn.Linear(H, 2)

    def forward(self, ids, mask):
        b, t = ids.shape
        h = self.word[ids] + self.pos[:t] + self.typ[torch.zeros_like(ids)]
        h = torch.nn.functional.layer_norm(h, (H,), *self.ln, eps=1e-12)
        ext = (1.0 - mask[:, None, None, :].float()) * -10000.0
        for L in self.layers:
            split = lambda x: x.view(b, t, HEADS, H // HEADS).transpose(1, 2)
            q, k, v = split(L["q"](h)), split(L["k"](h)), split(L["v"](h))
            probs = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(H // HEADS) + ext, dim=-1)
            ctx = (probs @ v).transpose(1, 2).reshape(b, t, H)
            h1 = torch.nn.functional.layer_norm(L["o"](ctx) + h, (H,), *L.ln1, eps=1e-12)
            inter = torch.nn.functional.gelu(L["i"](h1))
            h = torch.nn.functional.layer_norm(L["d"](inter) + h1, (H,), *L.ln2, eps=1e-12)
        m = mask[:, :, None].float()
        return self.head((h * m).sum(1) / m.sum(1).clamp(min=1))


net = Bert()
params = [p for p in net.parameters() if p.requires_grad]
opt = torch.optim.AdamW(params, lr=5e-4, weight_decay=0.01)
ids = torch.randint(1000, 30000, (batch, seq))
mask = torch.ones(batch, seq, dtype=torch.long)
labels = torch.randint(0, 2, (batch,))
times = []
for step in range(steps):
    t0 = time.perf_counter()
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(net(ids, mask), labels)
    loss.backward()
    opt.step()
    times.append(time.perf_counter() - t0)
timed = times[2:]  # the first steps warm up allocators and kernels
state = sum(s.numel() * s.element_size() for st in opt.state.values() for s in st.values() if torch.is_tensor(s) and s.dim() > 0)
print(json.dumps({"examples_per_second": batch * len(timed) / sum(timed), "optimizer_state_bytes": state,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
