package dev.plora.engine.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import com.google.protobuf.ByteString;
import dev.plora.engine.onnx.proto.TensorProto;
import dev.plora.engine.testing.TinyBert;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sizes an ONNX file claims are checked against what it holds before anything is allocated. */
class OnnxLimitsTest {
  @TempDir Path dir;

  @AfterEach
  void restoreTheLimit() {
    System.clearProperty("plora.onnx.maxFileBytes");
  }

  @Test
  void aModelFileOverTheLimitIsRefusedNamingFileLimitAndProperty() throws IOException {
    Path file = dir.resolve("tiny.onnx");
    TinyBert.small(1).build().save(file);
    long size = Files.size(file);
    System.setProperty("plora.onnx.maxFileBytes", Long.toString(size - 1));
    assertThatThrownBy(() -> OnnxModel.load(file))
        .isInstanceOf(OnnxFormatException.class)
        .hasMessageStartingWith(file + ": the model is " + size + " bytes")
        .hasMessageContaining("over the limit of " + (size - 1) + " bytes")
        .hasMessageContaining("-Dplora.onnx.maxFileBytes=");
    System.setProperty("plora.onnx.maxFileBytes", Long.toString(size));
    assertThat(OnnxModel.load(file).graph().getNodeCount()).isPositive();
  }

  @Test
  void aTensorWhoseDimsAskForMoreThanItHoldsIsRefusedBeforeAllocating() {
    // 2^40 floats claimed, 4 bytes present: refused without trying to allocate 4 TiB.
    TensorProto t = raw("huge", 1, new byte[4], 1L << 20, 1L << 20);
    try (NDManager m = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> TensorCodec.decode(t, m))
          .isInstanceOf(OnnxFormatException.class)
          .hasMessageContaining("'huge' holds 1 values but its dims need 1099511627776");
    }
  }

  @Test
  void dimsThatOverflowOrAreNegativeAreRefused() {
    try (NDManager m = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> TensorCodec.decode(raw("o", 1, new byte[4], 1L << 62, 8), m))
          .isInstanceOf(OnnxFormatException.class)
          .hasMessageContaining("'o' has dims [4611686018427387904, 8] whose product overflows");
      assertThatThrownBy(() -> TensorCodec.decode(raw("n", 1, new byte[4], -1, -1), m))
          .hasMessageContaining("'n' has a negative dimension -1");
      assertThatThrownBy(() -> TensorCodec.decodeFloats(raw("f", 1, new byte[6], 2)))
          .hasMessageContaining("'f' holds 1 values but its dims need 2");
    }
  }

  @Test
  void typesTheEngineCannotHoldAreRefusedNotCrashed() {
    // DJL's PyTorch engine aborts the JVM on bfloat16 and int16 arrays.
    try (NDManager m = NDManager.newBaseManager()) {
      for (int type :
          new int[] {TensorProto.DataType.BFLOAT16_VALUE, TensorProto.DataType.INT16_VALUE}) {
        assertThatThrownBy(() -> TensorCodec.decode(raw("w", type, new byte[4], 2), m))
            .isInstanceOf(OnnxFormatException.class)
            .hasMessageContaining("'w': element type")
            .hasMessageContaining("not supported");
      }
    }
  }

  @Test
  void aDecodeErrorInAModelNamesTheFile() throws IOException {
    Path file = dir.resolve("lying.onnx");
    OnnxModel tiny = TinyBert.small(1).build();
    var proto = tiny.proto().toBuilder();
    TensorProto first = proto.getGraph().getInitializer(0);
    proto.getGraphBuilder().setInitializer(0, first.toBuilder().addDims(1L << 40));
    new OnnxModel(proto.build(), "x").save(file);
    OnnxModel model = OnnxModel.load(file);
    try (NDManager m = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> new dev.plora.engine.runtime.GraphExecutor(model, m))
          .isInstanceOf(OnnxFormatException.class)
          .hasMessageStartingWith(file + ": tensor '" + first.getName() + "'");
    }
  }

  @Test
  void anUnnamedNodeWithoutOutputsCanStillBeDescribed() {
    assertThat(
            Attributes.describe(
                dev.plora.engine.onnx.proto.NodeProto.newBuilder().setOpType("Add").build()))
        .isEqualTo("Add node '(unnamed, no outputs)'");
  }

  private static TensorProto raw(String name, int type, byte[] data, long... dims) {
    TensorProto.Builder b =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(type)
            .setRawData(ByteString.copyFrom(data));
    for (long d : dims) {
      b.addDims(d);
    }
    return b.build();
  }
}
