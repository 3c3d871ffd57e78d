package dev.plora.engine.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.protobuf.ByteString;
import dev.plora.engine.base.OwnedArrays;
import dev.plora.engine.onnx.proto.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Converts between ONNX {@link TensorProto} and DJL {@link NDArray}, in both storage forms. */
public final class TensorCodec {
  private TensorCodec() {}

  /**
   * Decodes a tensor stored in {@code raw_data} (little-endian) or in the typed repeated fields.
   *
   * @throws OnnxFormatException for external data, unsupported types, or a value count that does
   *     not match the dims
   */
  public static NDArray decode(TensorProto t, NDManager manager) {
    String name = t.getName();
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
      throw new OnnxFormatException(
          "tensor '"
              + name
              + "' keeps its data in an external file; external-data tensors are not"
              + " supported yet (save the model with all tensors inside the .onnx file)");
    }
    DataType type = TensorDataType.toDjl(t.getDataType(), name);
    long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    for (long d : dims) {
      if (d < 0) {
        throw new OnnxFormatException("tensor '" + name + "' has a negative dimension " + d);
      }
    }
    Shape shape = new Shape(dims);
    long count = shape.size();
    int width = type.getNumOfBytes();
    ByteBuffer buf =
        ByteBuffer.allocateDirect(Math.toIntExact(count * width)).order(ByteOrder.LITTLE_ENDIAN);
    if (t.hasRawData()) {
      ByteString raw = t.getRawData();
      checkCount(name, raw.size() / width, count, raw.size() % width != 0);
      raw.copyTo(buf);
    } else {
      fillTyped(t, type, count, buf);
    }
    buf.rewind();
    return OwnedArrays.own(manager.create(buf, shape, type));
  }

  private static void fillTyped(TensorProto t, DataType type, long count, ByteBuffer buf) {
    String name = t.getName();
    switch (type) {
      case FLOAT32:
        checkCount(name, t.getFloatDataCount(), count, false);
        t.getFloatDataList().forEach(buf::putFloat);
        break;
      case FLOAT64:
        checkCount(name, t.getDoubleDataCount(), count, false);
        t.getDoubleDataList().forEach(buf::putDouble);
        break;
      case INT64:
        checkCount(name, t.getInt64DataCount(), count, false);
        t.getInt64DataList().forEach(buf::putLong);
        break;
      case INT32:
        checkCount(name, t.getInt32DataCount(), count, false);
        t.getInt32DataList().forEach(buf::putInt);
        break;
      case INT16:
      case FLOAT16:
      case BFLOAT16:
        // 16-bit types keep their bit pattern in the low half of each int32_data entry.
        checkCount(name, t.getInt32DataCount(), count, false);
        t.getInt32DataList().forEach(v -> buf.putShort((short) v.intValue()));
        break;
      case INT8:
      case UINT8:
      case BOOLEAN:
        checkCount(name, t.getInt32DataCount(), count, false);
        t.getInt32DataList().forEach(v -> buf.put((byte) v.intValue()));
        break;
      default:
        throw new OnnxFormatException(
            "tensor '" + name + "': type " + type + " is not supported yet");
    }
  }

  private static void checkCount(String name, long actual, long expected, boolean ragged) {
    if (ragged || actual != expected) {
      throw new OnnxFormatException(
          "tensor '"
              + name
              + "' holds "
              + actual
              + " values but its dims need "
              + expected
              + " (truncated or malformed tensor data)");
    }
  }

  /** The values of a float tensor on the host (any storage form), without creating an NDArray. */
  public static float[] decodeFloats(TensorProto t) {
    if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
      throw new OnnxFormatException("tensor '" + t.getName() + "' is not float");
    }
    if (t.hasRawData()) {
      java.nio.FloatBuffer fb =
          t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      float[] out = new float[fb.remaining()];
      fb.get(out);
      return out;
    }
    float[] out = new float[t.getFloatDataCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = t.getFloatData(i);
    }
    return out;
  }

  /** Encodes an array as a tensor with {@code raw_data}, the form exporters write. */
  public static TensorProto encode(String name, NDArray array) {
    ByteBuffer data = array.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    return TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorDataType.toOnnx(array.getDataType()))
        .addAllDims(dimsOf(array.getShape()))
        .setRawData(ByteString.copyFrom(data))
        .build();
  }

  /** A float tensor from Java values (raw_data form). */
  public static TensorProto floats(String name, long[] dims, float[] values) {
    ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      buf.putFloat(v);
    }
    return raw(name, TensorProto.DataType.FLOAT_VALUE, dims, buf);
  }

  /** A double tensor from Java values (raw_data form). */
  public static TensorProto doubles(String name, long[] dims, double[] values) {
    ByteBuffer buf = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      buf.putDouble(v);
    }
    return raw(name, TensorProto.DataType.DOUBLE_VALUE, dims, buf);
  }

  /** An int64 tensor from Java values (typed int64_data form). */
  public static TensorProto longs(String name, long[] dims, long... values) {
    TensorProto.Builder b =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE);
    for (long d : dims) {
      b.addDims(d);
    }
    for (long v : values) {
      b.addInt64Data(v);
    }
    return b.build();
  }

  private static TensorProto raw(String name, int type, long[] dims, ByteBuffer buf) {
    TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(type);
    for (long d : dims) {
      b.addDims(d);
    }
    buf.flip();
    return b.setRawData(ByteString.copyFrom(buf)).build();
  }

  /** The dims of a tensor as a long array. */
  public static long[] dims(TensorProto t) {
    return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
  }

  private static List<Long> dimsOf(Shape shape) {
    return java.util.Arrays.stream(shape.getShape()).boxed().toList();
  }
}
