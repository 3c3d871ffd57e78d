package dev.plora.engine.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plora.engine.base.AtomicFiles;
import dev.plora.engine.base.Json;
import dev.plora.engine.config.DataConfig;
import dev.plora.engine.config.DeviceChoice;
import dev.plora.engine.config.EvalConfig;
import dev.plora.engine.config.LoraConfig;
import dev.plora.engine.config.MaskSource;
import dev.plora.engine.config.ModelConfig;
import dev.plora.engine.config.Pooling;
import dev.plora.engine.config.RunConfig;
import dev.plora.engine.config.SparseLrScaling;
import dev.plora.engine.config.TextFields;
import dev.plora.engine.config.TrainingConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A run's {@code config.json} (format {@code plora-run}, version 2): the {@link RunConfig} it
 * trained with, paths made absolute, plus what it derived — the label set and the target modules
 * the patterns selected. Everything needed to rebuild the trained model. Version 1 files (a flat
 * list of fields) are read too.
 */
public record RunRecord(
    String format, int version, RunConfig config, List<String> labels, List<String> targets) {
  public static final String FORMAT = "plora-run";
  public static final int VERSION = 2;
  public static final String FILE = "config.json";

  public RunRecord {
    labels = List.copyOf(labels);
    targets = List.copyOf(targets);
  }

  public static RunRecord of(RunConfig config, List<String> labels, List<String> targets) {
    return new RunRecord(FORMAT, VERSION, config, labels, targets);
  }

  void write(Path runDir) throws IOException {
    AtomicFiles.write(runDir.resolve(FILE), out -> Json.MAPPER.writeValue(out, this));
  }

  /**
   * Identifies the configuration for checkpoints: a hash of everything that shapes the training.
   */
  String fingerprint() {
    try {
      byte[] bytes = Json.MAPPER.writeValueAsString(this).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads a run's config.json, checking its format and version. */
  public static RunRecord read(Path runDir) {
    Path file = runDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(runDir + ": not a plora run (no " + FILE + ")");
    }
    try {
      JsonNode doc = Json.MAPPER.readTree(file.toFile());
      String format = doc.path("format").asText();
      int version = doc.path("version").asInt();
      if (!FORMAT.equals(format) || version < 1 || version > VERSION) {
        throw new IllegalArgumentException(
            file
                + ": format "
                + format
                + " version "
                + version
                + " is not "
                + FORMAT
                + " version 1 to "
                + VERSION);
      }
      return version == 1 ? fromVersion1(doc) : Json.MAPPER.treeToValue(doc, RunRecord.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": malformed run config: " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** Version 1 kept every field at the top level. */
  private static RunRecord fromVersion1(JsonNode d) {
    ModelConfig model =
        new ModelConfig(
            d.path("model").asText(),
            path(d, "tokenizer"),
            Pooling.parse(d.path("pooling").asText()));
    DataConfig data =
        new DataConfig(
            List.of(Path.of(d.path("train").asText())),
            path(d, "eval"),
            new TextFields(
                d.path("text_field").asText(),
                text(d, "text_pair_field"),
                d.path("label_field").asText()));
    LoraConfig lora =
        new LoraConfig(
            d.path("rank").asInt(),
            d.path("alpha").asDouble(),
            d.path("dropout").asDouble(),
            strings(d.path("target_patterns")));
    MaskSource masks =
        d.hasNonNull("masks_file")
            ? new MaskSource.File(Path.of(d.path("masks_file").asText()))
            : new MaskSource.Uniform(d.path("density").asDouble(), d.path("mask_seed").asLong());
    TrainingConfig training =
        TrainingConfig.builder()
            .epochs(d.path("epochs").asInt())
            .batchSize(d.path("batch_size").asInt())
            .learningRate(d.path("learning_rate").asDouble())
            .weightDecay(d.path("weight_decay").asDouble())
            .warmupRatio(d.path("warmup_ratio").asDouble())
            .maxGradNorm(d.path("max_grad_norm").asDouble())
            .seed(d.path("seed").asLong())
            .checkpointEvery(d.path("checkpoint_every").asInt())
            .maxLength(d.path("max_length").asInt())
            .sparseLrScaling(SparseLrScaling.parse(d.path("sparse_lr_scaling").asText()))
            .device(DeviceChoice.parse(d.path("device").asText("auto")))
            .build();
    return new RunRecord(
        FORMAT,
        1,
        new RunConfig(model, data, lora, masks, training, EvalConfig.DEFAULTS),
        strings(d.path("labels")),
        strings(d.path("targets")));
  }

  private static Path path(JsonNode d, String field) {
    String s = text(d, field);
    return s == null ? null : Path.of(s);
  }

  private static String text(JsonNode d, String field) {
    return d.hasNonNull(field) ? d.get(field).asText() : null;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
