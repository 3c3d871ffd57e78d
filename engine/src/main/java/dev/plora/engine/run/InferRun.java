package dev.plora.engine.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.base.AtomicFiles;
import dev.plora.engine.config.ModelConfig;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.data.TokenizedBatch;
import dev.plora.engine.model.ModelFiles;
import dev.plora.engine.model.ModelLimits;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.runtime.GraphExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's inference entry point ({@code plora infer}): tokenizes texts, runs the model's graph
 * in plora's runtime, and writes the token arrays and every graph output to a safetensors file.
 */
public final class InferRun {
  /** One written tensor. */
  public record Tensor(String name, DataType type, Shape shape) {}

  /** What was run and written. */
  public record Result(int texts, int sequenceLength, double forwardMillis, List<Tensor> tensors) {}

  private InferRun() {}

  public static Result execute(ModelConfig model, List<String> texts, int maxLength, Path output) {
    ModelFiles files = ModelFiles.resolve(model);
    OnnxModel onnx = OnnxModel.load(files.onnx());
    ModelLimits.checkMaxLength(onnx, maxLength);
    try (NDManager manager = NDManager.newBaseManager();
        TextTokenizer tok = TextTokenizer.load(files.requireTokenizer(), maxLength);
        GraphExecutor executor = new GraphExecutor(onnx, manager)) {
      TokenizedBatch batch = tok.encode(texts);
      Map<String, NDArray> feeds = batch.feeds(executor.inputNames(), manager);
      long start = System.nanoTime();
      Map<String, NDArray> results = executor.run(manager, feeds);
      double ms = (System.nanoTime() - start) / 1e6;
      Map<String, NDArray> all = new LinkedHashMap<>(batch.toArrays(manager));
      all.putAll(results);
      NDList list = new NDList();
      all.forEach(
          (name, a) -> {
            a.setName(name);
            list.add(a);
          });
      AtomicFiles.write(output, os -> list.encode(os, NDList.Encoding.SAFETENSORS));
      List<Tensor> written =
          all.entrySet().stream()
              .map(e -> new Tensor(e.getKey(), e.getValue().getDataType(), e.getValue().getShape()))
              .toList();
      return new Result(batch.batchSize(), batch.sequenceLength(), ms, written);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + output + ": " + e.getMessage(), e);
    }
  }
}
