package dev.plora.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plora.engine.config.TextFields;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {
  @TempDir Path dir;

  private Path write(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  @Test
  void jsonlWithPairsAndNumericLabelsIsRead() throws IOException {
    Path p =
        write(
            "d.jsonl",
            "{\"text\": \"a\", \"text_pair\": \"b\", \"label\": 1}\n\n{\"text\": \"c\", \"label\": 0}\n");
    Dataset d = Dataset.read(p, TextFields.DEFAULT);
    assertThat(d.size()).isEqualTo(2);
    assertThat(d.get(0)).isEqualTo(new Example("a", "b", "1", 1));
    assertThat(d.get(1)).isEqualTo(new Example("c", null, "0", 3));
  }

  @Test
  void csvWithCustomFieldNamesIsRead() throws IOException {
    Path p = write("d.csv", "review,sentiment\n\"good, really\",pos\nbad,neg\n");
    Dataset d = Dataset.read(p, new TextFields("review", null, "sentiment"));
    assertThat(d.get(0).text()).isEqualTo("good, really");
    assertThat(d.get(1).label()).isEqualTo("neg");
    assertThat(d.get(1).line()).isEqualTo(3);
  }

  @Test
  void badInputNamesFileAndLine() throws IOException {
    Path missingField =
        write("m.jsonl", "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\"}\n");
    assertThatThrownBy(() -> Dataset.read(missingField, TextFields.DEFAULT))
        .hasMessage(missingField + ":2: missing field 'label'");
    Path badJson = write("b.jsonl", "{\"text\": \"a\", \n");
    assertThatThrownBy(() -> Dataset.read(badJson, TextFields.DEFAULT))
        .hasMessageStartingWith(badJson + ":1: not valid JSON");
    Path empty = write("e.jsonl", "\n\n");
    assertThatThrownBy(() -> Dataset.read(empty, TextFields.DEFAULT))
        .hasMessage(empty + ": the dataset is empty");
    assertThatThrownBy(() -> Dataset.read(dir.resolve("none.jsonl"), TextFields.DEFAULT))
        .hasMessageContaining("no such dataset file");
    Path csv = write("c.csv", "text,label\nx\n");
    assertThatThrownBy(() -> Dataset.read(csv, new TextFields("text", null, "label")))
        .hasMessageContaining("record 2");
  }

  @Test
  void unknownLabelAtEvaluationNamesTheLine() throws IOException {
    Dataset train =
        Dataset.read(
            write(
                "t.jsonl", "{\"text\":\"a\",\"label\":\"x\"}\n{\"text\":\"b\",\"label\":\"y\"}\n"),
            TextFields.DEFAULT);
    Path evalFile =
        write("e.jsonl", "{\"text\":\"a\",\"label\":\"x\"}\n{\"text\":\"b\",\"label\":\"z\"}\n");
    Dataset eval = Dataset.read(evalFile, TextFields.DEFAULT);
    LabelSet labels = LabelSet.of(train);
    assertThatThrownBy(() -> labels.indices(eval))
        .hasMessage(evalFile + ":2: label 'z' is not one of the training labels [x, y]");
  }

  @Test
  void fewShotTakesKPerClassSeededAndRefusesTooFew() throws IOException {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      b.append("{\"text\":\"t")
          .append(i)
          .append("\",\"label\":\"")
          .append(i % 3 == 0 ? "a" : "b")
          .append("\"}\n");
    }
    Dataset d = Dataset.read(write("f.jsonl", b.toString()), TextFields.DEFAULT);
    int[] one = Sampling.fewShot(d, 4, 1);
    assertThat(one).hasSize(8);
    assertThat(Sampling.fewShot(d, 4, 1)).isEqualTo(one);
    assertThat(Sampling.fewShot(d, 4, 2)).isNotEqualTo(one);
    assertThat(java.util.Arrays.stream(one).filter(i -> d.get(i).label().equals("a")).count())
        .isEqualTo(4);
    assertThatThrownBy(() -> Sampling.fewShot(d, 11, 1))
        .hasMessageContaining("label 'a' has only 10");
    Sampling.Split split = Sampling.stratified(d, 0.2, 3);
    assertThat(split.second()).hasSize(6); // 2 of 10 'a' + 4 of 20 'b'
    assertThat(split.first().length + split.second().length).isEqualTo(30);
  }
}
