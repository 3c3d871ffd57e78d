package dev.plora.engine.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.plora.engine.base.SizeLimit;
import dev.plora.engine.config.TextFields;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Labelled examples read from JSONL ({@code {"text": …, "label": …}}, optional {@code "text_pair"})
 * or CSV/TSV with a header row; field names are configurable. Every error names the file and line.
 *
 * <p>Files are untrusted input (uploaded to the mesh): the size is checked before reading ({@link
 * #MAX_FILE_BYTES}), text is strict UTF-8 with a leading byte-order mark dropped, and no line or
 * CSV field may exceed {@link #MAX_LINE_CHARS} (see {@link DatasetText}).
 */
public final class Dataset {
  /**
   * 1 GiB: every example is held in memory (as Java strings, up to twice the bytes), so a larger
   * file is more likely a mistake than a dataset.
   */
  public static final SizeLimit MAX_FILE_BYTES =
      new SizeLimit("plora.dataset.maxFileBytes", 1L << 30, "bytes");

  /**
   * 1 Mi characters per line (and per CSV field): far beyond any text a model with a few hundred
   * positions reads, small enough that one line cannot exhaust memory.
   */
  public static final SizeLimit MAX_LINE_CHARS =
      new SizeLimit("plora.dataset.maxLineChars", 1L << 20, "characters");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path source;
  private final List<Example> examples;

  public Dataset(Path source, List<Example> examples) {
    this.source = source;
    this.examples = List.copyOf(examples);
  }

  /** Reads a .jsonl/.json (one object per line) or .csv/.tsv file. */
  public static Dataset read(Path file, TextFields fields) {
    if (!Files.isRegularFile(file)) {
      throw new DatasetException(file + ": no such dataset file");
    }
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    List<Example> examples;
    try {
      long size = Files.size(file);
      if (MAX_FILE_BYTES.exceededBy(size)) {
        throw new DatasetException(file + ": " + MAX_FILE_BYTES.describe("the file", size));
      }
      if (name.endsWith(".csv") || name.endsWith(".tsv")) {
        examples = readCsv(file, fields, name.endsWith(".tsv") ? '\t' : ',');
      } else {
        examples = readJsonl(file, fields);
      }
    } catch (IOException e) {
      throw new DatasetException(file + ": cannot read: " + e.getMessage(), e);
    }
    if (examples.isEmpty()) {
      throw new DatasetException(file + ": the dataset is empty");
    }
    return new Dataset(file, examples);
  }

  private static List<Example> readJsonl(Path file, TextFields fields) throws IOException {
    List<Example> out = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(text(file))) {
      String line;
      long n = 0;
      while ((line = in.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
          throw new DatasetException(
              file + ":" + n + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (!node.isObject()) {
          throw new DatasetException(
              file + ":" + n + ": expected a JSON object, got " + node.getNodeType());
        }
        out.add(
            new Example(
                required(node, fields.text(), file, n),
                optional(node, fields.textPair()),
                required(node, fields.label(), file, n),
                n));
      }
    }
    return out;
  }

  private static List<Example> readCsv(Path file, TextFields fields, char separator)
      throws IOException {
    CsvSchema schema = CsvSchema.emptySchema().withHeader().withColumnSeparator(separator);
    // A quoted field may span lines: it is bounded as a line is.
    CsvMapper mapper =
        new CsvMapper(
            CsvFactory.builder()
                .streamReadConstraints(
                    StreamReadConstraints.builder()
                        .maxStringLength((int) Math.min(MAX_LINE_CHARS.value(), Integer.MAX_VALUE))
                        .build())
                .build());
    List<Example> out = new ArrayList<>();
    try (Reader in = text(file);
        MappingIterator<Map<String, String>> rows =
            mapper.readerFor(Map.class).with(schema).readValues(in)) {
      long n = 1; // the header is record 1
      while (true) {
        Map<String, String> row;
        try {
          if (!rows.hasNextValue()) {
            break;
          }
          n++;
          row = rows.nextValue();
        } catch (DatasetException e) {
          throw e; // from the text itself (encoding, line length): names the line
        } catch (IOException | RuntimeException e) {
          throw new DatasetException(
              file + ": record " + n + ": malformed CSV: " + e.getMessage(), e);
        }
        String text = row.get(fields.text());
        String label = row.get(fields.label());
        if (text == null || label == null) {
          throw new DatasetException(
              file
                  + ": record "
                  + n
                  + ": missing column '"
                  + (text == null ? fields.text() : fields.label())
                  + "' (columns: "
                  + row.keySet()
                  + ")");
        }
        if (label.isBlank()) {
          throw new DatasetException(file + ": record " + n + ": empty label");
        }
        String pair = fields.textPair() == null ? null : row.get(fields.textPair());
        out.add(new Example(text, pair == null || pair.isEmpty() ? null : pair, label, n));
      }
    }
    return out;
  }

  private static Reader text(Path file) throws IOException {
    return new DatasetText(
        Files.newInputStream(file),
        file.toString(),
        MAX_LINE_CHARS.value(),
        MAX_FILE_BYTES.value());
  }

  private static String required(JsonNode node, String field, Path file, long line) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new DatasetException(file + ":" + line + ": missing field '" + field + "'");
    }
    if (!v.isValueNode()) {
      throw new DatasetException(
          file + ":" + line + ": field '" + field + "' must be a string or number");
    }
    String s = v.asText();
    if (s.isEmpty()) {
      throw new DatasetException(file + ":" + line + ": field '" + field + "' is empty");
    }
    return s;
  }

  private static String optional(JsonNode node, String field) {
    if (field == null) {
      return null;
    }
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  public Path source() {
    return source;
  }

  public List<Example> examples() {
    return examples;
  }

  public int size() {
    return examples.size();
  }

  public Example get(int i) {
    return examples.get(i);
  }

  /** The examples at the given indices, as a dataset with the same source. */
  public Dataset subset(int[] indices) {
    List<Example> out = new ArrayList<>(indices.length);
    for (int i : indices) {
      out.add(examples.get(i));
    }
    return new Dataset(source, Collections.unmodifiableList(out));
  }

  /** Where an example came from, "file:line", for errors. */
  public String where(Example e) {
    return source + ":" + e.line();
  }
}
