package dev.plora.services.support;

import dev.plora.engine.model.DefaultModel;
import dev.plora.engine.model.TinyBert;
import dev.plora.proto.v1.DatasetSpec;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.JobState;
import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.LoraSpec;
import dev.plora.proto.v1.ModelSpec;
import dev.plora.proto.v1.StrategySpec;
import dev.plora.proto.v1.TrainingSpec;
import dev.plora.services.common.ArtifactStore;
import dev.plora.services.common.LocalPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs a throw-away job on a tiny generated model through every stage, so that a fresh worker has
 * loaded PyTorch's natives and compiled the engine's hot code before its first real task (a cold
 * worker took 5–7 s longer per stage of a MiniLM job than a warm one). Nothing it writes outlives it.
 */
final class WarmUp {
  private WarmUp() {}

  /** Returns the warm-up job's final state (SUCCEEDED unless something is wrong with the runtime). */
  static JobState run() throws IOException {
    Path dir = Files.createTempDirectory("plora-warmup");
    try {
      ArtifactStore store = new ArtifactStore(dir, false);
      Path tiny = Files.createDirectories(dir.resolve("tiny"));
      new TinyBert(30522, 16, 2, 1, 32, 64, 14, false, 1).build().save(tiny.resolve("model.onnx"));
      Files.copy(DefaultModel.tokenizer(), tiny.resolve("tokenizer.json"));
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        lines.add("{\"text\": \"warm up " + i + "\", \"label\": \"" + (i % 2 == 0 ? "a" : "b") + "\"}");
      }
      Files.write(tiny.resolve("data.jsonl"), lines);
      JobSpec spec = JobSpec.newBuilder()
          .setModel(ModelSpec.newBuilder().setModelUri("tiny/model.onnx").setTokenizerUri("tiny/tokenizer.json"))
          .setDataset(DatasetSpec.newBuilder().setTrainUri("tiny/data.jsonl").setEvalUri("tiny/data.jsonl"))
          .setLora(LoraSpec.newBuilder().setRank(2))
          .setStrategy(StrategySpec.newBuilder().setKind("partial-lora").setFewShot(2))
          .setTraining(TrainingSpec.newBuilder().setEpochs(2).setBatchSize(8).setMaxLength(16).setDevice("auto"))
          .addExportFormats("onnx-merged").build();
      JobStatus end = new LocalPipeline(store).run("warm-up", spec, s -> { }, p -> { }, () -> false);
      return end.getState();
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
