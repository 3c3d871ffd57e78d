package dev.plora.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskRoutingTest {
  private static final Map<Integer, String> TWO_TRAINERS =
      Map.of(
          0,
          "trainer-1",
          1,
          "trainer-1",
          2,
          "trainer-1",
          3,
          "trainer-2",
          4,
          "trainer-2",
          5,
          "trainer-2");

  @Test
  void anIdleReplicaGetsTheNextTaskWhileAnotherRunsALongOne() {
    for (int hash = 0; hash < 12; hash++) {
      int p =
          TaskRouting.choose(6, TWO_TRAINERS, Set.of("trainer-1"), Map.of(), hash).orElseThrow();
      assertThat(TWO_TRAINERS.get(p)).as("hash %d", hash).isEqualTo("trainer-2");
    }
  }

  @Test
  void queuedTasksCountAsLoadSoWorkAlternates() {
    // trainer-2 is idle but already has a task waiting on partition 4: trainer-1 (idle, empty) is
    // next.
    int p = TaskRouting.choose(6, TWO_TRAINERS, Set.of(), Map.of(4, 1), 4).orElseThrow();
    assertThat(TWO_TRAINERS.get(p)).isEqualTo("trainer-1");
    // Both busy, one with a queue: the other.
    p =
        TaskRouting.choose(6, TWO_TRAINERS, Set.of("trainer-1", "trainer-2"), Map.of(0, 2), 0)
            .orElseThrow();
    assertThat(TWO_TRAINERS.get(p)).isEqualTo("trainer-2");
  }

  @Test
  void tiesSpreadByHashOverTheOwnedPartitions() {
    assertThat(TaskRouting.choose(6, TWO_TRAINERS, Set.of(), Map.of(), 2)).hasValue(2);
    assertThat(TaskRouting.choose(6, TWO_TRAINERS, Set.of(), Map.of(), 7)).hasValue(1);
  }

  @Test
  void withoutOwnersTheProducerDecides() {
    assertThat(TaskRouting.choose(6, Map.of(), Set.of(), Map.of(), 3)).isEmpty();
    // Unowned partitions (mid-rebalance) are not chosen while owned ones exist.
    assertThat(TaskRouting.choose(6, Map.of(5, "trainer-1"), Set.of("trainer-1"), Map.of(), 0))
        .hasValue(5);
  }
}
