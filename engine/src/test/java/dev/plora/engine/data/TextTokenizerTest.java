package dev.plora.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plora.engine.model.DefaultModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextTokenizerTest {

  @Test
  void batchIsPaddedToItsLongestTextWithMaskAndTypeIds() {
    try (TextTokenizer tok = TextTokenizer.load(DefaultModel.tokenizer(), 32)) {
      TokenizedBatch b = tok.encode(List.of("hello world", "hello"));
      // [CLS]=101 hello=7592 world=2088 [SEP]=102, padding 0 (the BERT uncased vocabulary)
      assertThat(b.inputIds()[0]).containsExactly(101, 7592, 2088, 102);
      assertThat(b.inputIds()[1]).containsExactly(101, 7592, 102, 0);
      assertThat(b.attentionMask()[1]).containsExactly(1, 1, 1, 0);
      assertThat(b.tokenTypeIds()[0]).containsExactly(0, 0, 0, 0);
    }
  }

  @Test
  void longTextIsTruncatedToMaxLengthKeepingTheSpecialTokens() {
    try (TextTokenizer tok = TextTokenizer.load(DefaultModel.tokenizer(), 6)) {
      TokenizedBatch b = tok.encode(List.of("one two three four five six seven eight"));
      assertThat(b.sequenceLength()).isEqualTo(6);
      assertThat(b.inputIds()[0][0]).isEqualTo(101);
      assertThat(b.inputIds()[0][5]).isEqualTo(102);
    }
  }

  @Test
  void badArgumentsAreRejectedClearly() {
    assertThatThrownBy(() -> TextTokenizer.load(DefaultModel.tokenizer(), 1))
        .hasMessageContaining("max length must be >= 2");
    assertThatThrownBy(() -> TextTokenizer.load(Path.of("no/such/tokenizer.json"), 8))
        .hasMessageContaining("no such tokenizer file");
    try (TextTokenizer tok = TextTokenizer.load(DefaultModel.tokenizer(), 8)) {
      assertThatThrownBy(() -> tok.encode(List.of())).hasMessageContaining("the batch is empty");
    }
  }
}
