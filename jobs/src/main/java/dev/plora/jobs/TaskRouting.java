package dev.plora.jobs;

import java.util.Comparator;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Which partition of a task topic a new task should go to, so that a replica with nothing to do
 * takes it. A Kafka partition belongs to one replica of a consumer group at a time, and that
 * replica works through it in order: a task behind a long one on the same partition waits, however
 * many replicas idle. So the scheduler picks the partition itself: one owned by the least loaded
 * replica (load = the task it runs, plus the tasks already queued on its partitions), then the
 * emptiest partition, then the task's hash. Pure: the caller supplies what it knows.
 */
public final class TaskRouting {
  private TaskRouting() {}

  /**
   * @param partitions partitions of the topic
   * @param owners partition → the replica (group instance id) consuming it now
   * @param busy replicas running a task now
   * @param queued partition → tasks sent there and not started yet
   * @param hash the task key's hash, to spread ties
   * @return the partition, or empty when no partition has an owner (nothing is known: let the
   *     producer place it by key)
   */
  public static OptionalInt choose(
      int partitions,
      Map<Integer, String> owners,
      Set<String> busy,
      Map<Integer, Integer> queued,
      int hash) {
    if (owners.isEmpty()) {
      return OptionalInt.empty();
    }
    Map<String, Integer> load = new java.util.HashMap<>();
    owners.forEach((p, worker) -> load.merge(worker, queued.getOrDefault(p, 0), Integer::sum));
    busy.forEach(worker -> load.computeIfPresent(worker, (w, l) -> l + 1));
    int start = Math.floorMod(hash, partitions);
    return IntStream.range(0, partitions)
        .filter(owners::containsKey)
        .boxed()
        .min(
            Comparator.<Integer>comparingInt(p -> load.get(owners.get(p)))
                .thenComparingInt(p -> queued.getOrDefault(p, 0))
                .thenComparingInt(p -> Math.floorMod(p - start, partitions)))
        .map(OptionalInt::of)
        .orElse(OptionalInt.empty());
  }
}
