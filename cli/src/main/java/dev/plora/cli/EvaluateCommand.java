package dev.plora.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.plora.engine.eval.Metrics;
import dev.plora.engine.run.EvaluateRun;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code plora evaluate}: score a trained run on labelled data. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description =
        "Evaluate a trained run on a labelled dataset: accuracy, macro-F1, MCC and the confusion counts.")
final class EvaluateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--run", required = true, description = "a run directory written by plora train")
  Path run;

  @Option(
      names = "--data",
      required = true,
      description = "labelled data (.jsonl or .csv, the run's field names)")
  Path data;

  @Option(
      names = "--batch",
      defaultValue = "${plora.defaults.evaluation.batchSize}",
      description = "default: ${DEFAULT-VALUE}")
  int batch;

  @Option(names = "--json", description = "print the metrics as JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Metrics m = EvaluateRun.execute(run, data, batch);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(
          new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
      out.flush();
      return 0;
    }
    out.printf(
        "examples %d  accuracy %.4f  macro-F1 %.4f  MCC %.4f%n",
        m.examples(), m.accuracy(), m.macroF1(), m.mcc());
    out.println("confusion (rows: true label, columns: predicted)");
    int w = Math.max(8, m.labels().stream().mapToInt(String::length).max().orElse(8));
    out.printf("  %-" + w + "s", "");
    m.labels().forEach(l -> out.printf(" %" + w + "s", l));
    out.println();
    for (int i = 0; i < m.labels().size(); i++) {
      out.printf("  %-" + w + "s", m.labels().get(i));
      for (long c : m.confusion()[i]) {
        out.printf(" %" + w + "d", c);
      }
      out.println();
    }
    out.flush();
    return 0;
  }
}
