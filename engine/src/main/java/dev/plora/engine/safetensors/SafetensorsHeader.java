package dev.plora.engine.safetensors;

import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The JSON header of a safetensors file: {@code {"name": {"dtype": "F32", "shape": [2, 3],
 * "data_offsets": [begin, end]}, …, "__metadata__": {"key": "value"}}}. Everything a header says is
 * checked against the data section it describes, so that a reader allocates only what the file
 * holds.
 */
final class SafetensorsHeader {
  private static final String METADATA = "__metadata__";

  /**
   * The most bytes one tensor may have: one direct buffer holds it on its way to the engine (and
   * Java buffers are int-indexed).
   */
  private static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE - 8;

  /**
   * A header is a flat object of small objects: deeper nesting, duplicate names or long numbers are
   * not safetensors, and are refused by the parser before they cost anything.
   */
  private static final ObjectMapper JSON =
      new ObjectMapper(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(8)
                          .maxNumberLength(32)
                          .build())
                  .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private SafetensorsHeader() {}

  /**
   * Parses and checks a header.
   *
   * @param header the header's bytes (UTF-8 JSON, possibly padded with spaces)
   * @param dataLength the size of the data section that follows the header
   * @param source the file, for errors
   * @return the tensors in the order the header lists them
   */
  static List<SafetensorsEntry> parse(byte[] header, long dataLength, String source) {
    JsonNode root;
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(header))
              .toString();
      root = JSON.readTree(text);
    } catch (CharacterCodingException e) {
      throw new SafetensorsFormatException(source + ": the header is not valid UTF-8", e);
    } catch (JsonProcessingException e) {
      throw new SafetensorsFormatException(
          source + ": the header is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new SafetensorsFormatException(source + ": the header is not a JSON object");
    }
    List<SafetensorsEntry> entries = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getKey().equals(METADATA)) {
        checkMetadata(field.getValue(), source);
      } else {
        entries.add(entry(field.getKey(), field.getValue(), dataLength, source));
      }
    }
    return entries;
  }

  private static void checkMetadata(JsonNode metadata, String source) {
    if (!metadata.isObject()) {
      throw new SafetensorsFormatException(source + ": " + METADATA + " is not a JSON object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = metadata.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new SafetensorsFormatException(
            source + ": " + METADATA + "." + e.getKey() + " is not a string");
      }
    }
  }

  private static SafetensorsEntry entry(
      String name, JsonNode node, long dataLength, String source) {
    String where = source + ": tensor '" + name + "'";
    if (!node.isObject()) {
      throw new SafetensorsFormatException(where + " is not a JSON object");
    }
    JsonNode dtype = node.get("dtype");
    if (dtype == null || !dtype.isTextual()) {
      throw new SafetensorsFormatException(where + ": dtype is missing or not a string");
    }
    DataType type = dataType(dtype.asText(), where);
    long[] shape = naturals(node.get("shape"), -1, where + ": shape");
    long[] offsets = naturals(node.get("data_offsets"), 2, where + ": data_offsets");
    long count = 1;
    long bytes;
    try {
      for (long d : shape) {
        count = Math.multiplyExact(count, d);
      }
      bytes = Math.multiplyExact(count, (long) type.getNumOfBytes());
    } catch (ArithmeticException e) {
      throw new SafetensorsFormatException(where + ": the shape's size overflows", e);
    }
    long begin = offsets[0];
    long end = offsets[1];
    if (begin > end || end > dataLength) {
      throw new SafetensorsFormatException(
          where
              + ": data_offsets ["
              + begin
              + ", "
              + end
              + "] are not inside the data section of "
              + dataLength
              + " bytes (truncated or malformed file)");
    }
    if (end - begin != bytes) {
      throw new SafetensorsFormatException(
          where
              + ": data_offsets ["
              + begin
              + ", "
              + end
              + "] span "
              + (end - begin)
              + " bytes, but "
              + type
              + " of shape "
              + java.util.Arrays.toString(shape)
              + " needs "
              + bytes);
    }
    if (bytes > MAX_TENSOR_BYTES) {
      throw new SafetensorsFormatException(
          where + " is " + bytes + " bytes; at most 2 GiB fit one tensor");
    }
    return new SafetensorsEntry(name, type, shape, begin, end);
  }

  /** An array of non-negative integers ({@code length} of them, or any number when -1). */
  private static long[] naturals(JsonNode node, int length, String what) {
    if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
      throw new SafetensorsFormatException(
          what + " is missing or not an array" + (length >= 0 ? " of " + length + " numbers" : ""));
    }
    long[] out = new long[node.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = node.get(i);
      if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
        throw new SafetensorsFormatException(
            what + "[" + i + "] is " + v + ", not a non-negative whole number");
      }
      out[i] = v.asLong();
    }
    return out;
  }

  /** The element types DJL's PyTorch engine holds, by their safetensors names. */
  private static DataType dataType(String dtype, String where) {
    switch (dtype) {
      case "F64":
        return DataType.FLOAT64;
      case "F32":
        return DataType.FLOAT32;
      case "F16":
        return DataType.FLOAT16;
      case "I64":
        return DataType.INT64;
      case "I32":
        return DataType.INT32;
      case "I8":
        return DataType.INT8;
      case "U8":
        return DataType.UINT8;
      case "BOOL":
        return DataType.BOOLEAN;
      default:
        // BF16 among them: DJL's PyTorch engine (0.36) aborts the process on it, uncatchably.
        throw new SafetensorsFormatException(
            where
                + ": dtype '"
                + dtype
                + "' is not one plora reads (F64, F32, F16, I64, I32, I8, U8, BOOL)");
    }
  }
}
