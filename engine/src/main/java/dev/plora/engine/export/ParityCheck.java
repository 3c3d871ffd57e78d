package dev.plora.engine.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.plora.engine.config.DeviceChoice;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.data.TokenizedBatch;
import dev.plora.engine.lora.AdaptedModel;
import java.util.List;

/**
 * Runs an exported ONNX model in ONNX Runtime on sample texts and compares its {@code logits} with
 * the engine's: the export is refused when they differ by more than the tolerance.
 */
public final class ParityCheck {
  public static final double TOLERANCE = 1e-4;

  private ParityCheck() {}

  /**
   * The largest absolute logit difference over the texts; throws when it exceeds {@link
   * #TOLERANCE}.
   */
  public static double check(
      byte[] onnx,
      AdaptedModel model,
      TextTokenizer tokenizer,
      List<String> texts,
      List<String> pairs) {
    if (texts.isEmpty()) {
      throw new ExportException("the parity check needs at least one text");
    }
    TokenizedBatch batch = tokenizer.encode(texts, pairs);
    try (NDManager m = model.manager().newSubManager();
        // On ONNX Runtime's CUDA provider where this build has one (the GPU images), else the CPU.
        OrtRunner ort = new OrtRunner(onnx, 0, DeviceChoice.AUTO)) {
      NDArray ours = model.logits(m, batch);
      NDArray theirs =
          ort.run(m, batch.feeds(model.executor().inputNames(), m)).get(HeadGraph.LOGITS);
      double diff = ours.sub(theirs).abs().max().getFloat();
      if (!(diff <= TOLERANCE)) {
        throw new ExportException(
            String.format(
                "parity check failed: ONNX Runtime's logits differ from the engine's by"
                    + " %.3g (tolerance %.0e) on %d texts; the export was not written",
                diff, TOLERANCE, texts.size()));
      }
      return diff;
    }
  }
}
