package io.etcdj.etcdhttp;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link ChunkSink} that records chunks; writes complete at once unless {@code hold} is set. */
public final class RecordingSink implements ChunkSink {
  public final List<String> chunks = new CopyOnWriteArrayList<>();
  public final List<CompletableFuture<Void>> pending = new CopyOnWriteArrayList<>();
  public final CompletableFuture<HttpHeaders> ended = new CompletableFuture<>();
  private final boolean hold;

  public RecordingSink(boolean hold) {
    this.hold = hold;
  }

  @Override
  public CompletableFuture<Void> write(byte[] chunk) {
    chunks.add(new String(chunk, UTF_8));
    if (!hold) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> f = new CompletableFuture<>();
    pending.add(f);
    return f;
  }

  @Override
  public void end(HttpHeaders trailers) {
    ended.complete(trailers);
  }

  @Override
  public void abort(Throwable cause) {
    ended.completeExceptionally(cause);
  }

  public String body() {
    return String.join("", new ArrayList<>(chunks));
  }

  public static String text(HttpResponse r) {
    return new String(((HttpResponse.Full) r).body(), UTF_8);
  }
}
