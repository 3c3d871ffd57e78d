"""A BERT-family ONNX export (torch.onnx, as sentence-transformers / optimum write them) as a transformers
``BertConfig`` and state dict, so PEFT can load plora's adapter onto the very weights plora trained on.

Linear layers are found the way the export wrote them: ``<module>.bias`` is an initializer added to the
output of a MatMul whose other input is the weight, stored ``[in, out]`` (``x·W``); ``nn.Linear`` wants
``[out, in]``, so it is transposed. The number of attention heads is not in the weights: pass it.
"""
import re

import torch

_LAYER = re.compile(r"^encoder\.layer\.(\d+)\.")


def bert_from_onnx(onnx_path, num_attention_heads, num_labels=2):
    """(BertConfig, state_dict for BertForSequenceClassification's ``bert.`` submodule keys)."""
    import onnx
    from onnx import numpy_helper
    from transformers import BertConfig

    model = onnx.load(str(onnx_path))
    inits = {t.name: t for t in model.graph.initializer}

    def tensor(name):
        return torch.from_numpy(numpy_helper.to_array(inits[name]).copy())

    producers = {out: node for node in model.graph.node for out in node.output}
    state = {}
    for name in inits:
        if not name.startswith(("embeddings.", "encoder.", "pooler.")) or name.endswith("_ids"):
            continue  # position_ids and the like are index buffers the model makes itself
        state["bert." + name] = tensor(name)
        if name.endswith(".bias"):
            module = name[: -len(".bias")]
            weight = _matmul_weight(model, producers, inits, name)
            if weight is not None:
                state["bert." + module + ".weight"] = tensor(weight).t().contiguous()

    words = state["bert.embeddings.word_embeddings.weight"]
    hidden = words.shape[1]
    layers = 1 + max(int(m.group(1)) for k in inits if (m := _LAYER.match(k)))
    if hidden % num_attention_heads:
        raise ValueError(f"{onnx_path}: hidden size {hidden} is not a multiple of {num_attention_heads} heads")
    config = BertConfig(
        vocab_size=words.shape[0],
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=num_attention_heads,
        intermediate_size=state["bert.encoder.layer.0.intermediate.dense.weight"].shape[0],
        max_position_embeddings=state["bert.embeddings.position_embeddings.weight"].shape[0],
        type_vocab_size=state["bert.embeddings.token_type_embeddings.weight"].shape[0],
        layer_norm_eps=1e-12,
        hidden_act="gelu",
        num_labels=num_labels,
    )
    return config, state


def _matmul_weight(model, producers, inits, bias):
    """The initializer a MatMul multiplies by, where that MatMul's output gets ``bias`` added."""
    for node in model.graph.node:
        if node.op_type != "Add" or bias not in node.input:
            continue
        other = next((i for i in node.input if i != bias), None)
        mm = producers.get(other)
        if mm is not None and mm.op_type == "MatMul":
            return next((i for i in mm.input if i in inits), None)
    return None
