package dev.plora.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.plora.engine.lora.TargetSite;
import dev.plora.engine.model.ModelFiles;
import dev.plora.engine.model.ModelSummary;
import dev.plora.engine.onnx.OnnxModel;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code plora inspect}: what a model takes and returns, which ops it uses, where LoRA can go. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = "Show a model's inputs, outputs, op histogram and LoRA-targetable MatMuls.")
final class InspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      defaultValue = "default",
      description = "an .onnx file, or 'default' (all-MiniLM-L6-v2)")
  String model;

  @Option(names = "--json", description = "print the summary as JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ModelFiles files = ModelFiles.resolve(model, null);
    ModelSummary s = ModelSummary.of(OnnxModel.load(files.onnx()));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(
          new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(s));
      out.flush();
      return 0;
    }
    out.printf("model      %s%n", s.source());
    out.printf(
        "producer   %s (IR %d), opsets %s%n",
        s.producer().isEmpty() ? "?" : s.producer(), s.irVersion(), s.opsets());
    out.printf("nodes      %d, parameters %,d%n", s.nodeCount(), s.parameterCount());
    out.println();
    out.println("inputs");
    s.inputs().forEach(v -> out.printf("  %-24s %-6s %s%n", v.name(), v.elementType(), v.shape()));
    out.println("outputs");
    s.outputs().forEach(v -> out.printf("  %-24s %-6s %s%n", v.name(), v.elementType(), v.shape()));
    out.println();
    out.println("ops");
    for (Map.Entry<String, Integer> e : s.opHistogram().entrySet()) {
      out.printf("  %-20s %5d%n", e.getKey(), e.getValue());
    }
    out.println();
    out.printf("LoRA targets (%d MatMuls with a 2-D float weight)%n", s.targets().size());
    int width = s.targets().stream().mapToInt(t -> t.module().length()).max().orElse(6);
    out.printf("  %-" + width + "s  %-14s  %s%n", "module", "[in, out]", "node");
    for (TargetSite t : s.targets()) {
      out.printf(
          "  %-" + width + "s  %-14s  %s%n",
          t.module(),
          "[" + t.in() + ", " + t.out() + "]",
          t.nodeName());
    }
    out.flush();
    return 0;
  }
}
