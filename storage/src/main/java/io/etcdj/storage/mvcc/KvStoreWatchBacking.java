package io.etcdj.storage.mvcc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etcdj.proto.mvccpb.Event;
import io.etcdj.proto.mvccpb.KeyValue;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * {@link WatchableBacking} over a {@link KvStore}, through the package-private hooks it offers the
 * watch side: its {@code revMu}, revision counters and {@code key}-bucket range by revision.
 *
 * <p>Thread-safe, as the store is.
 */
final class KvStoreWatchBacking implements WatchableBacking {

  private final KvStore kv;

  private final RevisionView view =
      new RevisionView() {
        @Override
        public long currentRev() {
          return kv.currentRev();
        }

        @Override
        public long compactRev() {
          return kv.compactMainRev();
        }

        @Override
        public void readEvents(
            long fromRev, long toRev, Predicate<ByteString> wanted, Consumer<Event> sink) {
          KvBackend.Range r = kv.revisionRange(fromRev, toRev);
          List<byte[]> keys = r.keys();
          List<byte[]> values = r.values();
          for (int i = 0; i < keys.size(); i++) {
            KeyValue stored = parse(values.get(i));
            if (!wanted.test(stored.getKey())) {
              continue;
            }
            byte[] revKey = keys.get(i);
            if (Revision.isTombstone(revKey)) {
              // A tombstone stores only the key; give it the deleting revision so watchers can
              // order it (etcd's kvsToEvents does the same).
              sink.accept(
                  Event.newBuilder()
                      .setType(Event.EventType.DELETE)
                      .setKv(stored.toBuilder().setModRevision(Revision.fromBytes(revKey).main()))
                      .build());
            } else {
              sink.accept(Event.newBuilder().setType(Event.EventType.PUT).setKv(stored).build());
            }
          }
        }
      };

  KvStoreWatchBacking(KvStore kv) {
    this.kv = kv;
  }

  @Override
  public <T> T readStable(Function<RevisionView, T> body) {
    kv.revMu.readLock().lock();
    try {
      return body.apply(view);
    } finally {
      kv.revMu.readLock().unlock();
    }
  }

  @Override
  public KeyValue keyAt(ByteString key, long rev) {
    if (rev <= 0) {
      return null; // a range at revision 0 would read the current one
    }
    try {
      List<KeyValue> kvs = kv.range(key.toByteArray(), null, RangeOptions.atRev(rev)).kvs();
      return kvs.isEmpty() ? null : kvs.get(0);
    } catch (MvccException e) {
      return null; // compacted (or future): etcd then sends the event without prev_kv
    }
  }

  private static KeyValue parse(byte[] value) {
    try {
      return KeyValue.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("failed to unmarshal mvccpb.KeyValue", e);
    }
  }
}
