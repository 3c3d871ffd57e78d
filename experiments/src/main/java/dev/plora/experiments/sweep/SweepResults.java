package dev.plora.experiments.sweep;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads back the {@code results.csv} a sweep wrote, and merges several: seeds run at different
 * times or on different machines become one report. A run is identified by strategy, seed and
 * budget (τ, IMP's kept fraction, or the density asked for); when two files hold the same run, the
 * later file's row wins, in the place of the earlier one.
 */
public final class SweepResults {
  private static final List<String> COLUMNS =
      List.of(
          "strategy",
          "density",
          "tau",
          "seed",
          "trainable_params",
          "adapter_params",
          "kept_fraction",
          "accuracy",
          "macro_f1",
          "mcc",
          "wall_seconds");

  private SweepResults() {}

  /** The rows of one results.csv; errors name the file, the record and the column. */
  public static List<SweepRow> read(Path csv) {
    CsvSchema schema = CsvSchema.emptySchema().withHeader();
    List<SweepRow> rows = new ArrayList<>();
    try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
        MappingIterator<Map<String, String>> it =
            new CsvMapper().readerFor(Map.class).with(schema).readValues(in)) {
      long record = 1; // the header
      while (it.hasNextValue()) {
        record++;
        rows.add(row(csv, record, it.nextValue()));
      }
    } catch (IllegalArgumentException e) {
      throw e; // from row(): already names the file, record and column
    } catch (IOException | RuntimeException e) {
      throw new UncheckedIOException(
          new IOException("cannot read sweep results " + csv + ": " + e.getMessage(), e));
    }
    return rows;
  }

  /** All rows of all lists, in order; a run already present is replaced by the later one. */
  public static List<SweepRow> merge(List<List<SweepRow>> lists) {
    Map<String, SweepRow> byRun = new LinkedHashMap<>();
    for (List<SweepRow> rows : lists) {
      for (SweepRow r : rows) {
        byRun.put(key(r), r);
      }
    }
    return new ArrayList<>(byRun.values());
  }

  static String key(SweepRow r) {
    String budget;
    if (!Double.isNaN(r.tau())) {
      budget = String.format(Locale.ROOT, "tau%.2f", r.tau());
    } else if (r.strategy().equals("imp")) {
      budget = String.format(Locale.ROOT, "kept%.4f", r.kept());
    } else {
      budget = String.format(Locale.ROOT, "d%.4f", r.density());
    }
    return r.strategy() + "/" + budget + "/s" + r.seed();
  }

  private static SweepRow row(Path csv, long record, Map<String, String> v) {
    for (String c : COLUMNS) {
      if (!v.containsKey(c)) {
        throw new IllegalArgumentException(
            csv
                + ": record "
                + record
                + ": missing column '"
                + c
                + "' (a sweep's results.csv has "
                + String.join(",", COLUMNS)
                + ")");
      }
    }
    String strategy = v.get("strategy").strip();
    if (strategy.isEmpty()) {
      throw new IllegalArgumentException(csv + ": record " + record + ": empty strategy");
    }
    String tau = v.get("tau").strip();
    return new SweepRow(
        strategy,
        number(csv, record, v, "density"),
        tau.isEmpty() ? Double.NaN : number(csv, record, v, "tau"),
        whole(csv, record, v, "seed"),
        whole(csv, record, v, "trainable_params"),
        whole(csv, record, v, "adapter_params"),
        number(csv, record, v, "kept_fraction"),
        number(csv, record, v, "accuracy"),
        number(csv, record, v, "macro_f1"),
        number(csv, record, v, "mcc"),
        number(csv, record, v, "wall_seconds"),
        "");
  }

  private static double number(Path csv, long record, Map<String, String> v, String column) {
    return parsed(csv, record, v, column, "a number", Double::parseDouble);
  }

  private static long whole(Path csv, long record, Map<String, String> v, String column) {
    return parsed(csv, record, v, column, "a whole number", Long::parseLong);
  }

  private static <T> T parsed(
      Path csv,
      long record,
      Map<String, String> v,
      String column,
      String what,
      Function<String, T> parse) {
    try {
      return parse.apply(v.get(column).strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          csv
              + ": record "
              + record
              + ": column '"
              + column
              + "' is not "
              + what
              + ": '"
              + v.get(column)
              + "'");
    }
  }
}
