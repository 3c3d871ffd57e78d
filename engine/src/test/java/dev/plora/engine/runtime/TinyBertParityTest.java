package dev.plora.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.plora.engine.export.OrtRunner;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.testing.Arrays2;
import dev.plora.engine.testing.RandomTokens;
import dev.plora.engine.testing.TinyBert;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Randomly generated BERT-style graphs in plora's runtime against ONNX Runtime. */
class TinyBertParityTest {

  @ParameterizedTest(name = "seed {0}, opset {1}")
  @CsvSource({"1, 11", "2, 13", "3, 14", "4, 17", "5, 18", "6, 20"})
  void randomGraphMatchesOnnxRuntimeForSeveralBatchShapesWithPadding(long seed, int opset) {
    Random r = new Random(seed);
    int heads = 1 + r.nextInt(3);
    int hidden = heads * (4 + 2 * r.nextInt(3));
    TinyBert spec =
        new TinyBert(
            50 + r.nextInt(50),
            hidden,
            heads,
            1 + r.nextInt(2),
            hidden * (2 + r.nextInt(3)),
            32,
            opset,
            false,
            seed);
    OnnxModel model = spec.build();
    try (NDManager m = NDManager.newBaseManager();
        GraphExecutor ours = new GraphExecutor(model, m);
        OrtRunner ort = new OrtRunner(model.toByteArray())) {
      for (int batch : new int[] {1, 3}) {
        for (int seq : new int[] {1, 5, 11}) {
          try (NDManager step = m.newSubManager()) {
            Map<String, NDArray> feeds = RandomTokens.batch(step, r, batch, seq, spec.vocabSize());
            NDArray a = ours.run(step, feeds).get("last_hidden_state");
            NDArray b = ort.run(step, feeds).get("last_hidden_state");
            assertThat(Arrays2.maxAbsDiff(b, a))
                .as("%s, batch %d x %d", spec, batch, seq)
                .isLessThanOrEqualTo(1e-4);
          }
        }
      }
    }
  }

  @Test
  void shapeOnlyValuesAreComputedOncePerInputShapeAndReused() {
    OnnxModel model = TinyBert.small(7).build();
    Random r = new Random(7);
    try (NDManager m = NDManager.newBaseManager();
        GraphExecutor ex = new GraphExecutor(model, m)) {
      Map<String, NDArray> first = RandomTokens.batch(m, r, 2, 6, 100);
      Map<String, NDArray> other = RandomTokens.batch(m, r, 2, 9, 100);
      NDArray a1 = ex.run(m, first).get("last_hidden_state");
      assertThat(ex.cachedSignatures()).isEqualTo(1);
      NDArray a2 = ex.run(m, first).get("last_hidden_state");
      assertThat(ex.cachedSignatures()).isEqualTo(1);
      ex.run(m, other);
      assertThat(ex.cachedSignatures()).isEqualTo(2);
      NDArray a3 = ex.run(m, first).get("last_hidden_state");
      assertThat(Arrays2.maxAbsDiff(a1, a2)).isEqualTo(0.0);
      assertThat(Arrays2.maxAbsDiff(a1, a3)).isEqualTo(0.0);
    }
  }
}
