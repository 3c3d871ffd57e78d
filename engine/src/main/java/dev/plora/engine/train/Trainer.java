package dev.plora.engine.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.plora.engine.base.OwnedArrays;
import dev.plora.engine.config.TrainingConfig;
import dev.plora.engine.data.Dataset;
import dev.plora.engine.data.Example;
import dev.plora.engine.data.LabelSet;
import dev.plora.engine.data.Sampling;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.data.TokenizedBatch;
import dev.plora.engine.lora.AdaptedModel;
import dev.plora.engine.lora.ClassificationHead;
import dev.plora.engine.lora.Parameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The training loop: seeded epoch orders, cross-entropy, global gradient-norm clipping, AdamW with
 * linear warmup and decay, checkpoints every N steps and at the end (or on a stop request), and
 * resume that continues with the same losses an uninterrupted run would have had. Deterministic on
 * CPU for a given seed.
 */
public final class Trainer {
  private final AdaptedModel model;
  private final TextTokenizer tokenizer;
  private final TrainingConfig config;
  private final Path checkpointDir;
  private final String fingerprint;
  private Consumer<Progress> progress = p -> {};
  private BooleanSupplier stopRequested = () -> false;
  private BooleanSupplier abortRequested = () -> false;

  /**
   * @param checkpointDir where checkpoints go (null: none)
   * @param fingerprint identifies the run's configuration; a checkpoint of another fingerprint is
   *     refused
   */
  public Trainer(
      AdaptedModel model,
      TextTokenizer tokenizer,
      TrainingConfig config,
      Path checkpointDir,
      String fingerprint) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.config = config;
    this.checkpointDir = checkpointDir;
    this.fingerprint = fingerprint;
  }

  public Trainer onProgress(Consumer<Progress> listener) {
    this.progress = listener;
    return this;
  }

  /** Checked between steps: when it returns true, the trainer checkpoints and returns. */
  public Trainer stopWhen(BooleanSupplier stop) {
    this.stopRequested = stop;
    return this;
  }

  /**
   * Checked between steps: when it returns true, the trainer throws {@link TrainingAborted} at once
   * and writes nothing more (no checkpoint): another attempt owns the run directory now.
   */
  public Trainer abortWhen(BooleanSupplier abort) {
    this.abortRequested = abort;
    return this;
  }

  public TrainingResult train(Dataset data, LabelSet labels, boolean resume) {
    int[] gold = labels.indices(data);
    int perEpoch = config.stepsPerEpoch(data.size());
    int total = perEpoch * config.epochs();
    LinearSchedule schedule = LinearSchedule.of(config.learningRate(), config.warmupRatio(), total);
    List<Parameter> params = model.parameters();
    AdamW optimizer = new AdamW(config.weightDecay(), model.manager());
    int done = 0;
    if (resume && checkpointDir != null && Checkpoint.exists(checkpointDir)) {
      done =
          Checkpoint.restore(checkpointDir, fingerprint, params, optimizer, model.manager()).step();
    }
    int first = done + 1;
    List<Double> losses = new ArrayList<>();
    long start = System.nanoTime();
    long examples = 0;
    Engine engine = model.manager().getEngine();
    model.setTraining(true);
    int[] order = null;
    int orderEpoch = -1;
    try {
      for (int step = first; step <= total; step++) {
        if (abortRequested.getAsBoolean()) {
          throw new TrainingAborted(
              "training withdrawn before step " + step + "; another attempt owns the run");
        }
        if (stopRequested.getAsBoolean()) {
          save(step - 1, params, optimizer);
          return result(
              false, step - 1, total, first, losses, start, examples, data.size(), optimizer);
        }
        int epoch = (step - 1) / perEpoch;
        int batch = (step - 1) % perEpoch;
        if (epoch != orderEpoch) {
          order = Sampling.epochOrder(data.size(), config.seed(), epoch);
          orderEpoch = epoch;
        }
        int from = batch * config.batchSize();
        int to = Math.min(order.length, from + config.batchSize());
        double loss =
            step(engine, data, gold, order, from, to, step, params, optimizer, schedule.at(step));
        if (!Double.isFinite(loss)) {
          throw new TrainingException(
              "the loss is "
                  + loss
                  + " at step "
                  + step
                  + " (epoch "
                  + (epoch + 1)
                  + "); training stopped. Lower the learning rate or check the data");
        }
        losses.add(loss);
        examples += to - from;
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = examples / Math.max(seconds, 1e-9);
        double eta = (total - step) * seconds / (step - first + 1);
        progress.accept(new Progress(step, total, epoch + 1, loss, schedule.at(step), rate, eta));
        if (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0 && step < total) {
          save(step, params, optimizer);
        }
      }
      save(total, params, optimizer);
      return result(true, total, total, first, losses, start, examples, data.size(), optimizer);
    } finally {
      model.setTraining(false);
    }
  }

  private double step(
      Engine engine,
      Dataset data,
      int[] gold,
      int[] order,
      int from,
      int to,
      int step,
      List<Parameter> params,
      AdamW optimizer,
      double lr) {
    List<String> texts = new ArrayList<>();
    List<String> pairs = new ArrayList<>();
    long[] y = new long[to - from];
    for (int i = from; i < to; i++) {
      Example e = data.get(order[i]);
      texts.add(e.text());
      pairs.add(e.textPair());
      y[i - from] = gold[order[i]];
    }
    TokenizedBatch tokens = tokenizer.encode(texts, pairs);
    try (NDManager m = model.manager().newSubManager();
        NDScope scope = new NDScope()) {
      if (model.config().dropout() > 0) {
        engine.setRandomSeed(
            (int) (config.seed() * 31 + step)); // dropout masks depend only on (seed, step)
      }
      NDArray loss;
      try (GradientCollector gc = engine.newGradientCollector()) {
        NDArray logits = model.logits(m, tokens);
        loss = ClassificationHead.loss(logits, OwnedArrays.own(m.create(y)));
        gc.backward(loss);
      }
      double value = loss.getFloat();
      if (!Double.isFinite(value)) {
        return value;
      }
      List<NDArray> grads = new ArrayList<>(params.size());
      NDList norms = new NDList(params.size());
      for (Parameter p : params) {
        NDArray g = p.value().getGradient();
        grads.add(g);
        norms.add(g.norm());
      }
      // One reduction and one read for the global norm, not one per parameter.
      double sq = Math.pow(NDArrays.stack(norms).norm().getFloat(), 2);
      if (!Double.isFinite(sq)) {
        for (int i = 0; i < params.size(); i++) {
          float gsum = grads.get(i).abs().sum().getFloat();
          if (!Float.isFinite(gsum)) {
            throw new TrainingException(
                "the gradient of "
                    + params.get(i).name()
                    + " is not finite at step "
                    + step
                    + " (loss "
                    + value
                    + "); training stopped before the update");
          }
        }
      }
      double norm = Math.sqrt(sq);
      double factor = 1.0;
      if (config.maxGradNorm() > 0 && norm > config.maxGradNorm()) {
        factor = config.maxGradNorm() / (norm + 1e-6);
      }
      optimizer.step(params, grads, lr, factor);
      return value;
    }
  }

  private void save(int step, List<Parameter> params, AdamW optimizer) {
    if (checkpointDir != null && step > 0) {
      Checkpoint.save(checkpointDir, step, fingerprint, params, optimizer, model.manager());
    }
  }

  private static TrainingResult result(
      boolean completed,
      int steps,
      int total,
      int first,
      List<Double> losses,
      long start,
      long examples,
      int trainExamples,
      AdamW optimizer) {
    double seconds = (System.nanoTime() - start) / 1e9;
    return new TrainingResult(
        completed,
        steps,
        total,
        first,
        List.copyOf(losses),
        seconds,
        examples / Math.max(seconds, 1e-9),
        trainExamples,
        optimizer.stateBytes());
  }
}
