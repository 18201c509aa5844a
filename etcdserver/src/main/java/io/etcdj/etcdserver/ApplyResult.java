package io.etcdj.etcdserver;

import com.google.protobuf.Message;
import java.util.concurrent.CompletableFuture;

/**
 * What applying one request produced (etcd's {@code applyResult}): a response or an error, and for
 * a compaction the future of its physical part.
 *
 * <p>Immutable.
 */
public record ApplyResult(Message response, Throwable error, CompletableFuture<Void> physical) {
  static ApplyResult of(Message response) {
    return new ApplyResult(response, null, null);
  }

  static ApplyResult failed(Throwable error) {
    return new ApplyResult(null, error, null);
  }
}
