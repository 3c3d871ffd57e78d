package dev.plora.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PagesTest {
  private static final List<String> ITEMS =
      IntStream.range(0, 250).mapToObj(i -> String.format("%04d", i)).toList();

  @Test
  void pagesCoverEveryItemOnceInOrder() {
    List<String> seen = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      Pages.Page<String> p = Pages.of(ITEMS, Function.identity(), 100, token);
      seen.addAll(p.items());
      token = p.nextToken();
      pages++;
    } while (!token.isEmpty());
    assertThat(pages).isEqualTo(3);
    assertThat(seen).isEqualTo(ITEMS);
  }

  @Test
  void aPageStaysRightWhenItemsComeAndGoBetweenCalls() {
    Pages.Page<String> first = Pages.of(ITEMS, Function.identity(), 10, "");
    List<String> changed = new ArrayList<>(ITEMS);
    changed.remove("0003");
    changed.remove("0010");
    Pages.Page<String> second = Pages.of(changed, Function.identity(), 10, first.nextToken());
    assertThat(second.items().get(0)).isEqualTo("0011");
  }

  @Test
  void sizesAreDefaultedAndCappedAndBadInputNamed() {
    assertThat(Pages.of(ITEMS, Function.identity(), 0, "").items()).hasSize(Pages.DEFAULT_SIZE);
    assertThat(Pages.of(ITEMS, Function.identity(), 5000, "").items()).hasSize(250);
    assertThatThrownBy(() -> Pages.of(ITEMS, Function.identity(), -1, ""))
        .hasMessage("page_size: must be >= 0, got -1");
    assertThatThrownBy(() -> Pages.of(ITEMS, Function.identity(), 10, "%%%"))
        .hasMessageStartingWith("page_token:");
  }
}
