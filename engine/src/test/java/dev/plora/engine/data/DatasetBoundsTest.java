package dev.plora.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plora.engine.config.TextFields;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Datasets are read strictly and boundedly: bad UTF-8 and over-long lines are errors naming the
 * file and line, a byte-order mark is dropped, a file over the size limit is refused unread.
 */
class DatasetBoundsTest {
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  @TempDir Path dir;

  @AfterEach
  void restoreTheLimits() {
    System.clearProperty("plora.dataset.maxLineChars");
    System.clearProperty("plora.dataset.maxFileBytes");
  }

  @Test
  void aByteOrderMarkIsDroppedFromTheCsvHeaderAndTheFirstJsonLine() throws IOException {
    Path csv = write("bom.csv", BOM, utf8("text,label\nnice,pos\n"));
    Dataset d = Dataset.read(csv, TextFields.DEFAULT);
    assertThat(d.get(0).text()).isEqualTo("nice");
    assertThat(d.get(0).line()).isEqualTo(2);
    Path jsonl = write("bom.jsonl", BOM, utf8("{\"text\": \"a\", \"label\": \"x\"}\n"));
    assertThat(Dataset.read(jsonl, TextFields.DEFAULT).get(0).text()).isEqualTo("a");
    Path tsv = write("bom.tsv", BOM, utf8("text\tlabel\nb\ty\n"));
    assertThat(Dataset.read(tsv, TextFields.DEFAULT).get(0).label()).isEqualTo("y");
  }

  @Test
  void malformedUtf8NamesTheFileAndLine() throws IOException {
    byte[] bad = {'c', 'a', 'f', (byte) 0xC3, '"'}; // a truncated two-byte sequence
    Path jsonl =
        write(
            "bad.jsonl",
            utf8("{\"text\": \"a\", \"label\": \"x\"}\r\n\n{\"text\": \""),
            bad,
            utf8(", \"label\": \"y\"}\n"));
    assertThatThrownBy(() -> Dataset.read(jsonl, TextFields.DEFAULT))
        .isInstanceOf(DatasetException.class)
        .hasMessage(
            jsonl
                + ":3: not valid UTF-8 (a malformed or truncated byte sequence); save the file as"
                + " UTF-8");
    Path csv = write("bad.csv", utf8("text,label\nok,1\n\"two\nlines\",2\n"), bad, utf8(",3\n"));
    assertThatThrownBy(() -> Dataset.read(csv, TextFields.DEFAULT))
        .isInstanceOf(DatasetException.class)
        .hasMessageStartingWith(csv + ":5: not valid UTF-8");
    // Latin-1 text, the usual culprit, at the very start of a long file.
    ByteArrayOutputStream big = new ByteArrayOutputStream();
    big.write(new byte[] {(byte) 0xE9, ',', 'l', '\n'});
    for (int i = 0; i < 5000; i++) {
      big.write(utf8("text number " + i + ",label\n"));
    }
    Path latin1 = write("latin1.csv", big.toByteArray());
    assertThatThrownBy(() -> Dataset.read(latin1, TextFields.DEFAULT))
        .hasMessageStartingWith(latin1 + ":1: not valid UTF-8");
    // A four-byte character split across the reader's buffers is still valid.
    StringBuilder s = new StringBuilder("{\"text\": \"");
    s.append("x".repeat(8180)).append("\uD83D\uDE00\", \"label\": \"x\"}\n");
    Path emoji = write("emoji.jsonl", utf8(s.toString()));
    assertThat(Dataset.read(emoji, TextFields.DEFAULT).get(0).text()).endsWith("\uD83D\uDE00");
  }

  @Test
  void aLineOverTheLimitNamesTheFileLineAndLimit() throws IOException {
    System.setProperty("plora.dataset.maxLineChars", "64");
    String ok = "{\"text\": \"" + "a".repeat(30) + "\", \"label\": \"x\"}\n";
    Path jsonl = write("long.jsonl", utf8(ok + ok + "{\"text\": \"" + "a".repeat(100) + "\"}\n"));
    assertThatThrownBy(() -> Dataset.read(jsonl, TextFields.DEFAULT))
        .isInstanceOf(DatasetException.class)
        .hasMessage(
            jsonl
                + ":3: the line is over the limit of 64 characters (raise it with"
                + " -Dplora.dataset.maxLineChars=<characters>)");
    Path csv = write("long.csv", utf8("text,label\n" + "b".repeat(65) + ",x\n"));
    assertThatThrownBy(() -> Dataset.read(csv, TextFields.DEFAULT))
        .hasMessageStartingWith(csv + ":2: the line is over the limit of 64 characters");
    // A quoted CSV field spanning lines is bounded too.
    Path field = write("field.csv", utf8("text,label\n\"" + "c\n".repeat(2000) + "\",x\n"));
    assertThatThrownBy(() -> Dataset.read(field, TextFields.DEFAULT))
        .isInstanceOf(DatasetException.class)
        .hasMessageStartingWith(field + ": record 2: malformed CSV")
        .hasMessageContaining("64");
  }

  @Test
  void aFileOverTheSizeLimitIsRefusedUnread() throws IOException {
    Path file = write("d.jsonl", utf8("{\"text\": \"a\", \"label\": \"x\"}\n"));
    System.setProperty("plora.dataset.maxFileBytes", "10");
    assertThatThrownBy(() -> Dataset.read(file, TextFields.DEFAULT))
        .isInstanceOf(DatasetException.class)
        .hasMessage(
            file
                + ": the file is 28 bytes, over the limit of 10 bytes (raise it with"
                + " -Dplora.dataset.maxFileBytes=<bytes>)");
  }

  @Test
  void lineNumbersCountEveryKindOfLineEnd() throws IOException {
    Path mixed =
        write(
            "mixed.jsonl",
            utf8(
                "{\"text\": \"a\", \"label\": \"x\"}\r\n\r{\"text\": \"b\", \"label\": \"y\"}\n\n{\"text\": \"c\"}\n"));
    assertThatThrownBy(() -> Dataset.read(mixed, TextFields.DEFAULT))
        .hasMessage(mixed + ":5: missing field 'label'");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private Path write(String name, byte[]... parts) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.write(p);
    }
    Path file = dir.resolve(name);
    Files.write(file, out.toByteArray());
    return file;
  }
}
