package dev.plora.services.gateway;

import dev.plora.proto.v1.JobEvent;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One WatchJob stream with flow control: events wait in a queue and go out only while the client
 * can take them ({@code isReady}, resumed by the onReady handler), so a slow watcher costs the
 * gateway a bounded queue, never an unbounded buffer. Status events all go out in order (a job has
 * few); progress reports coalesce — a newer one replaces an unsent older one — and the stream
 * completes after its last status.
 */
final class WatchStream {
  private final StreamObserver<JobEvent> observer;
  private final ServerCallStreamObserver<JobEvent> call;
  private final Deque<JobEvent> pending = new ArrayDeque<>();
  private boolean completeWhenDrained;
  private boolean closed;

  WatchStream(StreamObserver<JobEvent> observer, Runnable onCancel) {
    this.observer = observer;
    this.call = observer instanceof ServerCallStreamObserver<JobEvent> s ? s : null;
    if (call != null) {
      call.setOnReadyHandler(this::drain);
      call.setOnCancelHandler(
          () -> {
            synchronized (this) {
              closed = true;
              pending.clear();
            }
            onCancel.run();
          });
    }
  }

  /** Queues an event; {@code last} ends the stream once everything queued has gone out. */
  synchronized void offer(JobEvent event, boolean last) {
    if (closed) {
      return;
    }
    if (event.hasProgress() && !pending.isEmpty() && pending.peekLast().hasProgress()) {
      pending.pollLast(); // only the newest progress matters
    }
    pending.add(event);
    completeWhenDrained |= last;
    drain();
  }

  /** Events waiting for the client (for tests and metrics). */
  synchronized int backlog() {
    return pending.size();
  }

  synchronized boolean isClosed() {
    return closed;
  }

  private synchronized void drain() {
    if (closed) {
      return;
    }
    try {
      while (!pending.isEmpty() && (call == null || call.isReady())) {
        observer.onNext(pending.poll());
      }
      if (pending.isEmpty() && completeWhenDrained) {
        closed = true;
        observer.onCompleted();
      }
    } catch (RuntimeException gone) { // the client went away
      closed = true;
      pending.clear();
    }
  }
}
