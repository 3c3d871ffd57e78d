package dev.plora.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.data.TokenizedBatch;
import dev.plora.engine.io.AtomicFiles;
import dev.plora.engine.model.ModelFiles;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.runtime.GraphExecutor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code plora infer}: tokenize texts, run the graph in plora's runtime, save every tensor. */
@Command(name = "infer", mixinStandardHelpOptions = true,
    description = "Tokenize texts, run the model in plora's runtime and write the token arrays and every"
        + " graph output to a safetensors file.")
final class InferCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelOptions modelOptions;

  @ArgGroup(exclusive = true, multiplicity = "1")
  TextSource source;

  @Option(names = "--max-len", defaultValue = "128", description = "maximum tokens per text (default ${DEFAULT-VALUE})")
  int maxLen;

  @Option(names = "--output", required = true, description = "the safetensors file to write")
  Path output;

  @Override
  public Integer call() throws IOException {
    List<String> texts = source.read(spec);
    ModelFiles files = modelOptions.resolve();
    PrintWriter out = spec.commandLine().getOut();
    try (NDManager manager = NDManager.newBaseManager();
        TextTokenizer tok = TextTokenizer.load(files.requireTokenizer(), maxLen);
        GraphExecutor executor = new GraphExecutor(OnnxModel.load(files.onnx()), manager)) {
      TokenizedBatch batch = tok.encode(texts);
      Map<String, NDArray> tokens = batch.toArrays(manager);
      Map<String, NDArray> feeds = new LinkedHashMap<>();
      for (String name : executor.inputNames()) {
        NDArray a = tokens.get(name);
        if (a == null) {
          throw new IllegalArgumentException("the model needs input '" + name
              + "', but a tokenizer provides only " + tokens.keySet());
        }
        feeds.put(name, a);
      }
      long start = System.nanoTime();
      Map<String, NDArray> results = executor.run(manager, feeds);
      double ms = (System.nanoTime() - start) / 1e6;
      NDList list = new NDList();
      Map<String, NDArray> all = new LinkedHashMap<>(tokens);
      all.putAll(results);
      all.forEach((name, a) -> {
        a.setName(name);
        list.add(a);
      });
      AtomicFiles.write(output, os -> list.encode(os, NDList.Encoding.SAFETENSORS));
      out.printf("%d texts, %d tokens each (padded), forward %.1f ms%n", batch.batchSize(), batch.sequenceLength(), ms);
      all.forEach((name, a) -> out.printf("  %-20s %s %s%n", name, a.getDataType(), a.getShape()));
      out.printf("wrote %s%n", output);
      out.flush();
    }
    return 0;
  }

}
