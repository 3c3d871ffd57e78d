package dev.plora.engine.fuzz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.plora.engine.safetensors.Safetensors;
import dev.plora.engine.safetensors.SafetensorsFormatException;
import dev.plora.engine.testing.FuzzHarness;
import dev.plora.engine.testing.Mutator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated safetensors files (adapters, masks, checkpoints are all read by the one reader): the
 * header length, the header's JSON (with its length kept consistent, so the mutation reaches the
 * checks of shapes, types and offsets) and the data section.
 */
class SafetensorsFuzzTest {
  @TempDir Path dir;

  @Test
  @Timeout(120)
  void everyMutantIsReadOrRefusedWithASafetensorsError() throws IOException {
    List<byte[]> seeds;
    try (NDManager m = NDManager.newBaseManager()) {
      seeds = List.of(adapterLike(m), withMetadata());
    }
    Mutator.Mutation inHeader =
        header(
            (h, r) ->
                switch (r.nextInt(3)) {
                  case 0 -> Mutator.decimalNumber(h, r);
                  case 1 -> replaceWord(h, r);
                  default -> Mutator.bytes().mutate(h, r);
                });
    Mutator mutator =
        Mutator.bytes().with(Mutator.littleEndianLong(0), inHeader, inHeader, inHeader, inHeader);
    Path file = dir.resolve("mutant.safetensors");
    try (NDManager manager = NDManager.newBaseManager()) {
      FuzzHarness.run(
          "safetensors",
          seeds,
          mutator,
          1500,
          t -> t instanceof SafetensorsFormatException && t.getMessage().startsWith(file + ":"),
          bytes -> {
            Files.write(file, bytes);
            try (NDManager m = manager.newSubManager()) {
              Safetensors.read(file, m);
            }
          });
    }
  }

  /** A file as plora writes one: several types, a 2-d float matrix, a uint8 mask. */
  private static byte[] adapterLike(NDManager m) throws IOException {
    NDList list = new NDList();
    list.add(named(m.create(new float[] {1, 2, 3, 4, 5, 6}).reshape(2, 3), "q.lora_A"));
    list.add(named(m.create(new byte[] {1, 0, 1}).toType(DataType.UINT8, false), "q.mask"));
    list.add(named(m.create(new long[] {7, -1}), "steps"));
    list.add(named(m.create(new float[] {0.5f, 2}).toType(DataType.FLOAT16, false), "half"));
    list.add(named(m.create(new boolean[] {true, false}), "flags"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    list.encode(out, NDList.Encoding.SAFETENSORS);
    return out.toByteArray();
  }

  /** A file as the Python library writes one: sorted, with metadata and a padded header. */
  private static byte[] withMetadata() {
    String json =
        "{\"__metadata__\":{\"format\":\"pt\"},"
            + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"I64\",\"shape\":[1,1],\"data_offsets\":[8,16]}}    ";
    return file(json.getBytes(StandardCharsets.UTF_8), new byte[16]);
  }

  private static NDArray named(NDArray a, String name) {
    a.setName(name);
    return a;
  }

  /**
   * A mutation of the header's JSON alone, with the length field rewritten to match: the file stays
   * well-framed, so the mutation reaches the header's checks rather than the framing's.
   */
  private static Mutator.Mutation header(Mutator.Mutation inner) {
    return (in, r) -> {
      if (in.length < 8) {
        return in;
      }
      long length = ByteBuffer.wrap(in, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      if (length < 0 || length > in.length - 8) {
        return in;
      }
      byte[] header = Arrays.copyOfRange(in, 8, 8 + (int) length);
      byte[] data = Arrays.copyOfRange(in, 8 + (int) length, in.length);
      return file(inner.apply(header, r), data);
    };
  }

  /**
   * Words a mutation swaps for one another: dtypes of one width (the file stays consistent, so the
   * type itself is what is tested), all dtypes, and the header's keys.
   */
  private static final String[][] SWAPS = {
    {"F16", "BF16", "I16", "U16"},
    {"F32", "I32", "U32"},
    {"F64", "I64", "U64"},
    {"U8", "I8", "BOOL", "F8_E4M3"},
    {"F32", "F64", "F16", "BF16", "I64", "I32", "I8", "U8", "BOOL", "I16", ""},
    {"shape", "data_offsets", "dtype", "__metadata__"},
  };

  /** A dtype name or a key replaced by another (or by nothing). */
  private static byte[] replaceWord(byte[] header, Random r) {
    String text = new String(header, StandardCharsets.ISO_8859_1);
    String[] group = SWAPS[r.nextInt(SWAPS.length)];
    String from = "\"" + group[r.nextInt(group.length)] + "\"";
    String to = "\"" + group[r.nextInt(group.length)] + "\"";
    int at = text.indexOf(from);
    return at < 0
        ? header
        : Mutator.splice(header, at, from.length(), to.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static byte[] file(byte[] header, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length);
    b.order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).put(header).put(data);
    return b.array();
  }
}
