package dev.plora.cli;

import dev.plora.jobs.ProtoJson;
import dev.plora.proto.v1.JobSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import picocli.CommandLine.Option;

/**
 * A {@code JobSpec} from {@code --spec job.json} (proto3 JSON), from flags, or both (flags win).
 * Local files given as flags become {@code file:} URIs, or — through {@code resolver} — uploads.
 */
final class JobSpecOptions {
  @Option(names = "--spec", description = "a JobSpec in proto3 JSON (docs/mesh.md)")
  Path specFile;

  @Option(names = "--name")
  String name;

  @Option(
      names = "--client-job-id",
      description = "idempotency key: submitting it again returns the same job")
  String clientJobId;

  @Option(names = "--model", description = "default, or a model .onnx")
  String model;

  @Option(names = "--tokenizer")
  String tokenizer;

  @Option(names = "--train", description = "training data (JSONL or CSV)")
  String train;

  @Option(names = "--eval", description = "evaluation data")
  String eval;

  @Option(names = "--text-field")
  String textField;

  @Option(names = "--label-field")
  String labelField;

  @Option(
      names = "--strategy",
      description = "dense, uniform, partial-lora, imp, shuffled, low-rank")
  String strategy;

  @Option(names = "--density")
  Double density;

  @Option(names = "--tau")
  Double tau;

  @Option(names = "--few-shot")
  Integer fewShot;

  @Option(names = "--rounds")
  Integer rounds;

  @Option(names = "--prune")
  Double prune;

  @Option(names = "--rank")
  Integer rank;

  @Option(names = "--alpha")
  Double alpha;

  @Option(names = "--epochs")
  Integer epochs;

  @Option(names = "--batch")
  Integer batch;

  @Option(names = "--lr")
  Double lr;

  @Option(names = "--max-len")
  Integer maxLen;

  @Option(names = "--seed")
  Long seed;

  @Option(names = "--seeds", split = ",", description = "one trial per seed")
  List<Long> seeds;

  @Option(names = "--densities", split = ",", description = "uniform: one trial per density")
  List<Double> densities;

  @Option(names = "--device", description = "cpu, gpu or auto")
  String device;

  @Option(names = "--checkpoint-every")
  Integer checkpointEvery;

  @Option(
      names = "--export",
      split = ",",
      description = "onnx-merged, peft, sparse (default onnx-merged)")
  List<String> exports;

  /**
   * @param resolver turns a local path given as a flag into the URI the job refers to it by (with
   *     the field it is for, for errors)
   */
  JobSpec build(BiFunction<String, String, String> resolver) {
    JobSpec.Builder b = JobSpec.newBuilder();
    if (specFile != null) {
      try {
        ProtoJson.parse(Files.readString(specFile), b);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read --spec " + specFile + ": " + e.getMessage(), e);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(specFile + ": " + e.getMessage(), e);
      }
    }
    if (name != null) b.setName(name);
    if (clientJobId != null) b.setClientJobId(clientJobId);
    if (model != null)
      b.getModelBuilder()
          .setModelUri(model.equals("default") ? model : resolver.apply(model, "--model"));
    if (tokenizer != null)
      b.getModelBuilder().setTokenizerUri(resolver.apply(tokenizer, "--tokenizer"));
    if (train != null) b.getDatasetBuilder().setTrainUri(resolver.apply(train, "--train"));
    if (eval != null) b.getDatasetBuilder().setEvalUri(resolver.apply(eval, "--eval"));
    if (textField != null) b.getDatasetBuilder().setTextField(textField);
    if (labelField != null) b.getDatasetBuilder().setLabelField(labelField);
    if (strategy != null) b.getStrategyBuilder().setKind(strategy);
    if (density != null) b.getStrategyBuilder().setDensity(density);
    if (tau != null) b.getStrategyBuilder().setTau(tau);
    if (fewShot != null) b.getStrategyBuilder().setFewShot(fewShot);
    if (rounds != null) b.getStrategyBuilder().setRounds(rounds);
    if (prune != null) b.getStrategyBuilder().setPruneFraction(prune);
    if (rank != null) b.getLoraBuilder().setRank(rank);
    if (alpha != null) b.getLoraBuilder().setAlpha(alpha);
    if (epochs != null) b.getTrainingBuilder().setEpochs(epochs);
    if (batch != null) b.getTrainingBuilder().setBatchSize(batch);
    if (lr != null) b.getTrainingBuilder().setLearningRate(lr);
    if (maxLen != null) b.getTrainingBuilder().setMaxLength(maxLen);
    if (seed != null) b.getTrainingBuilder().setSeed(seed);
    if (device != null) b.getTrainingBuilder().setDevice(device);
    if (checkpointEvery != null) b.getTrainingBuilder().setCheckpointEvery(checkpointEvery);
    if (seeds != null) b.getTrialsBuilder().clearSeeds().addAllSeeds(seeds);
    if (densities != null) b.getTrialsBuilder().clearDensities().addAllDensities(densities);
    if (exports != null) b.clearExportFormats().addAllExportFormats(exports);
    return b.build();
  }

  /** The JobSpec fields these flags set, for errors in the user's words. */
  private static final Map<String, String> FLAG_OF_FIELD =
      Map.ofEntries(
          Map.entry("client_job_id", "--client-job-id"),
          Map.entry("model.model_uri", "--model"),
          Map.entry("model.tokenizer_uri", "--tokenizer"),
          Map.entry("dataset.train_uri", "--train"),
          Map.entry("dataset.eval_uri", "--eval"),
          Map.entry("dataset.text_field", "--text-field"),
          Map.entry("dataset.label_field", "--label-field"),
          Map.entry("strategy.kind", "--strategy"),
          Map.entry("strategy.density", "--density"),
          Map.entry("strategy.tau", "--tau"),
          Map.entry("strategy.few_shot", "--few-shot"),
          Map.entry("strategy.rounds", "--rounds"),
          Map.entry("strategy.prune_fraction", "--prune"),
          Map.entry("lora.rank", "--rank"),
          Map.entry("lora.alpha", "--alpha"),
          Map.entry("training.epochs", "--epochs"),
          Map.entry("training.batch_size", "--batch"),
          Map.entry("training.learning_rate", "--lr"),
          Map.entry("training.max_length", "--max-len"),
          Map.entry("training.seed", "--seed"),
          Map.entry("training.device", "--device"),
          Map.entry("training.checkpoint_every", "--checkpoint-every"),
          Map.entry("trials", "--seeds/--densities"),
          Map.entry("trials.densities", "--densities"),
          Map.entry("export_formats", "--export"));

  /**
   * A JobSpec error in the CLI's words: {@code --tau (strategy.tau) must be in (0, 1], got 2.0}.
   * The field stays in brackets, as a {@code --spec} file names it that way.
   */
  static String describe(String field, String problem) {
    String base = field.replaceAll("\\[\\d+]$", "");
    String flag = FLAG_OF_FIELD.get(base);
    return (flag == null ? field : flag + " (" + field + ")") + " " + problem;
  }

  /** A local file as a {@code file:} URI (for the embedded stack and {@code plora run}). */
  static String fileUri(String path, String option) {
    Path p = Path.of(path).toAbsolutePath().normalize();
    if (!Files.isRegularFile(p)) {
      throw new IllegalArgumentException(option + ": no such file " + p);
    }
    return p.toUri().toString();
  }
}
