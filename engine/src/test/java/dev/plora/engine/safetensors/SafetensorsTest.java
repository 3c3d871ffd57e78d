package dev.plora.engine.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir Path dir;

  @AfterEach
  void restoreTheLimit() {
    System.clearProperty("plora.safetensors.maxHeaderBytes");
  }

  @Test
  void readsWhatDjlWritesInOrderWithEveryType() throws IOException {
    Path file = dir.resolve("a.safetensors");
    try (NDManager m = NDManager.newBaseManager()) {
      NDList list = new NDList();
      list.add(named(m.create(new float[] {1, 2, 3, 4, 5, 6}).reshape(2, 3), "w"));
      list.add(named(m.create(new byte[] {1, 0, 1}).toType(DataType.UINT8, false), "mask"));
      list.add(named(m.create(new long[] {7, -1}), "steps"));
      list.add(named(m.create(new double[] {0.25}), "d"));
      list.add(named(m.create(new float[] {0.5f, 2}).toType(DataType.FLOAT16, false), "half"));
      list.add(named(m.create(new boolean[] {true, false}), "flags"));
      list.add(named(m.create(new float[0]), "empty"));
      try (OutputStream out = Files.newOutputStream(file)) {
        list.encode(out, NDList.Encoding.SAFETENSORS);
      }
      NDList back = Safetensors.read(file, m);
      assertThat(back).hasSize(list.size());
      for (NDArray a : list) {
        NDArray b = back.get(a.getName());
        assertThat(b.getDataType()).isEqualTo(a.getDataType());
        assertThat(b.getShape()).isEqualTo(a.getShape());
        assertThat(b.toByteArray()).isEqualTo(a.toByteArray());
      }
      // In header order, as DJL's own decoder returned them.
      String header = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
      assertThat(back.stream().map(NDArray::getName).toList())
          .isSortedAccordingTo(
              (x, y) ->
                  Integer.compare(
                      header.indexOf("\"" + x + "\""), header.indexOf("\"" + y + "\"")));
    }
  }

  @Test
  void aHeaderOverTheLimitIsRefusedBeforeItIsRead() throws IOException {
    Path file =
        write(
            "big.safetensors",
            header("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}"),
            1);
    System.setProperty("plora.safetensors.maxHeaderBytes", "20");
    assertThatThrownBy(() -> read(file))
        .isInstanceOf(SafetensorsFormatException.class)
        .hasMessageStartingWith(file + ": the header is 53 bytes, over the limit of 20 bytes")
        .hasMessageContaining("-Dplora.safetensors.maxHeaderBytes=");
  }

  @Test
  void aHeaderLengthBeyondTheFileIsRefused() throws IOException {
    for (long length : new long[] {1L << 40, -1, Long.MAX_VALUE, 100}) {
      Path file = dir.resolve("len.safetensors");
      Files.write(
          file, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(length).array());
      assertThatThrownBy(() -> read(file))
          .isInstanceOf(SafetensorsFormatException.class)
          .hasMessageStartingWith(file + ": the header length " + Long.toUnsignedString(length))
          .hasMessageContaining("is more than the 8 bytes that follow it");
    }
    Path tiny = dir.resolve("tiny.safetensors");
    Files.write(tiny, new byte[5]);
    assertThatThrownBy(() -> read(tiny))
        .hasMessage(tiny + ": 5 bytes is too short for a safetensors file");
  }

  @Test
  void offsetsOutsideTheDataOrInconsistentWithTheShapeAreRefused() throws IOException {
    Path outside =
        write(
            "o.safetensors",
            header(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1024,1024],\"data_offsets\":[0,4194304]}}"),
            8);
    assertThatThrownBy(() -> read(outside))
        .isInstanceOf(SafetensorsFormatException.class)
        .hasMessage(
            outside
                + ": tensor 'a': data_offsets [0, 4194304] are not inside the data section of 8 bytes (truncated or malformed file)");
    Path mismatch =
        write(
            "m.safetensors",
            header("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}"),
            8);
    assertThatThrownBy(() -> read(mismatch))
        .hasMessage(
            mismatch
                + ": tensor 'a': data_offsets [0, 8] span 8 bytes, but float32 of shape [3] needs 12");
    Path overflow =
        write(
            "x.safetensors",
            header(
                "{\"a\":{\"dtype\":\"F64\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}"),
            8);
    assertThatThrownBy(() -> read(overflow))
        .hasMessage(overflow + ": tensor 'a': the shape's size overflows");
    Path negative =
        write(
            "n.safetensors",
            header("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}"),
            8);
    assertThatThrownBy(() -> read(negative))
        .hasMessage(negative + ": tensor 'a': shape[0] is -1, not a non-negative whole number");
    Path reversed =
        write(
            "r.safetensors",
            header("{\"a\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[4,2]}}"),
            8);
    assertThatThrownBy(() -> read(reversed))
        .hasMessageContaining("data_offsets [4, 2] are not inside");
  }

  @Test
  void malformedHeadersAreRefusedNamingTheFile() throws IOException {
    String[][] cases = {
      {"{\"a\":1}", "tensor 'a' is not a JSON object"},
      {"[]", "the header is not a JSON object"},
      {
        "{\"a\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[0,2]}}",
        "dtype 'BF16' is not one plora reads"
      },
      {"{\"a\":{\"shape\":[1],\"data_offsets\":[0,2]}}", "dtype is missing"},
      {
        "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0]}}",
        "data_offsets is missing or not an array of 2 numbers"
      },
      {"{\"a\":{\"dtype\":\"U8\",\"shape\":[1.5],\"data_offsets\":[0,1]}}", "shape[0] is 1.5"},
      {"{\"a\":{},\"a\":{}}", "not valid JSON: Duplicate field 'a'"},
      {"{\"__metadata__\":{\"k\":1}}", "__metadata__.k is not a string"},
      {"{} trailing", "not valid JSON"},
      {
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "not valid JSON"
      },
    };
    for (String[] c : cases) {
      Path file = write("h.safetensors", header(c[0]), 8);
      assertThatThrownBy(() -> read(file))
          .as(c[0])
          .isInstanceOf(SafetensorsFormatException.class)
          .hasMessageStartingWith(file + ": ")
          .hasMessageContaining(c[1]);
    }
    byte[] badUtf8 = header("{\"a\u00e9\":{}}");
    badUtf8[10] = (byte) 0xFF;
    Path file = write("u.safetensors", badUtf8, 0);
    assertThatThrownBy(() -> read(file)).hasMessage(file + ": the header is not valid UTF-8");
  }

  @Test
  void booleansOtherThanZeroOrOneAreRefused() throws IOException {
    byte[] h = header("{\"b\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]}}");
    Path file = dir.resolve("b.safetensors");
    Files.write(file, ByteBuffer.allocate(h.length + 2).put(h).put((byte) 1).put((byte) 7).array());
    assertThatThrownBy(() -> read(file))
        .hasMessage(file + ": tensor 'b': BOOL element 1 is 7, not 0 or 1");
  }

  private void read(Path file) {
    try (NDManager m = NDManager.newBaseManager()) {
      Safetensors.read(file, m);
    }
  }

  /** The length field and header of a file, padded as the reference writer pads. */
  private static byte[] header(String json) {
    byte[] h = json.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + h.length)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putLong(h.length)
        .put(h)
        .array();
  }

  private Path write(String name, byte[] header, int dataBytes) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, ByteBuffer.allocate(header.length + dataBytes).put(header).array());
    return file;
  }

  private static NDArray named(NDArray a, String name) {
    a.setName(name);
    return a;
  }
}
