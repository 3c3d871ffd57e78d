package dev.plora.engine.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.plora.engine.base.AtomicFiles;
import dev.plora.engine.base.SizeLimit;
import dev.plora.engine.onnx.proto.GraphProto;
import dev.plora.engine.onnx.proto.ModelProto;
import dev.plora.engine.onnx.proto.NodeProto;
import dev.plora.engine.onnx.proto.OperatorSetIdProto;
import dev.plora.engine.onnx.proto.TensorProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An ONNX model held as its protobuf message, with the name of the source it came from so that
 * every error can say which file is wrong.
 */
public final class OnnxModel {
  /**
   * The largest model file plora reads: the whole model is parsed onto the heap, so a service may
   * lower this. Models reach hundreds of MB (protobuf's own default of 64 MiB would reject them);
   * protobuf cannot read a message of 2 GiB or more at all, whatever this is set to.
   */
  public static final SizeLimit MAX_FILE_BYTES =
      new SizeLimit("plora.onnx.maxFileBytes", Integer.MAX_VALUE, "bytes");

  private final ModelProto proto;
  private final String source;
  private final Map<String, TensorProto> initializers;

  public OnnxModel(ModelProto proto, String source) {
    this.proto = Objects.requireNonNull(proto, "proto");
    this.source = Objects.requireNonNull(source, "source");
    if (!proto.hasGraph()) {
      throw new OnnxFormatException(source + ": not an ONNX model (no graph)");
    }
    Map<String, TensorProto> inits = new LinkedHashMap<>();
    for (TensorProto t : proto.getGraph().getInitializerList()) {
      inits.put(t.getName(), t);
    }
    this.initializers = Collections.unmodifiableMap(inits);
  }

  /**
   * Reads a model file; a truncated or malformed file gives an {@link OnnxFormatException} naming
   * it.
   */
  public static OnnxModel load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new OnnxFormatException(file + ": no such model file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      // The file's own size bounds every length field inside it: a field that claims more is
      // refused by protobuf before anything is allocated for it.
      return parse(in, file.toString(), checkSize(Files.size(file), file.toString()));
    } catch (IOException e) {
      throw new OnnxFormatException(file + ": cannot read model file: " + e.getMessage(), e);
    }
  }

  /** Parses a model from a stream; {@code source} names it in errors. */
  public static OnnxModel parse(InputStream in, String source) throws IOException {
    return parse(in, source, (int) Math.min(MAX_FILE_BYTES.value(), Integer.MAX_VALUE));
  }

  private static int checkSize(long size, String source) {
    if (MAX_FILE_BYTES.exceededBy(size)) {
      throw new OnnxFormatException(source + ": " + MAX_FILE_BYTES.describe("the model", size));
    }
    if (size > Integer.MAX_VALUE) {
      throw new OnnxFormatException(
          source
              + ": the model is "
              + size
              + " bytes; an ONNX file of 2 GiB or more cannot be read (such models keep their"
              + " weights in external data, which plora does not read yet)");
    }
    return (int) size;
  }

  private static OnnxModel parse(InputStream in, String source, int sizeLimit) throws IOException {
    CodedInputStream coded = CodedInputStream.newInstance(in);
    coded.setSizeLimit(sizeLimit);
    ModelProto proto;
    try {
      proto = ModelProto.parseFrom(coded);
    } catch (InvalidProtocolBufferException e) {
      throw new OnnxFormatException(
          source + ": malformed or truncated ONNX file (" + e.getMessage() + ")", e);
    }
    if (!proto.hasGraph() || proto.getGraph().getNodeCount() == 0) {
      throw new OnnxFormatException(
          source + ": malformed or truncated ONNX file (no graph or no nodes)");
    }
    return new OnnxModel(proto, source);
  }

  public static OnnxModel parse(byte[] bytes, String source) {
    try {
      return parse(
          new java.io.ByteArrayInputStream(bytes), source, checkSize(bytes.length, source));
    } catch (IOException e) {
      throw new OnnxFormatException(source + ": " + e.getMessage(), e);
    }
  }

  /** Writes the model atomically: a reader never sees a half-written file. */
  public void save(Path file) throws IOException {
    AtomicFiles.write(file, proto::writeTo);
  }

  public byte[] toByteArray() {
    return proto.toByteArray();
  }

  public ModelProto proto() {
    return proto;
  }

  public GraphProto graph() {
    return proto.getGraph();
  }

  public String source() {
    return source;
  }

  /** Initializers by name, in file order. */
  public Map<String, TensorProto> initializers() {
    return initializers;
  }

  /** The opset version imported for the default ("" or "ai.onnx") domain. */
  public int opset() {
    for (OperatorSetIdProto id : proto.getOpsetImportList()) {
      if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
        if (id.getVersion() < 1 || id.getVersion() > Integer.MAX_VALUE) {
          throw new OnnxFormatException(
              source + ": opset version " + id.getVersion() + " of the default domain is invalid");
        }
        return (int) id.getVersion();
      }
    }
    // Before opset imports existed (IR version < 3), opset 1 is implied.
    return 1;
  }

  /** The node that produces {@code valueName}, or null for graph inputs and initializers. */
  public NodeProto producerOf(String valueName) {
    for (NodeProto n : proto.getGraph().getNodeList()) {
      if (n.getOutputList().contains(valueName)) {
        return n;
      }
    }
    return null;
  }
}
