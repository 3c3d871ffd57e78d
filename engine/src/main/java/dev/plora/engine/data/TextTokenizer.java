package dev.plora.engine.data;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A HuggingFace {@code tokenizer.json} (through DJL's tokenizers binding): adds special tokens,
 * truncates to {@code maxLength} and pads each batch to its longest sequence.
 */
public final class TextTokenizer implements AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;
  private final int maxLength;
  private final Path source;

  private TextTokenizer(HuggingFaceTokenizer tokenizer, int maxLength, Path source) {
    this.tokenizer = tokenizer;
    this.maxLength = maxLength;
    this.source = source;
  }

  /**
   * Loads a tokenizer.json.
   *
   * @param maxLength maximum tokens per sequence, special tokens included; must be ≥ 2
   */
  public static TextTokenizer load(Path tokenizerJson, int maxLength) {
    if (maxLength < 2) {
      throw new IllegalArgumentException(
          "max length must be >= 2 (room for [CLS] and [SEP]), got " + maxLength);
    }
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new IllegalArgumentException(tokenizerJson + ": no such tokenizer file");
    }
    try {
      HuggingFaceTokenizer t =
          HuggingFaceTokenizer.builder()
              .optTokenizerPath(tokenizerJson)
              .optMaxLength(maxLength)
              .optTruncation(true)
              .optPadding(true)
              .optAddSpecialTokens(true)
              .build();
      return new TextTokenizer(t, maxLength, tokenizerJson);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          tokenizerJson + ": not a usable tokenizer.json: " + e.getMessage(), e);
    }
  }

  public int maxLength() {
    return maxLength;
  }

  public Path source() {
    return source;
  }

  /** Tokenizes a batch of texts; every row is padded to the batch's longest sequence. */
  public TokenizedBatch encode(List<String> texts) {
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("nothing to tokenize: the batch is empty");
    }
    Encoding[] enc = tokenizer.batchEncode(texts);
    int b = enc.length;
    long[][] ids = new long[b][];
    long[][] mask = new long[b][];
    long[][] types = new long[b][];
    for (int i = 0; i < b; i++) {
      ids[i] = enc[i].getIds();
      mask[i] = enc[i].getAttentionMask();
      types[i] = enc[i].getTypeIds();
    }
    return new TokenizedBatch(ids, mask, types);
  }

  /**
   * Tokenizes text pairs (second segments get token type 1); {@code second} entries may be null,
   * and a batch with no second segment at all is encoded as single texts.
   */
  public TokenizedBatch encode(List<String> first, List<String> second) {
    if (second == null || second.stream().allMatch(java.util.Objects::isNull)) {
      return encode(first);
    }
    if (first.size() != second.size()) {
      throw new IllegalArgumentException(
          "texts and pairs differ in number: " + first.size() + " vs " + second.size());
    }
    ai.djl.util.PairList<String, String> pairs = new ai.djl.util.PairList<>();
    for (int i = 0; i < first.size(); i++) {
      pairs.add(first.get(i), second.get(i) == null ? "" : second.get(i));
    }
    Encoding[] enc = tokenizer.batchEncode(pairs);
    long[][] ids = new long[enc.length][];
    long[][] mask = new long[enc.length][];
    long[][] types = new long[enc.length][];
    for (int i = 0; i < enc.length; i++) {
      ids[i] = enc[i].getIds();
      mask[i] = enc[i].getAttentionMask();
      types[i] = enc[i].getTypeIds();
    }
    return new TokenizedBatch(ids, mask, types);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
