package dev.plora.jobs;

import dev.plora.engine.config.DataConfig;
import dev.plora.engine.config.DeviceChoice;
import dev.plora.engine.config.DiscoverConfig;
import dev.plora.engine.config.LoraConfig;
import dev.plora.engine.config.MaskSource;
import dev.plora.engine.config.ModelConfig;
import dev.plora.engine.config.Pooling;
import dev.plora.engine.config.RunConfig;
import dev.plora.engine.config.SparseLrScaling;
import dev.plora.engine.config.StrategyConfig;
import dev.plora.engine.config.TextFields;
import dev.plora.engine.config.TrainingConfig;
import dev.plora.proto.v1.JobSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * A JobSpec (defaults applied) as the engine's configuration records: the one translation of the
 * mesh's contract into engine terms, used to validate a submission and to run its tasks. URIs
 * become store paths here; every range is the engine's own check.
 */
public final class JobConfigs {
  private final JobSpec spec;
  private final ArtifactStore store;

  public JobConfigs(JobSpec spec, ArtifactStore store) {
    this.spec = spec;
    this.store = store;
  }

  public ModelConfig model() {
    String uri = spec.getModel().getModelUri();
    String source =
        uri.equals(ModelConfig.DEFAULT_SOURCE)
            ? uri
            : store.resolve(uri, "model.model_uri").toString();
    Path tokenizer =
        spec.getModel().getTokenizerUri().isEmpty()
            ? null
            : store.resolve(spec.getModel().getTokenizerUri(), "model.tokenizer_uri");
    return new ModelConfig(source, tokenizer, Pooling.MEAN);
  }

  public DataConfig data() {
    var d = spec.getDataset();
    Path eval = d.getEvalUri().isEmpty() ? null : store.resolve(d.getEvalUri(), "dataset.eval_uri");
    return new DataConfig(
        List.of(store.resolve(d.getTrainUri(), "dataset.train_uri")),
        eval,
        new TextFields(d.getTextField(), d.getTextPairField(), d.getLabelField()));
  }

  /**
   * The spec's LoRA at {@code rank} (a plan's rank may differ from the spec's: low-rank controls).
   */
  public LoraConfig lora(int rank) {
    var l = spec.getLora();
    return new LoraConfig(rank, l.getAlpha(), l.getDropout(), l.getTargetsList());
  }

  public TrainingConfig training(long seed) {
    var t = spec.getTraining();
    return TrainingConfig.builder()
        .epochs(t.getEpochs())
        .batchSize(t.getBatchSize())
        .learningRate(t.getLearningRate())
        .maxLength(t.getMaxLength())
        .seed(seed)
        .checkpointEvery(t.getCheckpointEvery())
        .device(DeviceChoice.parse(t.getDevice()))
        .sparseLrScaling(SparseLrScaling.parse(spec.getStrategy().getSparseLrScaling()))
        .build();
  }

  /**
   * Strategy {@code kind} with the spec's parameters; {@code density} for uniform, {@code
   * reference} for controls.
   */
  public StrategyConfig strategy(String kind, Double density, Path reference) {
    var s = spec.getStrategy();
    return StrategyConfig.builder(kind)
        .tau(s.getTau())
        .fewShot(s.getFewShot())
        .rounds(s.getRounds())
        .prune(s.getPruneFraction())
        .density(density)
        .reference(reference)
        .build();
  }

  public DiscoverConfig discover(String kind, long seed, Double density, Path reference) {
    return new DiscoverConfig(
        model(),
        data(),
        lora(spec.getLora().getRank()),
        strategy(kind, density, reference),
        training(seed));
  }

  /** A training run with masks from {@code masksFile} at {@code rank}. */
  public RunConfig run(long seed, Path masksFile, int rank) {
    return new RunConfig(
        model(), data(), lora(rank), new MaskSource.File(masksFile), training(seed), null);
  }
}
