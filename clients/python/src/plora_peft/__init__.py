"""plora's exports in Python: a PEFT adapter with plora's pooling and head, and plora's gRPC client.

    from plora_peft import PloraClassifier
    clf = PloraClassifier.load("exports/peft", base_model="model.onnx")
    clf.predict(["Win a free cruise now!"])

``base_model`` is a transformers model directory (or hub id) of the model the adapter was trained on,
or that model's ONNX file, rebuilt as a ``BertForSequenceClassification`` (BERT-family exports only).
``plora_peft.client`` is the gRPC client; it needs only grpcio, not torch.
"""
__all__ = ["PloraClassifier", "bert_from_onnx"]


def __getattr__(name):
    # Imported on first use, so the gRPC client works where torch is not installed.
    if name == "PloraClassifier":
        from .classifier import PloraClassifier

        return PloraClassifier
    if name == "bert_from_onnx":
        from .onnx_bert import bert_from_onnx

        return bert_from_onnx
    raise AttributeError(name)
