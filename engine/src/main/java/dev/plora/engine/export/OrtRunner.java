package dev.plora.engine.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.plora.engine.base.OwnedArrays;
import dev.plora.engine.config.DeviceChoice;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an ONNX model in ONNX Runtime with DJL arrays in and out: the independent oracle plora's own
 * runtime and exports are checked against. On the CPU unless a device is given ({@link
 * OrtDevices}).
 */
public final class OrtRunner implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final OrtDevices.Provider provider;

  public OrtRunner(byte[] model, int intraOpThreads) {
    this(model, intraOpThreads, DeviceChoice.CPU);
  }

  /** With {@code device} auto or gpu, on ONNX Runtime's CUDA provider where there is one. */
  public OrtRunner(byte[] model, int intraOpThreads, DeviceChoice device) {
    try (OrtDevices.Options options = OrtDevices.options(device)) {
      this.provider = options.provider();
      if (intraOpThreads > 0) {
        options.session().setIntraOpNumThreads(intraOpThreads);
      }
      this.session = env.createSession(model, options.session());
    } catch (OrtException e) {
      throw new IllegalArgumentException(
          "ONNX Runtime cannot load the model: " + e.getMessage(), e);
    }
  }

  public OrtRunner(byte[] model) {
    this(model, 0);
  }

  /** Where the session runs. */
  public OrtDevices.Provider provider() {
    return provider;
  }

  /** Runs the model; every output is returned as an array attached to {@code manager}. */
  public Map<String, NDArray> run(NDManager manager, Map<String, NDArray> feeds) {
    List<OnnxTensor> tensors = new ArrayList<>();
    try {
      Map<String, OnnxTensor> in = new LinkedHashMap<>();
      for (Map.Entry<String, NDArray> e : feeds.entrySet()) {
        OnnxTensor t = toTensor(e.getValue());
        tensors.add(t);
        in.put(e.getKey(), t);
      }
      Map<String, NDArray> out = new LinkedHashMap<>();
      try (OrtSession.Result result = session.run(in)) {
        for (Map.Entry<String, OnnxValue> e : result) {
          out.put(e.getKey(), fromTensor((OnnxTensor) e.getValue(), manager));
        }
      }
      return out;
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
    } finally {
      tensors.forEach(OnnxTensor::close);
    }
  }

  private OnnxTensor toTensor(NDArray a) throws OrtException {
    long[] shape = a.getShape().getShape();
    ByteBuffer bytes = a.toByteBuffer().order(ByteOrder.nativeOrder());
    switch (a.getDataType()) {
      case FLOAT32:
        return OnnxTensor.createTensor(env, bytes.asFloatBuffer(), shape);
      case FLOAT64:
        return OnnxTensor.createTensor(env, bytes.asDoubleBuffer(), shape);
      case INT64:
        return OnnxTensor.createTensor(env, bytes.asLongBuffer(), shape);
      case INT32:
        return OnnxTensor.createTensor(env, bytes.asIntBuffer(), shape);
      case BOOLEAN:
        return OnnxTensor.createTensor(env, bytes, shape, OnnxJavaType.BOOL);
      case UINT8:
        return OnnxTensor.createTensor(env, bytes, shape, OnnxJavaType.UINT8);
      case INT8:
        return OnnxTensor.createTensor(env, bytes, shape, OnnxJavaType.INT8);
      default:
        throw new IllegalArgumentException("no ONNX Runtime tensor for " + a.getDataType());
    }
  }

  private static NDArray fromTensor(OnnxTensor t, NDManager manager) {
    DataType type;
    switch (t.getInfo().type) {
      case FLOAT:
        type = DataType.FLOAT32;
        break;
      case DOUBLE:
        type = DataType.FLOAT64;
        break;
      case INT64:
        type = DataType.INT64;
        break;
      case INT32:
        type = DataType.INT32;
        break;
      case BOOL:
        type = DataType.BOOLEAN;
        break;
      case UINT8:
        type = DataType.UINT8;
        break;
      case INT8:
        type = DataType.INT8;
        break;
      default:
        throw new IllegalArgumentException(
            "unsupported ONNX Runtime output type " + t.getInfo().type);
    }
    ByteBuffer raw = t.getByteBuffer().order(ByteOrder.nativeOrder());
    ByteBuffer direct = ByteBuffer.allocateDirect(raw.remaining()).order(ByteOrder.nativeOrder());
    direct.put(raw).rewind();
    return OwnedArrays.own(manager.create(direct, new Shape(t.getInfo().getShape()), type));
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
