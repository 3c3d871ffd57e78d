package dev.plora.engine.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plora.engine.config.DeviceChoice;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.data.TokenizedBatch;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Classifies texts with a merged ONNX export in ONNX Runtime alone (no PyTorch): tokenizes, runs
 * the file, reads {@code probabilities} and the labels stored in its metadata.
 */
public final class OnnxPredictor implements AutoCloseable {
  /** One text's prediction. */
  public record Prediction(String text, String label, Map<String, Double> probabilities) {}

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final List<String> labels;
  private final int maxLength;
  private final OrtDevices.Provider provider;

  public OnnxPredictor(Path model) {
    this(model, DeviceChoice.CPU);
  }

  /** With {@code device} auto or gpu, on ONNX Runtime's CUDA provider where there is one. */
  public OnnxPredictor(Path model, DeviceChoice device) {
    try (OrtDevices.Options options = OrtDevices.options(device)) {
      this.provider = options.provider();
      this.session = env.createSession(model.toString(), options.session());
      Map<String, String> meta = session.getMetadata().getCustomMetadata();
      String labelJson = meta.get(MergedOnnx.LABELS);
      if (labelJson == null || !session.getOutputNames().contains(HeadGraph.PROBABILITIES)) {
        session.close();
        throw new IllegalArgumentException(
            model
                + ": not a plora merged export (no "
                + MergedOnnx.LABELS
                + " metadata or no 'probabilities' output); export it in the onnx-merged format");
      }
      this.labels = new ObjectMapper().readValue(labelJson, new TypeReference<List<String>>() {});
      this.maxLength = Integer.parseInt(meta.getOrDefault(MergedOnnx.MAX_LENGTH, "128"));
    } catch (OrtException | IOException e) {
      throw new IllegalArgumentException(
          model + ": ONNX Runtime cannot load it: " + e.getMessage(), e);
    }
  }

  /** Where the session runs. */
  public OrtDevices.Provider provider() {
    return provider;
  }

  public List<String> labels() {
    return labels;
  }

  /** The max length the model was trained with (tokenize with it). */
  public int maxLength() {
    return maxLength;
  }

  public List<Prediction> predict(TextTokenizer tokenizer, List<String> texts) {
    TokenizedBatch batch = tokenizer.encode(texts);
    Map<String, long[][]> all =
        Map.of(
            "input_ids",
            batch.inputIds(),
            "attention_mask",
            batch.attentionMask(),
            "token_type_ids",
            batch.tokenTypeIds());
    Map<String, OnnxTensor> feeds = new HashMap<>();
    try {
      for (String name : session.getInputNames()) {
        long[][] rows = all.get(name);
        if (rows == null) {
          throw new IllegalArgumentException(
              "the model needs input '" + name + "', which a tokenizer does not provide");
        }
        feeds.put(name, tensor(rows));
      }
      try (OrtSession.Result result = session.run(feeds)) {
        float[][] probs = (float[][]) result.get(HeadGraph.PROBABILITIES).orElseThrow().getValue();
        List<Prediction> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
          Map<String, Double> p = new java.util.LinkedHashMap<>();
          int best = 0;
          for (int k = 0; k < labels.size(); k++) {
            p.put(labels.get(k), (double) probs[i][k]);
            best = probs[i][k] > probs[i][best] ? k : best;
          }
          out.add(new Prediction(texts.get(i), labels.get(best), p));
        }
        return out;
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
    } finally {
      feeds.values().forEach(OnnxTensor::close);
    }
  }

  private OnnxTensor tensor(long[][] rows) throws OrtException {
    return OnnxTensor.createTensor(
        env,
        LongBuffer.wrap(TokenizedBatch.flatten(rows)),
        new long[] {rows.length, rows[0].length});
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
