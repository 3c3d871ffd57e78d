package dev.plora.engine.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.protobuf.ByteString;
import dev.plora.engine.export.OrtRunner;
import dev.plora.engine.model.DefaultModel;
import dev.plora.engine.onnx.proto.StringStringEntryProto;
import dev.plora.engine.onnx.proto.TensorProto;
import dev.plora.engine.testing.Arrays2;
import dev.plora.engine.testing.RandomTokens;
import dev.plora.engine.testing.TinyBert;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxIoTest {
  @TempDir Path dir;

  @Test
  void realModelSurvivesLoadSaveReloadUnchangedAndOnnxRuntimeRunsTheCopy() throws IOException {
    OnnxModel original = OnnxModel.load(DefaultModel.onnx());
    Path copy = dir.resolve("copy.onnx");
    original.save(copy);
    OnnxModel reloaded = OnnxModel.load(copy);
    assertThat(reloaded.proto()).isEqualTo(original.proto());
    assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(DefaultModel.onnx()));
    try (NDManager m = NDManager.newBaseManager();
        OrtRunner ort = new OrtRunner(Files.readAllBytes(copy))) {
      Map<String, NDArray> feeds = RandomTokens.batch(m, new Random(1), 2, 7, 1000);
      assertThat(ort.run(m, feeds).get("last_hidden_state").getShape().getShape())
          .containsExactly(2, 7, 384);
    }
  }

  @Test
  void writtenGraphLoadsInOnnxRuntimeWithTheSameOutputs() throws IOException {
    OnnxModel tiny = TinyBert.small(3).build();
    Path file = dir.resolve("tiny.onnx");
    tiny.save(file);
    try (NDManager m = NDManager.newBaseManager();
        OrtRunner fromFile = new OrtRunner(Files.readAllBytes(file));
        OrtRunner fromMemory = new OrtRunner(tiny.toByteArray())) {
      Map<String, NDArray> feeds = RandomTokens.batch(m, new Random(2), 2, 4, 100);
      assertThat(
              Arrays2.maxAbsDiff(
                  fromMemory.run(m, feeds).get("last_hidden_state"),
                  fromFile.run(m, feeds).get("last_hidden_state")))
          .isEqualTo(0.0);
    }
  }

  @Test
  void truncatedFileIsReportedAsMalformedWithItsName() throws IOException {
    byte[] bytes = TinyBert.small(1).build().toByteArray();
    Path file = dir.resolve("truncated.onnx");
    Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> OnnxModel.load(file))
        .isInstanceOf(OnnxFormatException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("malformed or truncated");
  }

  @Test
  void fileThatIsNotOnnxIsReportedWithItsName() throws IOException {
    Path file = dir.resolve("notes.onnx");
    Files.writeString(file, "this is not a model\n");
    assertThatThrownBy(() -> OnnxModel.load(file))
        .isInstanceOf(OnnxFormatException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void missingFileSaysSo() {
    Path file = dir.resolve("absent.onnx");
    assertThatThrownBy(() -> OnnxModel.load(file))
        .hasMessageContaining(file + ": no such model file");
  }

  @Test
  void externalDataTensorIsRefusedNamingTheTensor() {
    TensorProto t =
        TensorProto.newBuilder()
            .setName("encoder.big.weight")
            .setDataType(1)
            .addDims(2)
            .setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(
                StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin"))
            .build();
    try (NDManager m = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> TensorCodec.decode(t, m))
          .isInstanceOf(OnnxFormatException.class)
          .hasMessageContaining("'encoder.big.weight'")
          .hasMessageContaining("not supported yet");
    }
  }

  @Test
  void typedFieldsAndRawDataDecodeToTheSameValues() {
    try (NDManager m = NDManager.newBaseManager()) {
      TensorProto floats =
          TensorProto.newBuilder()
              .setName("f")
              .setDataType(1)
              .addDims(2)
              .addDims(2)
              .addFloatData(1.5f)
              .addFloatData(-2f)
              .addFloatData(0f)
              .addFloatData(3.25f)
              .build();
      assertThat(TensorCodec.decode(floats, m).toFloatArray())
          .containsExactly(1.5f, -2f, 0f, 3.25f);
      assertThat(
              TensorCodec.decode(
                      TensorCodec.floats(
                          "r", new long[] {2, 2}, new float[] {1.5f, -2f, 0f, 3.25f}),
                      m)
                  .toFloatArray())
          .containsExactly(1.5f, -2f, 0f, 3.25f);

      TensorProto doubles =
          TensorProto.newBuilder()
              .setName("d")
              .setDataType(11)
              .addDims(2)
              .addDoubleData(0.1)
              .addDoubleData(-7)
              .build();
      assertThat(TensorCodec.decode(doubles, m).toDoubleArray()).containsExactly(0.1, -7.0);

      TensorProto longs = TensorCodec.longs("l", new long[] {3}, 5, -1, Long.MAX_VALUE);
      assertThat(TensorCodec.decode(longs, m).toLongArray())
          .containsExactly(5L, -1L, Long.MAX_VALUE);

      TensorProto ints =
          TensorProto.newBuilder()
              .setName("i")
              .setDataType(6)
              .addDims(2)
              .addInt32Data(7)
              .addInt32Data(-9)
              .build();
      assertThat(TensorCodec.decode(ints, m).toIntArray()).containsExactly(7, -9);

      TensorProto bools =
          TensorProto.newBuilder()
              .setName("b")
              .setDataType(9)
              .addDims(3)
              .addInt32Data(1)
              .addInt32Data(0)
              .addInt32Data(1)
              .build();
      NDArray b = TensorCodec.decode(bools, m);
      assertThat(b.getDataType()).isEqualTo(DataType.BOOLEAN);
      assertThat(b.toBooleanArray()).containsExactly(true, false, true);

      TensorProto rawInt64 =
          TensorProto.newBuilder()
              .setName("raw")
              .setDataType(7)
              .addDims(1)
              .setRawData(ByteString.copyFrom(new byte[] {2, 1, 0, 0, 0, 0, 0, 0}))
              .build();
      assertThat(TensorCodec.decode(rawInt64, m).toLongArray()).containsExactly(258L);

      NDArray back = TensorCodec.decode(TensorCodec.encode("e", m.create(new float[] {4f, 5f})), m);
      assertThat(back.toFloatArray()).containsExactly(4f, 5f);
    }
  }

  @Test
  void tensorWithTooFewValuesIsRejectedAsTruncated() {
    TensorProto t =
        TensorProto.newBuilder().setName("w").setDataType(1).addDims(3).addFloatData(1f).build();
    try (NDManager m = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> TensorCodec.decode(t, m))
          .hasMessageContaining("'w' holds 1 values but its dims need 3");
    }
  }

  @Test
  void nodePathsBecomeModuleNames() {
    OnnxModel tiny = TinyBert.small(1).build();
    assertThat(dev.plora.engine.lora.TargetSites.find(tiny))
        .extracting(s -> s.module())
        .contains("encoder.layer.0.attention.self.query", "encoder.layer.1.output.dense");
  }
}
