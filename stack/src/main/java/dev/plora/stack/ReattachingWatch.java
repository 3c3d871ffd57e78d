package dev.plora.stack;

import dev.plora.proto.v1.JobEvent;
import dev.plora.proto.v1.JobState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A WatchJob stream that survives the gateway going away: on UNAVAILABLE (or a dropped connection)
 * before the job ended, it waits and opens the stream again, for at most {@code reattachFor} since
 * the last event. The new stream starts with the current status, so the caller misses no state.
 */
final class ReattachingWatch implements Iterator<JobEvent> {
  private static final Set<JobState> ENDED =
      Set.of(JobState.JOB_STATE_SUCCEEDED, JobState.JOB_STATE_FAILED, JobState.JOB_STATE_CANCELLED);

  private final Supplier<Iterator<JobEvent>> open;
  private final Duration reattachFor;
  private Iterator<JobEvent> stream;
  private JobEvent next;
  private boolean ended;

  ReattachingWatch(Supplier<Iterator<JobEvent>> open, Duration reattachFor) {
    this.open = open;
    this.reattachFor = reattachFor;
    this.stream = open.get();
  }

  @Override
  public boolean hasNext() {
    if (next != null) {
      return true;
    }
    if (ended) {
      return false;
    }
    long giveUpAt = System.nanoTime() + reattachFor.toNanos();
    while (true) {
      try {
        if (stream.hasNext()) {
          next = stream.next();
          if (next.hasStatus() && ENDED.contains(next.getStatus().getState())) {
            ended = true;
          }
          return true;
        }
        ended = true; // the server completed the stream: the job ended
        return false;
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        boolean transientLoss =
            code == Status.Code.UNAVAILABLE
                || code == Status.Code.INTERNAL
                || code == Status.Code.UNKNOWN;
        if (!transientLoss || System.nanoTime() > giveUpAt) {
          throw e;
        }
        sleep(1000);
        try {
          stream = open.get();
        } catch (StatusRuntimeException retry) {
          stream =
              new Iterator<>() { // try again on the next round
                @Override
                public boolean hasNext() {
                  throw retry;
                }

                @Override
                public JobEvent next() {
                  throw retry;
                }
              };
        }
      }
    }
  }

  @Override
  public JobEvent next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    JobEvent e = next;
    next = null;
    return e;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while re-attaching to the gateway", e);
    }
  }
}
