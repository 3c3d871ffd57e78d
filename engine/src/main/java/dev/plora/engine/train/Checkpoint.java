package dev.plora.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plora.engine.base.AtomicFiles;
import dev.plora.engine.lora.Parameter;
import dev.plora.engine.safetensors.Safetensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Training checkpoints in a directory: {@code step-NNNNNNN.safetensors} (parameters and both AdamW
 * moments, kept entries only) and {@code latest.json} pointing at the newest one (format {@code
 * plora-checkpoint}, version 1). Files are written atomically and the pointer last, so a crash
 * never leaves a checkpoint that resumes from half-written data. The two newest are kept.
 */
public final class Checkpoint {
  public static final String FORMAT = "plora-checkpoint";
  public static final int VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LATEST = "latest.json";

  private Checkpoint() {}

  /** What a checkpoint restores. */
  public record State(int step, String fingerprint) {}

  public static void save(
      Path dir,
      int step,
      String fingerprint,
      List<Parameter> params,
      AdamW optimizer,
      NDManager manager) {
    try {
      Files.createDirectories(dir);
      String file = String.format("step-%07d.safetensors", step);
      NDList list = new NDList();
      try (NDManager m = manager.newSubManager()) {
        for (Parameter p : params) {
          list.add(named(p.value().duplicate(), "param/" + p.name()));
        }
        optimizer.firstMoments().forEach((k, a) -> list.add(named(a.duplicate(), "adam_m/" + k)));
        optimizer.secondMoments().forEach((k, a) -> list.add(named(a.duplicate(), "adam_v/" + k)));
        list.forEach(a -> a.attach(m));
        AtomicFiles.write(dir.resolve(file), out -> list.encode(out, NDList.Encoding.SAFETENSORS));
      }
      ObjectNode meta =
          JSON.createObjectNode()
              .put("format", FORMAT)
              .put("version", VERSION)
              .put("step", step)
              .put("adam_steps", optimizer.steps())
              .put("fingerprint", fingerprint)
              .put("file", file);
      AtomicFiles.write(
          dir.resolve(LATEST), out -> JSON.writerWithDefaultPrettyPrinter().writeValue(out, meta));
      prune(dir, file);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write checkpoint to " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Whether {@code dir} holds a checkpoint to resume from. */
  public static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(LATEST));
  }

  /**
   * Restores parameters and optimizer state from the newest checkpoint; a checkpoint of another run
   * (different fingerprint: model, targets, masks, data or hyper-parameters) is refused.
   */
  public static State restore(
      Path dir, String fingerprint, List<Parameter> params, AdamW optimizer, NDManager manager) {
    Path pointer = dir.resolve(LATEST);
    JsonNode meta;
    try {
      meta = JSON.readTree(pointer.toFile());
    } catch (IOException e) {
      throw new TrainingException(
          pointer + ": unreadable checkpoint pointer: " + e.getMessage(), e);
    }
    if (!FORMAT.equals(meta.path("format").asText()) || meta.path("version").asInt() != VERSION) {
      throw new TrainingException(pointer + ": not a " + FORMAT + " version " + VERSION + " file");
    }
    if (!fingerprint.equals(meta.path("fingerprint").asText())) {
      throw new TrainingException(
          pointer
              + ": the checkpoint belongs to a run with another configuration"
              + " (model, targets, masks, data or hyper-parameters differ); train into a new directory, or start over instead of resuming");
    }
    Path file = dir.resolve(meta.path("file").asText());
    NDList list;
    try {
      list = Safetensors.read(file, manager);
    } catch (RuntimeException e) {
      throw new TrainingException("unreadable checkpoint: " + e.getMessage(), e);
    }
    Map<String, NDArray> m = new LinkedHashMap<>();
    Map<String, NDArray> v = new LinkedHashMap<>();
    for (Parameter p : params) {
      NDArray value = list.get("param/" + p.name());
      if (value == null || !value.getShape().equals(p.value().getShape())) {
        throw new TrainingException(
            file + ": parameter " + p.name() + " is missing or has another shape");
      }
      p.set(value);
      NDArray mi = list.get("adam_m/" + p.name());
      NDArray vi = list.get("adam_v/" + p.name());
      if (mi != null && vi != null) {
        m.put(p.name(), mi);
        v.put(p.name(), vi);
      }
    }
    optimizer.restore(meta.path("adam_steps").asInt(), m, v);
    return new State(meta.path("step").asInt(), fingerprint);
  }

  private static void prune(Path dir, String newest) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> old =
          files
              .filter(p -> p.getFileName().toString().matches("step-\\d+\\.safetensors"))
              .sorted()
              .toList();
      for (int i = 0; i < old.size() - 2; i++) {
        if (!old.get(i).getFileName().toString().equals(newest)) {
          Files.deleteIfExists(old.get(i));
        }
      }
    }
  }

  private static NDArray named(NDArray a, String name) {
    a.setName(name);
    return a;
  }
}
