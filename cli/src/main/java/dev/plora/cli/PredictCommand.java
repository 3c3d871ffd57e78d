package dev.plora.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.plora.engine.config.ConfigException;
import dev.plora.engine.config.DeviceChoice;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.export.OnnxPredictor;
import dev.plora.engine.model.ModelFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code plora predict}: classify texts with a merged ONNX export, in ONNX Runtime alone. */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description =
        "Classify texts with a merged ONNX export (plora export --format onnx-merged), run by ONNX Runtime alone.")
final class PredictCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, description = "a merged .onnx export")
  Path model;

  @Option(
      names = "--tokenizer",
      description =
          "tokenizer.json (default: tokenizer.json next to the model, else the default model's)")
  Path tokenizer;

  @ArgGroup(exclusive = true, multiplicity = "1")
  TextSource source;

  @Option(names = "--json", description = "print predictions as JSON")
  boolean json;

  @Option(
      names = "--device",
      defaultValue = "auto",
      description =
          "cpu, gpu (ONNX Runtime's CUDA provider; an error without one) or auto (CUDA when this"
              + " ONNX Runtime build has it, else the CPU) (default: ${DEFAULT-VALUE})")
  String device;

  @Override
  public Integer call() throws IOException {
    List<String> texts = source.read(spec);
    Path tok = tokenizer;
    if (tok == null) {
      Path beside = model.toAbsolutePath().getParent().resolve("tokenizer.json");
      tok = Files.isRegularFile(beside) ? beside : ModelFiles.resolve("default", null).tokenizer();
    }
    OnnxPredictor loaded;
    try {
      loaded = new OnnxPredictor(model, DeviceChoice.parse(device));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.reworded("--device"), e);
    }
    try (OnnxPredictor predictor = loaded;
        TextTokenizer t = TextTokenizer.load(tok, predictor.maxLength())) {
      List<OnnxPredictor.Prediction> predictions = predictor.predict(t, texts);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(
            new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(predictions));
      } else {
        for (OnnxPredictor.Prediction p : predictions) {
          StringBuilder probs = new StringBuilder();
          p.probabilities()
              .forEach((label, v) -> probs.append(String.format(" %s=%.3f", label, v)));
          out.printf(
              "%-12s%s  %s%n",
              p.label(),
              probs,
              p.text().length() > 60 ? p.text().substring(0, 57) + "..." : p.text());
        }
      }
      out.flush();
    }
    return 0;
  }
}
