package dev.plora.jobs;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

/**
 * Kafka payloads are the {@code plora.v1} messages in proto3 JSON: readable with kcat, one schema.
 */
public final class ProtoJson {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Printer PRETTY = JsonFormat.printer();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();
  private static final JsonFormat.Parser LENIENT = JsonFormat.parser().ignoringUnknownFields();

  public static String print(Message m) {
    try {
      return PRINTER.print(m);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "cannot print " + m.getDescriptorForType().getFullName() + " as JSON", e);
    }
  }

  public static String pretty(Message m) {
    try {
      return PRETTY.print(m);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "cannot print " + m.getDescriptorForType().getFullName() + " as JSON", e);
    }
  }

  /**
   * Parses proto3 JSON into a builder of the expected type. Unknown fields are errors, so a
   * misspelt option is reported instead of silently falling back to its default. The text is
   * bounded before it is parsed ({@link JsonBounds}: size and nesting).
   *
   * @throws IllegalArgumentException naming the message type and what the parser objected to
   */
  public static <B extends Message.Builder> B parse(String json, B builder) {
    return merge(PARSER, json, builder);
  }

  /**
   * As {@link #parse}, but skipping unknown fields: to recover a record's identity when strict
   * parsing failed.
   */
  public static <B extends Message.Builder> B parseLenient(String json, B builder) {
    return merge(LENIENT, json, builder);
  }

  private static <B extends Message.Builder> B merge(
      JsonFormat.Parser parser, String json, B builder) {
    String problem = JsonBounds.check(json);
    if (problem != null) {
      throw new IllegalArgumentException(
          "not a valid " + builder.getDescriptorForType().getFullName() + ": " + problem);
    }
    try {
      parser.merge(json, builder);
      return builder;
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new IllegalArgumentException(
          "not a valid "
              + builder.getDescriptorForType().getFullName()
              + " in proto3 JSON: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Runs each message through the printer and the strict parser once. JsonFormat builds its
   * per-type tables on first use (0.38 s measured in a fresh JVM), which otherwise lands on the
   * first task or outcome a service handles; services call this at startup with filled-in examples.
   */
  public static void warmUp(Message... examples) {
    for (Message m : examples) {
      Message back = parse(print(m), m.newBuilderForType()).build();
      if (!back.equals(m)) {
        throw new IllegalStateException(
            m.getDescriptorForType().getFullName() + " does not survive a JSON round trip");
      }
    }
  }

  private ProtoJson() {}
}
