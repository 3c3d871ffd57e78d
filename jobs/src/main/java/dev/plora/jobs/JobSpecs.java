package dev.plora.jobs;

import dev.plora.engine.config.ConfigException;
import dev.plora.engine.config.LoraConfig;
import dev.plora.engine.config.ModelConfig;
import dev.plora.engine.config.StrategyConfig;
import dev.plora.engine.config.TextFields;
import dev.plora.engine.config.TrainingConfig;
import dev.plora.engine.mask.Strategies;
import dev.plora.proto.v1.DatasetSpec;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.LoraSpec;
import dev.plora.proto.v1.StrategySpec;
import dev.plora.proto.v1.TrainingSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Defaults and validation of a {@link JobSpec}. Absent fields take the engine's defaults (the
 * configuration model writes them once); a value given explicitly is checked by the engine's own
 * configuration records and, when wrong, reported by its JobSpec field ({@code
 * training.max_length}).
 */
public final class JobSpecs {
  public static final Set<String> EXPORT_FORMATS = Set.of("onnx-merged", "peft", "sparse");

  /**
   * The mesh checkpoints periodically unless told otherwise (the engine's own default is only at
   * the end): a worker can be replaced mid-training, and resumes from the last checkpoint.
   */
  public static final int MESH_CHECKPOINT_EVERY = 50;

  /** A job's trials (seeds × densities) at most. */
  public static final int MAX_TRIALS = 256;

  /** The spec with every default filled in, as recorded in the job's status. */
  public static JobSpec withDefaults(JobSpec s) {
    JobSpec.Builder b = s.toBuilder();
    if (b.getModelBuilder().getModelUri().isEmpty()) {
      b.getModelBuilder().setModelUri(ModelConfig.DEFAULT_SOURCE);
    }
    DatasetSpec.Builder d = b.getDatasetBuilder();
    TextFields fields = TextFields.DEFAULT;
    if (d.getTextField().isEmpty()) {
      d.setTextField(fields.text());
    }
    if (d.getTextPairField().isEmpty()) {
      d.setTextPairField(fields.textPair());
    }
    if (d.getLabelField().isEmpty()) {
      d.setLabelField(fields.label());
    }
    LoraSpec.Builder l = b.getLoraBuilder();
    LoraConfig lora = LoraConfig.DEFAULTS;
    if (!l.hasRank()) {
      l.setRank(lora.rank());
    }
    if (!l.hasAlpha()) {
      l.setAlpha(LoraConfig.defaultAlpha(l.getRank()));
    }
    if (!l.hasDropout()) {
      l.setDropout(lora.dropout());
    }
    if (l.getTargetsCount() == 0) {
      l.addAllTargets(lora.targets());
    }
    StrategySpec.Builder st = b.getStrategyBuilder();
    StrategyConfig strategy = StrategyConfig.DEFAULTS;
    if (st.getKind().isEmpty()) {
      st.setKind(strategy.name());
    }
    if (!st.hasTau()) {
      st.setTau(strategy.tau());
    }
    if (!st.hasFewShot()) {
      st.setFewShot(strategy.fewShot());
    }
    if (!st.hasRounds()) {
      st.setRounds(strategy.rounds());
    }
    if (!st.hasPruneFraction()) {
      st.setPruneFraction(strategy.prune());
    }
    TrainingConfig training = TrainingConfig.DEFAULTS;
    if (st.getSparseLrScaling().isEmpty()) {
      st.setSparseLrScaling(training.sparseLrScaling().id());
    }
    TrainingSpec.Builder t = b.getTrainingBuilder();
    if (!t.hasEpochs()) {
      t.setEpochs(training.epochs());
    }
    if (!t.hasBatchSize()) {
      t.setBatchSize(training.batchSize());
    }
    if (!t.hasLearningRate()) {
      t.setLearningRate(training.learningRate());
    }
    if (!t.hasMaxLength()) {
      t.setMaxLength(training.maxLength());
    }
    if (!t.hasSeed()) {
      t.setSeed(training.seed());
    }
    if (t.getDevice().isEmpty()) {
      t.setDevice(training.device().id());
    }
    if (!t.hasCheckpointEvery()) {
      t.setCheckpointEvery(MESH_CHECKPOINT_EVERY);
    }
    if (b.getTrials().getSeedsCount() == 0) {
      b.getTrialsBuilder().addSeeds(t.getSeed());
    }
    if (b.getExportFormatsCount() == 0) {
      b.addExportFormats("onnx-merged");
    }
    return b.build();
  }

  /**
   * Checks a spec (defaults already applied) against the store and the engine's configuration
   * rules: every input URI allowed and present, every value in range, the strategy known and given
   * what it needs.
   *
   * @throws InvalidSpecException naming the first offending JobSpec field
   */
  public static void validate(JobSpec s, ArtifactStore store) {
    if (s.getClientJobId().length() > 200) {
      throw new InvalidSpecException("client_job_id", "is longer than 200 characters");
    }
    if (!s.getModel().getModelUri().equals(ModelConfig.DEFAULT_SOURCE)) {
      requireFile(store, s.getModel().getModelUri(), "model.model_uri");
    }
    if (!s.getModel().getTokenizerUri().isEmpty()) {
      requireFile(store, s.getModel().getTokenizerUri(), "model.tokenizer_uri");
    }
    if (s.getDataset().getTrainUri().isEmpty()) {
      throw new InvalidSpecException(
          "dataset.train_uri", "is required (a JSONL or CSV file of labelled texts)");
    }
    requireFile(store, s.getDataset().getTrainUri(), "dataset.train_uri");
    if (!s.getDataset().getEvalUri().isEmpty()) {
      requireFile(store, s.getDataset().getEvalUri(), "dataset.eval_uri");
    }
    String kind = s.getStrategy().getKind();
    boolean uniform = kind.equals("uniform");
    if (s.getTrials().getDensitiesCount() > 0 && !uniform) {
      throw new InvalidSpecException(
          "trials.densities",
          "only the uniform strategy takes a density per trial; " + kind + " derives its own");
    }
    if (uniform && s.getTrials().getDensitiesCount() == 0 && !s.getStrategy().hasDensity()) {
      throw new InvalidSpecException(
          "strategy.density", "uniform needs a density in (0, 1] (or trials.densities)");
    }
    long trials =
        (long) s.getTrials().getSeedsCount() * Math.max(1, s.getTrials().getDensitiesCount());
    if (trials > MAX_TRIALS) {
      throw new InvalidSpecException(
          "trials", trials + " trials (seeds x densities); at most " + MAX_TRIALS);
    }
    for (int i = 0; i < s.getExportFormatsCount(); i++) {
      if (!EXPORT_FORMATS.contains(s.getExportFormats(i))) {
        throw new InvalidSpecException(
            "export_formats[" + i + "]",
            "unknown format '"
                + s.getExportFormats(i)
                + "'; one of "
                + EXPORT_FORMATS.stream().sorted().toList());
      }
    }
    JobConfigs configs = new JobConfigs(s, store);
    try {
      Strategies.get(kind);
      for (int i = 0; i < s.getTrials().getDensitiesCount(); i++) {
        checkDensity(configs, kind, s.getTrials().getDensities(i), "trials.densities[" + i + "]");
      }
      Double density = s.getStrategy().hasDensity() ? s.getStrategy().getDensity() : null;
      configs.discover(kind, s.getTraining().getSeed(), density, null);
      configs.run(s.getTraining().getSeed(), Path.of("masks.safetensors"), s.getLora().getRank());
    } catch (ConfigException e) {
      throw SpecFields.translate(e);
    }
    OptionalInt positions = ModelPositions.of(configs.model().source());
    if (positions.isPresent() && s.getTraining().getMaxLength() > positions.getAsInt()) {
      throw new InvalidSpecException(
          "training.max_length",
          "is "
              + s.getTraining().getMaxLength()
              + ", but the model has "
              + positions.getAsInt()
              + " positions");
    }
  }

  private static void checkDensity(JobConfigs configs, String kind, double density, String field) {
    try {
      configs.strategy(kind, density, null);
    } catch (ConfigException e) {
      throw new InvalidSpecException(field, e.problem());
    }
  }

  private static void requireFile(ArtifactStore store, String uri, String field) {
    Path p = store.resolve(uri, field);
    if (!Files.isRegularFile(p)) {
      throw new InvalidSpecException(
          field,
          "'"
              + uri
              + "' does not exist in the artifact store"
              + (uri.startsWith("file:") ? "" : " (" + store.root() + "); upload it first"));
    }
  }

  /** The trial densities of a spec: one per trial density, or the strategy's (dense: 1). */
  static List<Double> densities(JobSpec spec) {
    return spec.getTrials().getDensitiesCount() > 0
        ? spec.getTrials().getDensitiesList()
        : List.of(
            spec.getStrategy().getKind().equals("dense") ? 1.0 : spec.getStrategy().getDensity());
  }

  private JobSpecs() {}
}
