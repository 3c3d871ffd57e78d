package dev.plora.engine.base;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.nio.file.Path;

/**
 * The JSON mapping of plora's own files (run configs, metrics, plans, checkpoints): snake_case
 * names, indented output, and fields a reader does not know are ignored (a newer writer may add
 * some; every file names its format and version, which readers check).
 */
public final class Json {
  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          // Paths as the plain strings users write, not file: URIs.
          .registerModule(
              new SimpleModule().addSerializer(Path.class, ToStringSerializer.instance));

  private Json() {}
}
