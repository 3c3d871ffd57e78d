package dev.plora.jobs;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.plora.engine.model.DefaultModel;
import dev.plora.engine.testing.TinyBert;
import dev.plora.proto.v1.DatasetSpec;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.LoraSpec;
import dev.plora.proto.v1.ModelSpec;
import dev.plora.proto.v1.StrategySpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test fixture shared with the stack tests: a tiny generated BERT (with the default model's real
 * tokenizer) and a small two-label dataset, plus an ONNX Runtime check of an exported model that
 * uses ONNX Runtime's own API, not plora's.
 */
public final class TinyJob {
  /**
   * Writes model.onnx, tokenizer.json, train.jsonl (n examples) and eval.jsonl (16) into {@code
   * dir}.
   */
  public static Path write(Path dir, int trainExamples) throws IOException {
    Files.createDirectories(dir);
    new TinyBert(30522, 16, 2, 1, 32, 64, 14, false, 1).build().save(dir.resolve("model.onnx"));
    Files.copy(
        DefaultModel.tokenizer(),
        dir.resolve("tokenizer.json"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.write(dir.resolve("train.jsonl"), lines(trainExamples, 0));
    Files.write(dir.resolve("eval.jsonl"), lines(16, 1000));
    return dir;
  }

  private static List<String> lines(int n, int offset) {
    List<String> out = new ArrayList<>();
    for (int i = offset; i < offset + n; i++) {
      out.add(
          i % 2 == 0
              ? "{\"text\": \"a wonderful stay " + i + "\", \"label\": \"pos\"}"
              : "{\"text\": \"an awful stay " + i + "\", \"label\": \"neg\"}");
    }
    return out;
  }

  /**
   * Runs an exported classifier in ONNX Runtime on one 5-token input and returns its probabilities
   * (output {@code probabilities}, shape [1, labels]).
   */
  /**
   * A JobSpec over the files {@link #write} put under store folder {@code folder} (e.g. {@code
   * uploads/tiny}): rank 4, max length 16, 4-shot discovery; the caller adds epochs, batch,
   * checkpoints and exports.
   */
  public static JobSpec.Builder spec(String folder, String strategy) {
    return JobSpec.newBuilder()
        .setModel(
            ModelSpec.newBuilder()
                .setModelUri(folder + "/model.onnx")
                .setTokenizerUri(folder + "/tokenizer.json"))
        .setDataset(
            DatasetSpec.newBuilder()
                .setTrainUri(folder + "/train.jsonl")
                .setEvalUri(folder + "/eval.jsonl"))
        .setLora(LoraSpec.newBuilder().setRank(4))
        .setStrategy(StrategySpec.newBuilder().setKind(strategy).setFewShot(4));
  }

  public static float[] ortProbabilities(Path onnx) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions())) {
      Map<String, OnnxTensor> feeds = new HashMap<>();
      long[][] ids = {{101, 1037, 6919, 2994, 102}};
      for (Map.Entry<String, NodeInfo> in : session.getInputInfo().entrySet()) {
        long[][] v =
            in.getKey().contains("mask")
                ? new long[][] {{1, 1, 1, 1, 1}}
                : in.getKey().contains("type") ? new long[][] {{0, 0, 0, 0, 0}} : ids;
        feeds.put(in.getKey(), OnnxTensor.createTensor(env, v));
      }
      try (OrtSession.Result r = session.run(feeds)) {
        return ((float[][]) r.get("probabilities").orElseThrow().getValue())[0];
      } finally {
        feeds.values().forEach(OnnxTensor::close);
      }
    }
  }

  private TinyJob() {}
}
