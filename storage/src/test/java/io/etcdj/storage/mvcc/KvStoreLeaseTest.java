package io.etcdj.storage.mvcc;

import static io.etcdj.storage.mvcc.KeyIndexTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.storage.backend.BackendConfig;
import io.etcdj.storage.backend.LmdbBackend;
import io.etcdj.storage.lease.LeaseItem;
import io.etcdj.storage.lease.Lessor;
import io.etcdj.storage.lease.LessorConfig;
import io.etcdj.storage.lease.LessorImpl;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store with the real lessor on LMDB: attach/detach on writes, revoke, restart. */
class KvStoreLeaseTest {
  @TempDir Path dir;
  private final AtomicLong clock = new AtomicLong();

  private LmdbBackend backend() {
    return LmdbBackend.open(BackendConfig.builder(dir.resolve("db")).mapSize(64L << 20).build());
  }

  private Lessor lessor(LmdbBackend b) {
    return new LessorImpl(b, LessorConfig.withMinLeaseTtl(1), clock::get);
  }

  private static LeaseItem item(String k) {
    return new LeaseItem(k);
  }

  @Test
  void writesMoveKeysBetweenLeasesAndRevokeDeletesAtOneRevision() throws Exception {
    try (LmdbBackend b = backend();
        Lessor le = lessor(b);
        KvStore s = KvStore.open(b, le, null, StoreConfig.defaults())) {
      le.grant(1, 60);
      le.grant(2, 60);
      s.put(bytes("foo"), bytes("a"), 1);
      s.put(bytes("bar"), bytes("b"), 1);
      s.put(bytes("baz"), bytes("c"), 0);
      s.put(bytes("qux"), bytes("d"), 2);
      assertThat(le.getLease(item("foo"))).isEqualTo(1);
      s.put(bytes("foo"), bytes("a2"), 0);
      assertThat(le.getLease(item("foo"))).isEqualTo(Lessor.NO_LEASE);
      s.put(bytes("zed"), bytes("e"), 1);
      s.deleteRange(bytes("qux"), null);
      assertThat(le.getLease(item("qux"))).isEqualTo(Lessor.NO_LEASE);

      long before = s.rev();
      le.revoke(1);
      assertThat(s.rev()).isEqualTo(before + 1);
      assertThat(s.range(bytes("a"), new byte[0], RangeOptions.DEFAULT).kvs())
          .extracting(kv -> kv.getKey().toStringUtf8())
          .containsExactly("baz", "foo");
      assertThat(le.lookup(1)).isNull();
    }
  }

  /** etcd re-attaches keys to their leases when the store is rebuilt from the backend. */
  @Test
  void restartReattachesKeysToRestoredLeases() throws Exception {
    try (LmdbBackend b = backend();
        Lessor le = lessor(b);
        KvStore s = KvStore.open(b, le, null, StoreConfig.defaults())) {
      le.grant(7, 60);
      s.put(bytes("k1"), bytes("v"), 7);
      s.put(bytes("k2"), bytes("v"), 7);
      s.put(bytes("k2"), bytes("v2"), 0);
      s.put(bytes("k\u00ff"), bytes("v"), 7); // not valid UTF-8 on its own: bytes must round-trip
    }
    try (LmdbBackend b = backend();
        Lessor le = lessor(b);
        KvStore s = KvStore.open(b, le, null, StoreConfig.defaults())) {
      assertThat(le.getLease(item("k1"))).isEqualTo(7);
      assertThat(le.getLease(item("k2"))).isEqualTo(Lessor.NO_LEASE);
      long before = s.rev();
      le.revoke(7);
      assertThat(s.rev()).isEqualTo(before + 1);
      assertThat(s.range(bytes("k"), bytes("l"), RangeOptions.DEFAULT).kvs())
          .extracting(kv -> kv.getKey().toStringUtf8())
          .containsExactly("k2");
    }
  }
}
