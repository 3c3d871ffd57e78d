"""plora's exact predictions from its PEFT export, in transformers + PEFT.

PEFT puts the LoRA factors and the classification head in place; what PEFT does not know is plora's head:
it pools the token states (mean over the attention mask, or the first token) and applies ``classifier``
directly, where ``BertForSequenceClassification`` would use its tanh pooler. ``plora_config.json`` beside
``adapter_config.json`` says which pooling, the labels and the max length.
"""
import json
from pathlib import Path

import torch


class PloraClassifier:
    def __init__(self, model, tokenizer, labels, pooling, max_length):
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.labels = list(labels)
        self.pooling = pooling
        self.max_length = max_length

    @classmethod
    def load(cls, export_dir, base_model, tokenizer=None, num_attention_heads=12):
        """Loads a plora PEFT export onto its base model.

        export_dir: the ``peft`` export (adapter_config.json, adapter_model.safetensors, plora_config.json).
        base_model: a transformers model directory or hub id, or the model's ``.onnx`` file.
        tokenizer: a ``tokenizer.json`` file or a transformers tokenizer directory; default: the
            ``tokenizer.json`` next to an ONNX base model, else the base model's own.
        num_attention_heads: for an ONNX base model only (the weights do not say; MiniLM-L6 has 12).
        """
        from peft import PeftModel
        from transformers import AutoModelForSequenceClassification, BertForSequenceClassification

        export_dir = Path(export_dir)
        settings_file = export_dir / "plora_config.json"
        if not settings_file.is_file():
            raise FileNotFoundError(f"{settings_file}: not a plora PEFT export (plora_config.json missing)")
        settings = json.loads(settings_file.read_text())
        if settings.get("format") != "plora-peft":
            raise ValueError(f"{settings_file}: format is {settings.get('format')!r}, expected 'plora-peft'")
        labels = settings["labels"]
        base = str(base_model)
        if base.endswith(".onnx"):
            from .onnx_bert import bert_from_onnx

            config, state = bert_from_onnx(base, num_attention_heads, num_labels=len(labels))
            model = BertForSequenceClassification(config)
            missing, unexpected = model.load_state_dict(state, strict=False)
            # The head is the adapter's; the tanh pooler is not used by plora's head.
            left = [k for k in missing if not k.startswith(("classifier.", "bert.pooler."))]
            if left or unexpected:
                raise ValueError(f"{base}: weights do not fit BERT (missing {left[:5]}, unexpected {unexpected[:5]})")
            if tokenizer is None:
                tokenizer = Path(base).with_name("tokenizer.json")
        else:
            model = AutoModelForSequenceClassification.from_pretrained(base, num_labels=len(labels))
            tokenizer = tokenizer or base
        peft_model = PeftModel.from_pretrained(model, str(export_dir))
        return cls(peft_model, _tokenizer(tokenizer), labels, settings["pooling"], settings["max_length"])

    @torch.no_grad()
    def logits(self, texts):
        """[len(texts), len(labels)] logits, as plora's engine and its merged ONNX compute them."""
        enc = self.tokenizer(
            list(texts), padding=True, truncation=True, max_length=self.max_length, return_tensors="pt"
        )
        inner = self.model.base_model.model  # BertForSequenceClassification with the adapters in place
        hidden = inner.bert(
            input_ids=enc["input_ids"],
            attention_mask=enc["attention_mask"],
            token_type_ids=enc.get("token_type_ids"),
        ).last_hidden_state
        if self.pooling == "mean":
            mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
        elif self.pooling == "first":
            pooled = hidden[:, 0]
        else:
            raise ValueError(f"unknown pooling {self.pooling!r} in plora_config.json")
        return inner.classifier(pooled)

    def predict(self, texts):
        """Per text: {"label": ..., "probabilities": {label: p}}."""
        probs = torch.softmax(self.logits(texts), dim=-1)
        out = []
        for row in probs.tolist():
            best = max(range(len(row)), key=row.__getitem__)
            out.append({"label": self.labels[best], "probabilities": dict(zip(self.labels, row))})
        return out


def _tokenizer(source):
    from transformers import AutoTokenizer, PreTrainedTokenizerFast

    source = Path(source)
    if not source.is_file():
        return AutoTokenizer.from_pretrained(str(source))
    tok = PreTrainedTokenizerFast(tokenizer_file=str(source))
    if tok.pad_token is None:
        # A bare tokenizer.json names its padding token in its own padding settings, if anywhere.
        padding = json.loads(source.read_text()).get("padding") or {}
        tok.pad_token = padding.get("pad_token", "[PAD]")
    return tok
