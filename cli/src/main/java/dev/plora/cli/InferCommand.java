package dev.plora.cli;

import dev.plora.engine.run.InferRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code plora infer}: tokenize texts, run the graph in plora's runtime, save every tensor. */
@Command(
    name = "infer",
    mixinStandardHelpOptions = true,
    description =
        "Tokenize texts, run the model in plora's runtime and write the token arrays and every"
            + " graph output to a safetensors file.")
final class InferCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelOptions modelOptions;

  @ArgGroup(exclusive = true, multiplicity = "1")
  TextSource source;

  @Option(
      names = "--max-len",
      defaultValue = "${plora.defaults.training.maxLength}",
      description = "maximum tokens per text (default ${DEFAULT-VALUE})")
  int maxLen;

  @Option(names = "--output", required = true, description = "the safetensors file to write")
  Path output;

  @Override
  public Integer call() throws IOException {
    List<String> texts = source.read(spec);
    InferRun.Result r = InferRun.execute(modelOptions.config(), texts, maxLen, output);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "%d texts, %d tokens each (padded), forward %.1f ms%n",
        r.texts(), r.sequenceLength(), r.forwardMillis());
    r.tensors().forEach(t -> out.printf("  %-20s %s %s%n", t.name(), t.type(), t.shape()));
    out.printf("wrote %s%n", output);
    out.flush();
    return 0;
  }
}
