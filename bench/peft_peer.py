"""The training-speed peer (issue 15): what a PEFT user runs. transformers' BertForSequenceClassification
with all-MiniLM-L6-v2's weights (read from the same .onnx file plora trains, clients/python's onnx_bert),
wrapped by PEFT LoRA (r 8, alpha 16, dropout 0, on the same 36 encoder Linear layers plora targets; the
classifier trains too), torch eager with transformers' default attention, AdamW, fp32, model dropout off
(plora's graph has none). Batches are pre-tokenized (random token ids, every row exactly SEQ tokens, as
plora's benchmark feeds), the way a Trainer's collator hands them over.

Prints one JSON line: examples/s over the timed steps (the first two are warm-up), the torch, transformers
and peft versions.

Usage: .venv/bin/python bench/peft_peer.py MODEL.onnx BATCH SEQ STEPS THREADS
"""
import json
import os
import sys
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(root, "clients", "python", "src"))

import peft  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402
from plora_peft.onnx_bert import bert_from_onnx  # noqa: E402

path, batch, seq, steps, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
torch.set_num_threads(threads)
torch.manual_seed(0)
config, state = bert_from_onnx(path, num_attention_heads=12, num_labels=2)
config.hidden_dropout_prob = 0.0
config.attention_probs_dropout_prob = 0.0
model = transformers.BertForSequenceClassification(config)
missing, unexpected = model.load_state_dict(state, strict=False)
assert not unexpected, unexpected
assert all(k.startswith(("classifier.", "bert.pooler.")) for k in missing), missing
lora = peft.LoraConfig(
    r=8,
    lora_alpha=16,
    lora_dropout=0.0,
    target_modules=r"bert\.encoder\.layer\.\d+\.(attention\.self\.(query|key|value)|attention\.output\.dense|intermediate\.dense|output\.dense)",
    task_type=peft.TaskType.SEQ_CLS,
)
model = peft.get_peft_model(model, lora)
targets = sum(1 for n, _ in model.named_modules() if n.endswith(".lora_A"))
assert targets == 36, f"{targets} LoRA targets, expected 36"
model.train()
optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=5e-4)
g = torch.Generator().manual_seed(1)
ids = torch.randint(1000, config.vocab_size, (steps, batch, seq), generator=g)
mask = torch.ones(batch, seq, dtype=torch.long)
labels = torch.arange(batch) % 2
ends = []
for s in range(steps):
    out = model(input_ids=ids[s], attention_mask=mask, labels=labels)
    out.loss.backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    ends.append(time.perf_counter())
timed = len(ends) - 2
print(json.dumps({
    "examples_per_second": batch * timed / (ends[-1] - ends[1]),
    "torch": torch.__version__,
    "transformers": transformers.__version__,
    "peft": peft.__version__,
    "attention": model.base_model.model.config._attn_implementation,
}))
