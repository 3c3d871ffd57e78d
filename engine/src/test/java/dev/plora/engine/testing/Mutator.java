package dev.plora.engine.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded, structure-aware mutation of valid inputs for the fuzz tests: the generic byte mutations
 * (bit flips, inserted and deleted bytes, truncation, a section duplicated) plus mutations that
 * know where a format keeps its sizes (protobuf varints, a little-endian length field, decimal
 * numbers in JSON or CSV) and overwrite them with extreme values. Deterministic: the same {@link
 * Random} state gives the same mutant.
 */
public final class Mutator {
  /** One way of changing an input. */
  @FunctionalInterface
  public interface Mutation {
    byte[] apply(byte[] input, Random random);
  }

  /** The values that break size arithmetic: zero, negative, int and long edges. */
  public static final long[] EXTREMES = {
    0,
    1,
    -1,
    127,
    128,
    255,
    65_535,
    Integer.MAX_VALUE,
    Integer.MIN_VALUE,
    1L << 31,
    1L << 32,
    (1L << 53) + 1,
    Long.MAX_VALUE,
    Long.MIN_VALUE
  };

  private final List<Mutation> mutations;

  private Mutator(List<Mutation> mutations) {
    this.mutations = List.copyOf(mutations);
  }

  /** The generic byte mutations only. */
  public static Mutator bytes() {
    return new Mutator(
        List.of(
            Mutator::flipBit,
            Mutator::insertBytes,
            Mutator::deleteRange,
            Mutator::truncate,
            Mutator::duplicateSection,
            Mutator::overwriteExtremeLittleEndian));
  }

  /** This mutator with format-aware mutations added (each as likely as one generic mutation). */
  public Mutator with(Mutation... extra) {
    List<Mutation> all = new ArrayList<>(mutations);
    all.addAll(Arrays.asList(extra));
    return new Mutator(all);
  }

  /** One to four stacked mutations of {@code seed}. */
  public byte[] mutate(byte[] seed, Random random) {
    byte[] out = seed;
    int rounds = 1 + random.nextInt(4);
    for (int i = 0; i < rounds; i++) {
      out = mutations.get(random.nextInt(mutations.size())).apply(out, random);
    }
    return out;
  }

  /** A random extreme value. */
  public static long extreme(Random random) {
    return EXTREMES[random.nextInt(EXTREMES.length)];
  }

  // ---- generic mutations ----

  static byte[] flipBit(byte[] in, Random r) {
    if (in.length == 0) {
      return in;
    }
    byte[] out = in.clone();
    int at = r.nextInt(out.length);
    out[at] ^= (byte) (1 << r.nextInt(8));
    return out;
  }

  static byte[] insertBytes(byte[] in, Random r) {
    byte[] add = new byte[1 + r.nextInt(r.nextBoolean() ? 4 : 64)];
    r.nextBytes(add);
    return splice(in, r.nextInt(in.length + 1), 0, add);
  }

  static byte[] deleteRange(byte[] in, Random r) {
    if (in.length == 0) {
      return in;
    }
    int at = r.nextInt(in.length);
    return splice(in, at, 1 + r.nextInt(Math.min(in.length - at, 64)), new byte[0]);
  }

  static byte[] truncate(byte[] in, Random r) {
    return Arrays.copyOf(in, in.length == 0 ? 0 : r.nextInt(in.length));
  }

  static byte[] duplicateSection(byte[] in, Random r) {
    if (in.length == 0) {
      return in;
    }
    int from = r.nextInt(in.length);
    int length = 1 + r.nextInt(Math.min(in.length - from, 256));
    return splice(in, r.nextInt(in.length + 1), 0, Arrays.copyOfRange(in, from, from + length));
  }

  /** An extreme value over 4 or 8 bytes anywhere: hits binary length and offset fields. */
  static byte[] overwriteExtremeLittleEndian(byte[] in, Random r) {
    int width = r.nextBoolean() ? 4 : 8;
    if (in.length < width) {
      return in;
    }
    byte[] out = in.clone();
    int at = r.nextInt(in.length - width + 1);
    long v = extreme(r);
    for (int i = 0; i < width; i++) {
      out[at + i] = (byte) (v >>> (8 * i));
    }
    return out;
  }

  // ---- format-aware mutations ----

  /**
   * Protobuf: a varint (a tag, a length prefix, a dims entry) replaced by an extreme value in
   * varint form, so the message still parses up to it and its sizes lie.
   */
  public static byte[] protobufVarint(byte[] in, Random r) {
    if (in.length == 0) {
      return in;
    }
    int at = r.nextInt(in.length);
    int end = at;
    while (end < in.length && end - at < 10 && (in[end] & 0x80) != 0) {
      end++;
    }
    end = Math.min(end + 1, in.length);
    return splice(in, at, end - at, varint(extreme(r)));
  }

  /** The 8-byte little-endian field at {@code offset} (a header length) set to an extreme. */
  public static Mutation littleEndianLong(int offset) {
    return (in, r) -> {
      if (in.length < offset + 8) {
        return in;
      }
      byte[] out = in.clone();
      long v = r.nextInt(4) == 0 ? in.length - 8 + r.nextInt(3) - 1 : extreme(r);
      for (int i = 0; i < 8; i++) {
        out[offset + i] = (byte) (v >>> (8 * i));
      }
      return out;
    };
  }

  /**
   * Text: a run of decimal digits (a shape, an offset, a count) replaced by an extreme value or a
   * malformed number.
   */
  public static byte[] decimalNumber(byte[] in, Random r) {
    List<int[]> runs = new ArrayList<>();
    for (int i = 0; i < in.length; i++) {
      if (in[i] >= '0' && in[i] <= '9') {
        int start = i;
        while (i < in.length && in[i] >= '0' && in[i] <= '9') {
          i++;
        }
        runs.add(new int[] {start, i});
      }
    }
    if (runs.isEmpty()) {
      return in;
    }
    int[] run = runs.get(r.nextInt(runs.size()));
    String[] odd = {"1e400", "-0", "1.5", "99999999999999999999999999", "NaN", "0x10", ""};
    String value = r.nextInt(3) == 0 ? odd[r.nextInt(odd.length)] : Long.toString(extreme(r));
    return splice(in, run[0], run[1] - run[0], value.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Text: one of {@code tokens} inserted at a random place (or at the very start, where a
   * byte-order mark or a bad first byte matters most).
   */
  public static Mutation insertToken(byte[]... tokens) {
    return (in, r) -> {
      byte[] token = tokens[r.nextInt(tokens.length)];
      int at = r.nextInt(4) == 0 ? 0 : r.nextInt(in.length + 1);
      return splice(in, at, 0, token);
    };
  }

  /** The tokens that matter to UTF-8 text formats: a BOM, malformed UTF-8, line ends, quotes. */
  public static byte[][] textTokens() {
    return new byte[][] {
      {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
      {(byte) 0xC3},
      {(byte) 0xFF},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate: not UTF-8
      {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80},
      {0},
      {'\r'},
      {'\n'},
      {'\r', '\n'},
      {'"'},
      {','},
      {'\t'},
      {'\\'},
      "{\"a\":".getBytes(StandardCharsets.US_ASCII),
      "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
          .getBytes(StandardCharsets.US_ASCII),
      "}".getBytes(StandardCharsets.US_ASCII),
      "\"label\": null".getBytes(StandardCharsets.US_ASCII),
    };
  }

  /** A long run of one byte (a long line, a deep nesting): {@code count} times {@code b}. */
  public static Mutation insertRun(byte b, int count) {
    return (in, r) -> {
      byte[] run = new byte[1 + r.nextInt(count)];
      Arrays.fill(run, b);
      return splice(in, r.nextInt(in.length + 1), 0, run);
    };
  }

  /** {@code in} with {@code remove} bytes at {@code at} replaced by {@code insert}. */
  public static byte[] splice(byte[] in, int at, int remove, byte[] insert) {
    byte[] out = new byte[in.length - remove + insert.length];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(in, at + remove, out, at + insert.length, in.length - at - remove);
    return out;
  }

  /** The protobuf varint encoding of {@code v} (negative values take ten bytes). */
  public static byte[] varint(long v) {
    byte[] buf = new byte[10];
    int n = 0;
    while ((v & ~0x7FL) != 0) {
      buf[n++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[n++] = (byte) v;
    return Arrays.copyOf(buf, n);
  }
}
