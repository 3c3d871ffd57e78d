package dev.plora.engine.mask;

import ai.djl.ndarray.NDManager;
import dev.plora.engine.data.Dataset;
import dev.plora.engine.data.TextFields;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.lora.TargetMatcher;
import dev.plora.engine.lora.TargetSite;
import dev.plora.engine.lora.TargetSites;
import dev.plora.engine.model.ModelFiles;
import dev.plora.engine.onnx.OnnxModel;
import java.nio.file.Path;
import java.util.List;

/** The engine's discover-a-plan entry point, shared by {@code plora discover} and the services. */
public final class DiscoverRun {
  /**
   * What to discover.
   *
   * @param strategy dense, uniform, partial-lora, shuffled or low-rank
   * @param train training sets (partial-lora: several = multi-task)
   * @param density uniform's density
   * @param dMin partial-lora's floor; null means 1/rank
   * @param from the plan shuffled and low-rank start from
   * @param imp IMP's rounds, prune fraction, scope and rewind step (null for other strategies)
   * @param training IMP's training hyper-parameters (null for other strategies)
   * @param eval IMP's per-round evaluation data (null: the training data)
   */
  public record Config(String strategy, String model, Path tokenizer, List<Path> train, TextFields fields, int rank,
      List<String> targets, double tau, int fewShot, Double dMin, Double density, Path from, long seed, int maxLength,
      double alpha, Imp.Params imp, dev.plora.engine.train.TrainConfig training, Path eval) {}

  private DiscoverRun() {}

  public static MaskPlan execute(Config c, Path out) {
    if (c.rank() < 1) {
      throw new IllegalArgumentException("rank must be >= 1, got " + c.rank());
    }
    ModelFiles files = ModelFiles.resolve(c.model(), c.tokenizer());
    OnnxModel model = OnnxModel.load(files.onnx());
    List<TargetSite> sites = TargetMatcher.select(TargetSites.find(model), c.targets());
    MaskPlan plan;
    switch (c.strategy()) {
      case "dense":
        plan = Strategies.dense(sites, c.rank());
        break;
      case "uniform":
        if (c.density() == null) {
          throw new IllegalArgumentException("uniform needs --density");
        }
        plan = Strategies.uniform(sites, c.rank(), c.density(), c.seed());
        break;
      case "partial-lora": {
        if (c.train() == null || c.train().isEmpty()) {
          throw new IllegalArgumentException("partial-lora needs --train (the few-shot examples come from it)");
        }
        List<Dataset> tasks = c.train().stream().map(p -> Dataset.read(p, c.fields())).toList();
        PartialLora.Params params = new PartialLora.Params(c.tau(), c.fewShot(),
            c.dMin() != null ? c.dMin() : 1.0 / c.rank(), c.seed());
        try (TextTokenizer tok = TextTokenizer.load(files.requireTokenizer(), c.maxLength())) {
          plan = PartialLora.plan(model, sites, c.rank(), tasks, tok, params);
        }
        break;
      }
      case "shuffled":
      case "low-rank": {
        if (c.from() == null) {
          throw new IllegalArgumentException(c.strategy() + " needs --from PLAN_DIR (the plan to control against)");
        }
        try (NDManager m = NDManager.newBaseManager()) {
          MaskPlan from = MaskPlan.load(c.from(), TargetSites.find(model), m);
          List<TargetSite> planned = TargetSites.find(model);
          plan = c.strategy().equals("shuffled") ? Strategies.shuffled(from, planned, c.seed())
              : Strategies.lowRank(from, planned);
        }
        break;
      }
      case "imp": {
        if (c.train() == null || c.train().size() != 1) {
          throw new IllegalArgumentException("imp needs exactly one --train (it trains on it every round)");
        }
        Dataset train = Dataset.read(c.train().get(0), c.fields());
        Dataset eval = c.eval() == null ? null : Dataset.read(c.eval(), c.fields());
        dev.plora.engine.lora.LoraConfig lora = new dev.plora.engine.lora.LoraConfig(c.rank(), c.alpha(), 0, c.targets());
        try (TextTokenizer tok = TextTokenizer.load(files.requireTokenizer(), c.maxLength())) {
          return Imp.plan(model, sites, lora, train, eval, tok, c.training(), c.imp(), c.seed(), out);
        }
      }
      default:
        throw new IllegalArgumentException("unknown strategy '" + c.strategy()
            + "'; available: dense, uniform, partial-lora, imp, shuffled, low-rank");
    }
    plan.save(out);
    return plan;
  }
}
