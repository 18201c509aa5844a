package io.etcdj.storage.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The lessor used from the threads it meets in a server at once, with mvcc's lock order (batch
 * transaction first, then the lessor). Bounded in iterations; a deadlock fails the timeout.
 */
class LessorConcurrencyTest {

  @Test
  void storeWritesGrantsRevokesRenewsAndRunsDoNotDeadlock() throws Exception {
    FakeNanoClock clock = new FakeNanoClock();
    MemoryLeaseBucket bucket =
        new MemoryLeaseBucket(new java.util.concurrent.CopyOnWriteArrayList<>());
    LessorImpl le = new LessorImpl(bucket, LessorConfig.withMinLeaseTtl(1), clock);
    // Revoke deletes "through the store": the TxnDelete holds the batch lock and detaches keys.
    le.setRangeDeleter(
        () -> {
          bucket.lock();
          return new TxnDelete() {
            @Override
            public long deleteRange(byte[] key, byte[] end) {
              LeaseItem item = LeaseKeys.item(key);
              long id = le.getLease(item);
              if (id != Lessor.NO_LEASE) {
                try {
                  le.detach(id, List.of(item));
                } catch (LeaseException e) {
                  // Revoked concurrently: nothing to detach.
                }
              }
              return 1;
            }

            @Override
            public void end() {
              bucket.unlock();
            }
          };
        });
    le.promote(Duration.ZERO);

    int iterations = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<Void>> tasks = new ArrayList<>();
      // The apply loop: grants and revokes.
      tasks.add(
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < iterations; i++) {
                  long id = 1L + (i % 50);
                  try {
                    if (le.lookup(id) == null) {
                      le.grant(id, 10);
                    } else {
                      le.revoke(id);
                    }
                  } catch (LeaseException e) {
                    // Raced with another thread on the same ID: expected.
                  }
                }
              },
              pool));
      // mvcc writes: attach under the batch lock.
      tasks.add(
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < iterations; i++) {
                  bucket.lock();
                  try {
                    le.attach(1 + (i % 50), List.of(new LeaseItem("k" + (i % 100))));
                  } catch (LeaseException e) {
                    // Lease not granted right now.
                  } finally {
                    bucket.unlock();
                  }
                }
              },
              pool));
      // Client renewals and lookups.
      tasks.add(
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < iterations; i++) {
                  try {
                    le.renew(1 + (i % 50));
                  } catch (LeaseException e) {
                    // Not granted right now.
                  }
                  le.leases();
                }
              },
              pool));
      // The lessor's periodic step.
      tasks.add(
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < iterations / 10; i++) {
                  le.run();
                  le.pollExpiredLeases();
                }
              },
              pool));
      CompletableFuture.allOf(tasks.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
      le.close();
    }
    // Every lease still in the table is in the bucket and vice versa.
    assertThat(bucket.size()).isEqualTo(le.leases().size());
  }
}
