package dev.plora.engine.onnx;

import ai.djl.ndarray.types.DataType;
import dev.plora.engine.onnx.proto.TensorProto;

/** The mapping between ONNX element types and DJL data types, for the types plora executes. */
public final class TensorDataType {
  private TensorDataType() {}

  /** The DJL type of an ONNX element type; an unsupported one names the tensor. */
  public static DataType toDjl(int onnxType, String tensorName) {
    TensorProto.DataType t = TensorProto.DataType.forNumber(onnxType);
    if (t == null) {
      throw new OnnxFormatException(
          "tensor '" + tensorName + "': unknown element type " + onnxType);
    }
    switch (t) {
      case FLOAT:
        return DataType.FLOAT32;
      case DOUBLE:
        return DataType.FLOAT64;
      case FLOAT16:
        return DataType.FLOAT16;
      case INT64:
        return DataType.INT64;
      case INT32:
        return DataType.INT32;
      case BFLOAT16:
      case INT16:
        // DJL's PyTorch engine (0.36) aborts the whole process, uncatchably, when it creates or
        // casts to either type: refused here, where the error can still name the tensor.
        throw new OnnxFormatException(
            "tensor '"
                + tensorName
                + "': element type "
                + t
                + " is not supported (the PyTorch engine cannot hold it)");
      case INT8:
        return DataType.INT8;
      case UINT8:
        return DataType.UINT8;
      case BOOL:
        return DataType.BOOLEAN;
      default:
        throw new OnnxFormatException(
            "tensor '" + tensorName + "': element type " + t + " is not supported yet");
    }
  }

  /** The ONNX element type of a DJL data type. */
  public static int toOnnx(DataType type) {
    switch (type) {
      case FLOAT32:
        return TensorProto.DataType.FLOAT_VALUE;
      case FLOAT64:
        return TensorProto.DataType.DOUBLE_VALUE;
      case FLOAT16:
        return TensorProto.DataType.FLOAT16_VALUE;
      case BFLOAT16:
        return TensorProto.DataType.BFLOAT16_VALUE;
      case INT64:
        return TensorProto.DataType.INT64_VALUE;
      case INT32:
        return TensorProto.DataType.INT32_VALUE;
      case INT16:
        return TensorProto.DataType.INT16_VALUE;
      case INT8:
        return TensorProto.DataType.INT8_VALUE;
      case UINT8:
        return TensorProto.DataType.UINT8_VALUE;
      case BOOLEAN:
        return TensorProto.DataType.BOOL_VALUE;
      default:
        throw new IllegalArgumentException("no ONNX element type for DJL type " + type);
    }
  }

  /** The ONNX name of an element type ("FLOAT", "INT64", …), for listings. */
  public static String onnxName(int onnxType) {
    TensorProto.DataType t = TensorProto.DataType.forNumber(onnxType);
    return t == null ? "UNKNOWN(" + onnxType + ")" : t.name();
  }
}
