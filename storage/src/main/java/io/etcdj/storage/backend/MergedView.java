package io.etcdj.storage.backend;

import com.google.common.primitives.UnsignedBytes;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Reads the committed LMDB snapshot with a batch overlay laid on top, as seen by lock session
 * {@code session}: overlay versions win over disk entries, overlay deletes hide them. This is the
 * read path of both the writer (session = everything) and each {@link ReadTx}.
 *
 * <p>Threading: one thread at a time, like the LMDB reader it wraps.
 */
final class MergedView implements BackendReader {
  private static final Comparator<byte[]> ORDER = UnsignedBytes.lexicographicalComparator();
  private static final byte[] EMPTY = new byte[0];

  private final LmdbStore.Reader disk;
  private final WriteOverlay overlay;
  private final long session;

  MergedView(LmdbStore.Reader disk, WriteOverlay overlay, long session) {
    this.disk = disk;
    this.overlay = overlay;
    this.session = session;
  }

  @Override
  public RangeResult unsafeRange(Bucket bucket, byte[] key, byte[] endKey, long limit) {
    if (endKey == null || endKey.length == 0) {
      return get(bucket, key);
    }
    long max = limit <= 0 ? Long.MAX_VALUE : limit;
    RangeResult.Builder out = new RangeResult.Builder();
    merge(bucket, key, endKey, max, out::add);
    return out.build();
  }

  @Override
  public void unsafeForEach(Bucket bucket, BiConsumer<byte[], byte[]> visitor) {
    merge(bucket, EMPTY, null, Long.MAX_VALUE, visitor);
  }

  private RangeResult get(Bucket bucket, byte[] key) {
    WriteOverlay.Version head = overlay.get(bucket, key);
    WriteOverlay.Version v = head == null ? null : head.visibleAt(session);
    if (v != null) {
      return v.value == null ? RangeResult.empty() : RangeResult.of(key.clone(), v.value.clone());
    }
    if (!disk.hasBucket(bucket)) {
      return RangeResult.empty();
    }
    byte[] value = disk.get(bucket, key);
    return value == null ? RangeResult.empty() : RangeResult.of(key.clone(), value);
  }

  /** Walks disk and overlay in key order, emitting at most {@code max} live entries. */
  private void merge(
      Bucket bucket, byte[] from, byte @Nullable [] to, long max, BiConsumer<byte[], byte[]> sink) {
    NavigableMap<byte[], WriteOverlay.Version> range =
        from.length == 0 && to == null ? overlay.all(bucket) : overlay.range(bucket, from, to);
    OverlayCursor ov = new OverlayCursor(range == null ? null : range.entrySet().iterator());
    long[] emitted = {0};
    if (disk.hasBucket(bucket)) {
      disk.scan(
          bucket,
          from,
          to,
          (k, v) -> {
            // Overlay keys before this disk key come first.
            while (ov.key != null && ORDER.compare(ov.key, k) < 0) {
              if (!ov.emit(sink, emitted, max)) {
                return false;
              }
            }
            if (ov.key != null && ORDER.compare(ov.key, k) == 0) {
              return ov.emit(sink, emitted, max); // the overlay's version replaces the disk's
            }
            sink.accept(k, v);
            return ++emitted[0] < max;
          });
    }
    while (ov.key != null && emitted[0] < max) {
      ov.emit(sink, emitted, max);
    }
  }

  /** The overlay side of the merge, skipping keys with no version visible to this session. */
  private final class OverlayCursor {
    private final @Nullable Iterator<Map.Entry<byte[], WriteOverlay.Version>> it;
    byte @Nullable [] key;
    WriteOverlay.@Nullable Version version;

    OverlayCursor(@Nullable Iterator<Map.Entry<byte[], WriteOverlay.Version>> it) {
      this.it = it;
      advance();
    }

    private void advance() {
      key = null;
      version = null;
      while (it != null && it.hasNext()) {
        Map.Entry<byte[], WriteOverlay.Version> e = it.next();
        WriteOverlay.Version v = e.getValue().visibleAt(session);
        if (v != null) {
          key = e.getKey();
          version = v;
          return;
        }
      }
    }

    /** Emits the current entry unless it is a delete, then advances; false once max reached. */
    boolean emit(BiConsumer<byte[], byte[]> sink, long[] emitted, long max) {
      byte[] k = key;
      WriteOverlay.Version v = version;
      advance();
      if (v != null && v.value != null && k != null) {
        sink.accept(k.clone(), v.value.clone());
        emitted[0]++;
      }
      return emitted[0] < max;
    }
  }
}
