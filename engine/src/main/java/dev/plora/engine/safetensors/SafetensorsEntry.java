package dev.plora.engine.safetensors;

import ai.djl.ndarray.types.DataType;

/**
 * One tensor of a safetensors header, checked: its bytes lie inside the data section and are
 * exactly its element count times the width of its type.
 *
 * @param name the tensor's name
 * @param type its element type
 * @param shape its dims, none negative
 * @param begin the offset of its first byte in the data section (after the header)
 * @param end the offset one past its last byte
 */
record SafetensorsEntry(String name, DataType type, long[] shape, long begin, long end) {
  /** The tensor's size in bytes; fits one buffer (checked when the header was read). */
  int byteSize() {
    return (int) (end - begin);
  }
}
