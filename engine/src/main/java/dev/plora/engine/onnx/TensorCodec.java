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
import java.util.Arrays;
import java.util.List;

/** Converts between ONNX {@link TensorProto} and DJL {@link NDArray}, in both storage forms. */
public final class TensorCodec {
  private TensorCodec() {}

  /**
   * Decodes a tensor stored in {@code raw_data} (little-endian) or in the typed repeated fields.
   * The dims are checked against the values actually present before anything is allocated: a tensor
   * that claims more elements than it holds is refused, however large its dims.
   *
   * @throws OnnxFormatException for external data, unsupported types, invalid dims, or a value
   *     count that does not match the dims
   */
  public static NDArray decode(TensorProto t, NDManager manager) {
    long count = checkedCount(t);
    DataType type = TensorDataType.toDjl(t.getDataType(), t.getName());
    ByteBuffer buf =
        ByteBuffer.allocateDirect((int) (count * type.getNumOfBytes()))
            .order(ByteOrder.LITTLE_ENDIAN);
    if (t.hasRawData()) {
      t.getRawData().copyTo(buf);
    } else {
      fillTyped(t, type, buf);
    }
    buf.rewind();
    return OwnedArrays.own(manager.create(buf, new Shape(dims(t)), type));
  }

  /**
   * The element count of a tensor that {@link #decode} can read: in the file, of a supported type,
   * with dims that match the values present and that fit one buffer. Nothing is allocated; a reader
   * that sizes anything from a tensor's dims checks them here first.
   *
   * @throws OnnxFormatException naming the tensor otherwise
   */
  public static long checkedCount(TensorProto t) {
    String name = t.getName();
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
      throw new OnnxFormatException(
          "tensor '"
              + name
              + "' keeps its data in an external file; external-data tensors are not"
              + " supported yet (save the model with all tensors inside the .onnx file)");
    }
    DataType type = TensorDataType.toDjl(t.getDataType(), name);
    long count = elementCount(name, dims(t));
    int width = type.getNumOfBytes();
    if (t.hasRawData()) {
      long size = t.getRawData().size();
      checkCount(name, size / width, count, size % width != 0);
    } else {
      checkCount(name, typedCount(t, type), count, false);
    }
    // Both counts above are bounded by the message, but eight-byte elements may still not fit one
    // buffer.
    if (count * width > Integer.MAX_VALUE) {
      throw new OnnxFormatException(
          "tensor '" + name + "' is " + count * width + " bytes; at most 2 GiB fit one tensor");
    }
    return count;
  }

  /**
   * The number of elements the dims describe; negative dims and a product that overflows are errors
   * naming the tensor.
   */
  public static long elementCount(String name, long[] dims) {
    long count = 1;
    for (long d : dims) {
      if (d < 0) {
        throw new OnnxFormatException("tensor '" + name + "' has a negative dimension " + d);
      }
      try {
        count = Math.multiplyExact(count, d);
      } catch (ArithmeticException e) {
        throw new OnnxFormatException(
            "tensor '" + name + "' has dims " + Arrays.toString(dims) + " whose product overflows");
      }
    }
    return count;
  }

  /** How many values the typed field that holds {@code type} has. */
  private static long typedCount(TensorProto t, DataType type) {
    switch (type) {
      case FLOAT32:
        return t.getFloatDataCount();
      case FLOAT64:
        return t.getDoubleDataCount();
      case INT64:
        return t.getInt64DataCount();
      case INT32:
      case FLOAT16:
      case INT8:
      case UINT8:
      case BOOLEAN:
        return t.getInt32DataCount();
      default:
        throw new OnnxFormatException(
            "tensor '" + t.getName() + "': type " + type + " is not supported yet");
    }
  }

  private static void fillTyped(TensorProto t, DataType type, ByteBuffer buf) {
    switch (type) {
      case FLOAT32:
        t.getFloatDataList().forEach(buf::putFloat);
        break;
      case FLOAT64:
        t.getDoubleDataList().forEach(buf::putDouble);
        break;
      case INT64:
        t.getInt64DataList().forEach(buf::putLong);
        break;
      case INT32:
        t.getInt32DataList().forEach(buf::putInt);
        break;
      case FLOAT16:
        // 16-bit types keep their bit pattern in the low half of each int32_data entry.
        t.getInt32DataList().forEach(v -> buf.putShort((short) v.intValue()));
        break;
      default: // INT8, UINT8, BOOLEAN: typedCount refused every other type
        t.getInt32DataList().forEach(v -> buf.put((byte) v.intValue()));
        break;
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

  /**
   * The values of a float tensor on the host (any storage form), without creating an NDArray; the
   * value count must match the dims.
   */
  public static float[] decodeFloats(TensorProto t) {
    String name = t.getName();
    if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
      throw new OnnxFormatException("tensor '" + name + "' is not float");
    }
    long count = elementCount(name, dims(t));
    if (t.hasRawData()) {
      long size = t.getRawData().size();
      checkCount(name, size / 4, count, size % 4 != 0);
      java.nio.FloatBuffer fb =
          t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      float[] out = new float[fb.remaining()];
      fb.get(out);
      return out;
    }
    checkCount(name, t.getFloatDataCount(), count, false);
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
    return Arrays.stream(shape.getShape()).boxed().toList();
  }
}
