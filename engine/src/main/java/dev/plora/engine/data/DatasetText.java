package dev.plora.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The characters of a dataset file, for the JSONL and CSV readers: UTF-8 decoded strictly (a
 * malformed byte sequence is an error naming the file and line, not a silent U+FFFD), a leading
 * byte-order mark dropped (editors on Windows write one, and it would otherwise become part of the
 * first column's name), and no line longer than {@link Dataset#MAX_LINE_CHARS} handed on, so a
 * reader above never buffers an unbounded line. Lines end at {@code \n}, {@code \r} or {@code
 * \r\n}, as they do for {@code BufferedReader} and the CSV parser.
 */
final class DatasetText extends Reader {
  private static final char BOM = '\uFEFF';

  private final InputStream in;
  private final String source;
  private final long maxLineChars;
  private final long maxBytes;
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final ByteBuffer bytes = ByteBuffer.allocate(8192);
  private final CharBuffer chars = CharBuffer.allocate(8192);
  private long bytesRead;
  private boolean endOfInput;
  private boolean flushed;
  private boolean started;
  private boolean malformedNext;
  private long line = 1;
  private long lineChars;
  private boolean afterCr;

  /**
   * @param in the file's bytes
   * @param source the file, for errors
   * @param maxLineChars the longest line accepted
   * @param maxBytes the most bytes read (the file's size was checked before; this holds a file that
   *     grows while read to the same bound)
   */
  DatasetText(InputStream in, String source, long maxLineChars, long maxBytes) {
    this.in = in;
    this.source = source;
    this.maxLineChars = maxLineChars;
    this.maxBytes = maxBytes;
    bytes.flip(); // empty, ready to be read from
    chars.flip();
  }

  @Override
  public int read(char[] buf, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (!chars.hasRemaining()) {
      if (!fill()) {
        return -1;
      }
    }
    int n = Math.min(len, chars.remaining());
    for (int i = 0; i < n; i++) {
      char c = chars.get();
      count(c);
      buf[off + i] = c;
    }
    return n;
  }

  /** Tracks the line of the next character and refuses one line too many characters long. */
  private void count(char c) {
    if (c == '\r' || (c == '\n' && !afterCr)) {
      line++;
      lineChars = 0;
    } else if (c != '\n' && ++lineChars > maxLineChars) {
      throw new DatasetException(
          source + ":" + line + ": " + Dataset.MAX_LINE_CHARS.describe("the line"));
    }
    afterCr = c == '\r';
  }

  /**
   * Decodes the next characters into {@code chars}; false at the end of the file. Characters
   * decoded before a malformed sequence are handed on first, so the error names the line the bad
   * bytes are on.
   */
  private boolean fill() throws IOException {
    while (!flushed) {
      if (malformedNext) {
        throw malformed();
      }
      chars.clear();
      decodeSome();
      chars.flip();
      if (!started && chars.hasRemaining()) {
        started = true;
        if (chars.get(chars.position()) == BOM) {
          chars.get();
        }
      }
      if (chars.hasRemaining()) {
        return true;
      }
    }
    return false;
  }

  private void decodeSome() throws IOException {
    while (chars.position() == 0) {
      CoderResult r = decoder.decode(bytes, chars, endOfInput);
      if (r.isError()) {
        if (chars.position() == 0) {
          throw malformed();
        }
        malformedNext = true;
        return;
      }
      if (r.isOverflow()) {
        return;
      }
      if (endOfInput) {
        decoder.flush(chars);
        flushed = true;
        return;
      }
      readBytes();
    }
  }

  private void readBytes() throws IOException {
    bytes.compact();
    int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
    if (n < 0) {
      endOfInput = true;
    } else {
      bytes.position(bytes.position() + n);
      bytesRead += n;
      if (bytesRead > maxBytes) {
        throw new DatasetException(source + ": " + Dataset.MAX_FILE_BYTES.describe("the file"));
      }
    }
    bytes.flip();
  }

  private DatasetException malformed() {
    return new DatasetException(
        source
            + ":"
            + line
            + ": not valid UTF-8 (a malformed or truncated byte sequence); save the file as UTF-8");
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
