package io.etcdj.storage.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.storage.backend.Backend;
import io.etcdj.storage.backend.BackendConfig;
import io.etcdj.storage.backend.BatchTx;
import io.etcdj.storage.backend.Bucket;
import io.etcdj.storage.backend.LmdbBackend;
import io.etcdj.storage.backend.ReadTx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lessor over the real LMDB backend: etcd's bucket encoding, ordering and batching. */
class BackendLessorTest {
  @TempDir Path dir;

  private final FakeNanoClock clock = new FakeNanoClock();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  private Backend open(String name) {
    Backend be =
        LmdbBackend.open(
            BackendConfig.builder(dir.resolve(name).resolve("db"))
                .batchInterval(Duration.ofHours(1))
                .mapSize(16L * 1024 * 1024)
                .build());
    toClose.add(be);
    return be;
  }

  private LessorImpl lessor(Backend be) {
    LessorImpl le = new LessorImpl(be, LessorConfig.withMinLeaseTtl(5), clock);
    toClose.add(le);
    return le;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private static List<String> leaseBucket(Backend be) {
    List<String> out = new ArrayList<>();
    try (ReadTx tx = be.concurrentReadTx()) {
      tx.unsafeForEach(
          Bucket.LEASE,
          (k, v) -> out.add(HexFormat.of().formatHex(k) + "=" + HexFormat.of().formatHex(v)));
    }
    return out;
  }

  /** Fact sheet §7.4: lease {@code 7d7ba2141056e005} with TTL 60 → {@code 08 <id> 10 3c}. */
  @Test
  void grantWritesEtcdsKeyAndValueBytes() throws Exception {
    Backend be = open("a");
    LessorImpl le = lessor(be);
    le.grant(0x7d7ba2141056e005L, 60);

    // 08 = field 1 varint (ID), 10 3c = field 2 varint (TTL 60); RemainingTTL 0 is omitted.
    assertThat(leaseBucket(be)).containsExactly("7d7ba2141056e005=0885c0db82c1c2e8bd7d103c");
  }

  /** TestLeaseBackend: stored leases load in unsigned key order and deleted ones are gone. */
  @Test
  void storedLeasesLoadInUnsignedKeyOrderWithoutDeletedOnes() {
    Backend be = open("a");
    BatchTx tx = be.batchTx();
    tx.lock();
    try {
      tx.unsafeCreateBucket(Bucket.LEASE);
      for (long id : new long[] {-1, Long.MIN_VALUE, Long.MAX_VALUE}) {
        tx.unsafePut(
            Bucket.LEASE,
            LeaseKeys.idKey(id),
            io.etcdj.proto.leasepb.Lease.newBuilder()
                .setID(id)
                .setTTL(id == Long.MAX_VALUE ? 3 : 2)
                .build()
                .toByteArray());
      }
      tx.unsafeDelete(Bucket.LEASE, LeaseKeys.idKey(-1));
    } finally {
      tx.unlock();
    }
    be.forceCommit();

    BackendLeaseBucket bucket = new BackendLeaseBucket(be);
    bucket.lock();
    List<io.etcdj.proto.leasepb.Lease> loaded;
    try {
      loaded = bucket.unsafeLoadAll();
    } finally {
      bucket.unlock();
    }
    // MinInt64's bytes (0x80...) sort after MaxInt64's (0x7f...).
    assertThat(loaded)
        .extracting(io.etcdj.proto.leasepb.Lease::getID)
        .containsExactly(Long.MAX_VALUE, Long.MIN_VALUE);
  }

  /** TestLessorRecover over a backend that was closed and reopened. */
  @Test
  void leasesSurviveABackendRestart() throws Exception {
    Backend be = open("a");
    LessorImpl le = lessor(be);
    le.grant(1, 10);
    le.grant(2, 20);
    le.revoke(1);
    le.close();
    be.close();

    Backend reopened = open("a");
    LessorImpl recovered = lessor(reopened);
    assertThat(recovered.leases())
        .extracting(Lease::id, Lease::ttl)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(2L, 20L));
  }

  /**
   * Revoke's bucket delete joins the TxnDelete's batch: readers see neither the key deletions nor
   * the lease removal until the TxnDelete ends.
   */
  @Test
  void revokeRemovesTheLeaseInTheTxnDeletesBatch() throws Exception {
    Backend be = open("a");
    LessorImpl le = lessor(be);
    List<List<String>> seenBeforeEnd = new ArrayList<>();
    le.setRangeDeleter(
        () -> {
          BatchTx tx = be.batchTx();
          tx.lock(); // as mvcc's write txn does for its whole lifetime
          return new TxnDelete() {
            @Override
            public long deleteRange(byte[] key, byte[] end) {
              return 1;
            }

            @Override
            public void end() {
              seenBeforeEnd.add(leaseBucket(be));
              tx.unlock();
            }
          };
        });
    le.grant(1, 10);
    le.attach(1, List.of(new LeaseItem("k")));

    le.revoke(1);

    assertThat(seenBeforeEnd).hasSize(1);
    assertThat(seenBeforeEnd.get(0)).hasSize(1);
    assertThat(leaseBucket(be)).isEmpty();
  }

  @Test
  void recoverLoadsTheLeasesOfAnotherBackend() throws Exception {
    Backend source = open("snapshot");
    lessor(source).grant(9, 30);

    Backend be = open("a");
    LessorImpl le = lessor(be);
    le.grant(1, 10);
    le.promote(Duration.ZERO);
    le.recover(source, null);

    assertThat(le.leases()).extracting(Lease::id).containsExactly(9L);
    assertThat(le.lookup(9).expired()).isFalse();
  }
}
