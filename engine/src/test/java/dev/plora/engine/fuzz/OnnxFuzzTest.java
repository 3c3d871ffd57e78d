package dev.plora.engine.fuzz;

import ai.djl.ndarray.NDManager;
import dev.plora.engine.lora.TargetSites;
import dev.plora.engine.model.ModelLimits;
import dev.plora.engine.onnx.OnnxFormatException;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.runtime.GraphExecutor;
import dev.plora.engine.runtime.kernel.GraphExecutionException;
import dev.plora.engine.testing.FuzzHarness;
import dev.plora.engine.testing.Mutator;
import dev.plora.engine.testing.TinyBert;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mutated ONNX models through everything loading does: parsing, the opset, the position table, LoRA
 * target discovery, and preparing the executor (every initializer decoded, every op bound). Graphs
 * are not run: the runtime's size checks have tests of their own.
 */
class OnnxFuzzTest {
  @Test
  @Timeout(120)
  void everyMutantLoadsOrIsRefusedWithAnOnnxError() {
    List<byte[]> seeds =
        List.of(
            TinyBert.small(1).build().toByteArray(),
            new TinyBert(40, 8, 2, 1, 16, 16, 17, false, 2).build().toByteArray());
    Mutator mutator =
        Mutator.bytes()
            .with(
                Mutator::protobufVarint,
                Mutator::protobufVarint,
                OnnxMutation::apply,
                OnnxMutation::apply,
                OnnxMutation::apply,
                OnnxMutation::apply);
    try (NDManager manager = NDManager.newBaseManager()) {
      FuzzHarness.run(
          "onnx",
          seeds,
          mutator,
          1200,
          t -> t instanceof OnnxFormatException || t instanceof GraphExecutionException,
          bytes -> load(bytes, manager));
    }
  }

  private static void load(byte[] bytes, NDManager manager) {
    OnnxModel model = OnnxModel.parse(bytes, "mutant.onnx");
    model.opset();
    ModelLimits.maxPositions(model);
    TargetSites.find(model);
    try (GraphExecutor executor = new GraphExecutor(model, manager)) {
      executor.inputNames();
    }
  }
}
