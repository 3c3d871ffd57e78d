package dev.plora.engine.safetensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.base.OwnedArrays;
import dev.plora.engine.base.SizeLimit;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Reads a safetensors file: an 8-byte little-endian header length, the JSON header, then the data
 * section. The header length is checked against {@link #MAX_HEADER_BYTES} and the file's size
 * before the header is read, and every tensor's offsets against the data section before its bytes
 * are; each tensor is read into a buffer of exactly its size. (DJL's {@code NDList.decode} trusts
 * the header: it allocates whatever length and offsets the file claims, and takes other formats
 * too.)
 */
public final class Safetensors {
  /** 100 MB, as the reference (Rust) implementation: headers list names, types and offsets only. */
  public static final SizeLimit MAX_HEADER_BYTES =
      new SizeLimit("plora.safetensors.maxHeaderBytes", 100_000_000L, "bytes");

  private static final int LENGTH_BYTES = 8;

  private Safetensors() {}

  /**
   * The file's tensors, named, in header order, in {@code manager}.
   *
   * @throws SafetensorsFormatException naming the file (and tensor) when it cannot be read, is not
   *     valid safetensors, or exceeds a limit
   */
  public static NDList read(Path file, NDManager manager) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < LENGTH_BYTES) {
        throw new SafetensorsFormatException(
            file + ": " + size + " bytes is too short for a safetensors file");
      }
      long headerLength = read(ch, 0, LENGTH_BYTES, file).getLong();
      if (headerLength < 0 || headerLength > size - LENGTH_BYTES) {
        throw new SafetensorsFormatException(
            file
                + ": the header length "
                + Long.toUnsignedString(headerLength)
                + " is more than the "
                + (size - LENGTH_BYTES)
                + " bytes that follow it (truncated or not a safetensors file)");
      }
      if (MAX_HEADER_BYTES.exceededBy(headerLength)) {
        throw new SafetensorsFormatException(
            file + ": " + MAX_HEADER_BYTES.describe("the header", headerLength));
      }
      ByteBuffer header = read(ch, LENGTH_BYTES, (int) headerLength, file);
      long dataStart = LENGTH_BYTES + headerLength;
      List<SafetensorsEntry> entries =
          SafetensorsHeader.parse(header.array(), size - dataStart, file.toString());
      return tensors(ch, dataStart, entries, file, manager);
    } catch (NoSuchFileException e) {
      throw new SafetensorsFormatException(file + ": no such file", e);
    } catch (IOException e) {
      throw new SafetensorsFormatException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static NDList tensors(
      FileChannel ch, long dataStart, List<SafetensorsEntry> entries, Path file, NDManager manager)
      throws IOException {
    NDList out = new NDList(entries.size());
    try {
      for (SafetensorsEntry e : entries) {
        ByteBuffer data = direct(ch, dataStart + e.begin(), e.byteSize(), file);
        if (e.type() == DataType.BOOLEAN) {
          checkBooleans(data, e, file);
        }
        NDArray a = OwnedArrays.own(manager.create(data, new Shape(e.shape()), e.type()));
        a.setName(e.name());
        out.add(a);
      }
      return out;
    } catch (IOException | RuntimeException ex) {
      out.close();
      throw ex;
    }
  }

  /** PyTorch assumes a bool is 0 or 1; any other byte is undefined behaviour there. */
  private static void checkBooleans(ByteBuffer data, SafetensorsEntry e, Path file) {
    for (int i = 0; i < data.limit(); i++) {
      byte b = data.get(i);
      if (b != 0 && b != 1) {
        throw new SafetensorsFormatException(
            file + ": tensor '" + e.name() + "': BOOL element " + i + " is " + b + ", not 0 or 1");
      }
    }
  }

  /** {@code length} bytes at {@code position}, in a heap buffer (little-endian). */
  private static ByteBuffer read(FileChannel ch, long position, int length, Path file)
      throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    fill(ch, position, buf, file);
    return buf.rewind();
  }

  /** {@code length} bytes at {@code position}, in a direct buffer for the engine. */
  private static ByteBuffer direct(FileChannel ch, long position, int length, Path file)
      throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(length).order(ByteOrder.LITTLE_ENDIAN);
    fill(ch, position, buf, file);
    return buf.rewind();
  }

  private static void fill(FileChannel ch, long position, ByteBuffer buf, Path file)
      throws IOException {
    long at = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, at);
      if (n < 0) {
        throw new SafetensorsFormatException(file + ": ends early (the file shrank while read)");
      }
      at += n;
    }
  }
}
