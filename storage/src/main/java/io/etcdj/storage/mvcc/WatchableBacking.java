package io.etcdj.storage.mvcc;

import com.google.protobuf.ByteString;
import io.etcdj.proto.mvccpb.Event;
import io.etcdj.proto.mvccpb.KeyValue;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What the {@link WatchableStore} needs from the KV store beneath it: the revision counters, the
 * stored history by revision, and a point read for prev-kv. etcd's {@code watchableStore} reaches
 * into the embedded {@code store} for these; here an adapter over the KV store implements it (see
 * {@code WATCH_NEEDS.md}), and tests use an in-memory fake.
 *
 * <p>Implementations must be thread-safe.
 */
interface WatchableBacking {

  /**
   * Runs {@code body} while the current and compacted revisions cannot change, and returns its
   * result (etcd holds {@code store.revMu}'s read lock for this). Callers may hold the watchable
   * store's lock; the implementation must never need that lock.
   */
  <T> T readStable(Function<RevisionView, T> body);

  /**
   * The value of {@code key} as of revision {@code rev}, or null if it did not exist then or that
   * revision has been compacted away.
   */
  KeyValue keyAt(ByteString key, long rev);

  /** A consistent view of the history, valid only inside {@link #readStable}. */
  interface RevisionView {

    /** The revision of the last completed write txn. */
    long currentRev();

    /** The revision of the last compaction (0 if none). */
    long compactRev();

    /**
     * Calls {@code sink}, in (main, sub) revision order, with every change stored at revisions
     * {@code fromRev..toRev} inclusive on a key for which {@code wanted} holds: a put as a PUT
     * event with the stored key-value, a delete as a DELETE event whose key-value holds the key and
     * the deleting revision as {@code mod_revision} (etcd's {@code kvsToEvents}).
     */
    void readEvents(long fromRev, long toRev, Predicate<ByteString> wanted, Consumer<Event> sink);
  }
}
