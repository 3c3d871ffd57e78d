package dev.plora.services.common;

import dev.plora.engine.lora.LoraConfig;
import dev.plora.proto.v1.DatasetSpec;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.LoraSpec;
import dev.plora.proto.v1.ModelSpec;
import dev.plora.proto.v1.StrategySpec;
import dev.plora.proto.v1.TrainingSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Defaults and validation of a {@link JobSpec}. proto3 cannot tell "unset" from zero, so zero (or
 * empty) means "the default" and only out-of-range values are errors; every error names its field.
 */
public final class JobSpecs {
  public static final Set<String> STRATEGIES = Set.of("dense", "uniform", "partial-lora", "imp", "shuffled", "low-rank");
  public static final Set<String> EXPORT_FORMATS = Set.of("onnx-merged", "peft", "sparse");
  public static final Set<String> DEVICES = Set.of("cpu", "gpu", "auto");

  /** The spec with every default filled in, as recorded in the job's status. */
  public static JobSpec withDefaults(JobSpec s) {
    JobSpec.Builder b = s.toBuilder();
    ModelSpec.Builder m = b.getModelBuilder();
    if (m.getModelUri().isEmpty()) {
      m.setModelUri("default");
    }
    DatasetSpec.Builder d = b.getDatasetBuilder();
    if (d.getTextField().isEmpty()) {
      d.setTextField("text");
    }
    if (d.getTextPairField().isEmpty()) {
      d.setTextPairField("text_pair");
    }
    if (d.getLabelField().isEmpty()) {
      d.setLabelField("label");
    }
    LoraSpec.Builder l = b.getLoraBuilder();
    if (l.getRank() == 0) {
      l.setRank(8);
    }
    if (l.getAlpha() == 0) {
      l.setAlpha(2.0 * l.getRank());
    }
    if (l.getTargetsCount() == 0) {
      l.addAllTargets(LoraConfig.DEFAULT_TARGETS);
    }
    StrategySpec.Builder st = b.getStrategyBuilder();
    if (st.getKind().isEmpty()) {
      st.setKind("partial-lora");
    }
    if (st.getTau() == 0) {
      st.setTau(0.9);
    }
    if (st.getFewShot() == 0) {
      st.setFewShot(16);
    }
    if (st.getRounds() == 0) {
      st.setRounds(3);
    }
    if (st.getPruneFraction() == 0) {
      st.setPruneFraction(0.2);
    }
    if (st.getSparseLrScaling().isEmpty()) {
      st.setSparseLrScaling("inverse-density");
    }
    TrainingSpec.Builder t = b.getTrainingBuilder();
    if (t.getEpochs() == 0) {
      t.setEpochs(3);
    }
    if (t.getBatchSize() == 0) {
      t.setBatchSize(16);
    }
    if (t.getLearningRate() == 0) {
      t.setLearningRate(5e-4);
    }
    if (t.getMaxLength() == 0) {
      t.setMaxLength(128);
    }
    if (t.getSeed() == 0) {
      t.setSeed(1);
    }
    if (t.getDevice().isEmpty()) {
      t.setDevice("auto");
    }
    if (t.getCheckpointEvery() == 0) {
      t.setCheckpointEvery(50);
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
   * Checks a spec (defaults already applied) against the store: ranges, names, and that every input
   * URI is allowed and exists.
   *
   * @throws InvalidSpecException naming the first offending field
   */
  public static void validate(JobSpec s, ArtifactStore store) {
    if (s.getClientJobId().length() > 200) {
      throw new InvalidSpecException("client_job_id", "is longer than 200 characters");
    }
    if (!s.getModel().getModelUri().equals("default")) {
      requireFile(store, s.getModel().getModelUri(), "model.model_uri");
    }
    if (!s.getModel().getTokenizerUri().isEmpty()) {
      requireFile(store, s.getModel().getTokenizerUri(), "model.tokenizer_uri");
    }
    if (s.getDataset().getTrainUri().isEmpty()) {
      throw new InvalidSpecException("dataset.train_uri", "is required (a JSONL or CSV file of labelled texts)");
    }
    requireFile(store, s.getDataset().getTrainUri(), "dataset.train_uri");
    if (!s.getDataset().getEvalUri().isEmpty()) {
      requireFile(store, s.getDataset().getEvalUri(), "dataset.eval_uri");
    }
    LoraSpec l = s.getLora();
    if (l.getRank() < 1 || l.getRank() > 1024) {
      throw new InvalidSpecException("lora.rank", "must be in [1, 1024], got " + l.getRank());
    }
    if (!(l.getAlpha() > 0)) {
      throw new InvalidSpecException("lora.alpha", "must be > 0, got " + l.getAlpha());
    }
    if (l.getDropout() < 0 || l.getDropout() >= 1) {
      throw new InvalidSpecException("lora.dropout", "must be in [0, 1), got " + l.getDropout());
    }
    StrategySpec st = s.getStrategy();
    if (!STRATEGIES.contains(st.getKind())) {
      throw new InvalidSpecException("strategy.kind", "unknown strategy '" + st.getKind() + "'; one of " + sorted(STRATEGIES));
    }
    if (st.getKind().equals("uniform") && s.getTrials().getDensitiesCount() == 0 && st.getDensity() == 0) {
      throw new InvalidSpecException("strategy.density", "uniform needs a density in (0, 1] (or trials.densities)");
    }
    checkDensity(st.getDensity(), "strategy.density", true);
    for (int i = 0; i < s.getTrials().getDensitiesCount(); i++) {
      checkDensity(s.getTrials().getDensities(i), "trials.densities[" + i + "]", false);
    }
    if (s.getTrials().getDensitiesCount() > 0 && !st.getKind().equals("uniform")) {
      throw new InvalidSpecException("trials.densities", "only the uniform strategy takes a density per trial; "
          + st.getKind() + " derives its own");
    }
    if (!(st.getTau() > 0 && st.getTau() <= 1)) {
      throw new InvalidSpecException("strategy.tau", "must be in (0, 1], got " + st.getTau());
    }
    if (st.getFewShot() < 1) {
      throw new InvalidSpecException("strategy.few_shot", "must be >= 1, got " + st.getFewShot());
    }
    if (st.getRounds() < 1 || st.getRounds() > 20) {
      throw new InvalidSpecException("strategy.rounds", "must be in [1, 20], got " + st.getRounds());
    }
    if (!(st.getPruneFraction() > 0 && st.getPruneFraction() < 1)) {
      throw new InvalidSpecException("strategy.prune_fraction", "must be in (0, 1), got " + st.getPruneFraction());
    }
    if (!List.of("inverse-density", "none").contains(st.getSparseLrScaling())) {
      throw new InvalidSpecException("strategy.sparse_lr_scaling", "must be inverse-density or none, got '"
          + st.getSparseLrScaling() + "'");
    }
    TrainingSpec t = s.getTraining();
    if (t.getEpochs() < 1 || t.getEpochs() > 1000) {
      throw new InvalidSpecException("training.epochs", "must be in [1, 1000], got " + t.getEpochs());
    }
    if (t.getBatchSize() < 1 || t.getBatchSize() > 4096) {
      throw new InvalidSpecException("training.batch_size", "must be in [1, 4096], got " + t.getBatchSize());
    }
    if (!(t.getLearningRate() > 0 && t.getLearningRate() < 1)) {
      throw new InvalidSpecException("training.learning_rate", "must be in (0, 1), got " + t.getLearningRate());
    }
    if (t.getMaxLength() < 2 || t.getMaxLength() > 8192) {
      throw new InvalidSpecException("training.max_length", "must be in [2, 8192], got " + t.getMaxLength());
    }
    if (!DEVICES.contains(t.getDevice())) {
      throw new InvalidSpecException("training.device", "must be one of cpu, gpu, auto; got '" + t.getDevice() + "'");
    }
    if (t.getCheckpointEvery() < 1) {
      throw new InvalidSpecException("training.checkpoint_every", "must be >= 1, got " + t.getCheckpointEvery());
    }
    if (s.getTrials().getSeedsCount() * Math.max(1, s.getTrials().getDensitiesCount()) > 256) {
      throw new InvalidSpecException("trials", "more than 256 trials (seeds x densities)");
    }
    for (int i = 0; i < s.getExportFormatsCount(); i++) {
      if (!EXPORT_FORMATS.contains(s.getExportFormats(i))) {
        throw new InvalidSpecException("export_formats[" + i + "]", "unknown format '" + s.getExportFormats(i) + "'; one of "
            + sorted(EXPORT_FORMATS));
      }
    }
  }

  private static void checkDensity(double d, String field, boolean zeroAllowed) {
    if (zeroAllowed && d == 0) {
      return;
    }
    if (!(d > 0 && d <= 1)) {
      throw new InvalidSpecException(field, "must be in (0, 1], got " + d);
    }
  }

  private static void requireFile(ArtifactStore store, String uri, String field) {
    Path p = store.resolve(uri, field);
    if (!Files.isRegularFile(p)) {
      throw new InvalidSpecException(field, "'" + uri + "' does not exist in the artifact store" + (uri.startsWith("file:") ? "" : " ("
          + store.root() + "); upload it first"));
    }
  }

  private static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }

  private JobSpecs() {}
}
