package io.etcdj.storage.backend;

import com.google.common.primitives.UnsignedBytes;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.jspecify.annotations.Nullable;

/**
 * The writes of one not-yet-committed batch, playing the role of etcd's {@code txWriteBuffer} +
 * {@code txReadBuffer}. Each key keeps a short chain of versions tagged with the writer's lock
 * session number; a reader that opened when sessions {@code <= s} were published sees, per key, the
 * newest version with session {@code <= s}. This gives every reader an immutable view without
 * copying the buffer (etcd copies it per concurrent read tx).
 *
 * <p>Because each version holds a key's final value (or a delete), laying the overlay over the
 * committed state before or after this very batch reaches disk gives the same result; that is what
 * lets readers open while a commit is in flight.
 *
 * <p>Threading: written only by the writer holding the batch lock; read concurrently by any number
 * of readers (versions are immutable and published through concurrent maps). Once its batch is
 * committed the overlay is never written again.
 */
final class WriteOverlay {

  /** One write of a key; {@code value == null} is a delete. Immutable. */
  static final class Version {
    final long session;
    final byte @Nullable [] value;
    final @Nullable Version older;

    Version(long session, byte @Nullable [] value, @Nullable Version older) {
      this.session = session;
      this.value = value;
      this.older = older;
    }

    /** The newest version written in a session {@code <= session}, or null. */
    @Nullable Version visibleAt(long session) {
      Version v = this;
      while (v != null && v.session > session) {
        v = v.older;
      }
      return v;
    }
  }

  private final Map<Bucket, ConcurrentSkipListMap<byte[], Version>> buckets =
      new ConcurrentHashMap<>();
  private final Set<Bucket> created = ConcurrentHashMap.newKeySet();

  void createBucket(Bucket bucket) {
    created.add(bucket);
  }

  boolean isCreated(Bucket bucket) {
    return created.contains(bucket);
  }

  Set<Bucket> createdBuckets() {
    return created;
  }

  Set<Bucket> writtenBuckets() {
    return buckets.keySet();
  }

  /** Records {@code value} (null = delete) for {@code key} in the writer's current session. */
  void write(Bucket bucket, byte[] key, byte @Nullable [] value, long session) {
    ConcurrentSkipListMap<byte[], Version> map =
        buckets.computeIfAbsent(
            bucket, b -> new ConcurrentSkipListMap<>(UnsignedBytes.lexicographicalComparator()));
    Version head = map.get(key);
    // Rewrites within one session replace the head: no reader can see an unpublished session.
    Version older = head != null && head.session == session ? head.older : head;
    map.put(key, new Version(session, value, older));
  }

  /** The versions of {@code [from, to)} ({@code to == null}: to the end) of a bucket, or null. */
  @Nullable NavigableMap<byte[], Version> range(Bucket bucket, byte[] from, byte @Nullable [] to) {
    ConcurrentSkipListMap<byte[], Version> map = buckets.get(bucket);
    if (map == null) {
      return null;
    }
    return to == null ? map.tailMap(from, true) : map.subMap(from, true, to, false);
  }

  @Nullable NavigableMap<byte[], Version> all(Bucket bucket) {
    return buckets.get(bucket);
  }

  @Nullable Version get(Bucket bucket, byte[] key) {
    ConcurrentSkipListMap<byte[], Version> map = buckets.get(bucket);
    return map == null ? null : map.get(key);
  }
}
