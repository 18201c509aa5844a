package io.etcdj.etcdserver;

import static java.util.Objects.requireNonNull;

import io.etcdj.proto.etcdserverpb.AlarmRequest;
import io.etcdj.proto.etcdserverpb.AlarmType;
import io.etcdj.storage.mvcc.KvHash;
import io.etcdj.storage.mvcc.MvccException;
import io.etcdj.storage.node.NodeStore;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's data corruption checks ({@code etcdserver/corrupt.go}): the initial check a restarted
 * member runs before it serves ({@code --experimental-initial-corrupt-check}) and the leader's
 * periodic one ({@code --experimental-corrupt-check-time}). Both compare this member's {@code
 * HashKV} with its peers'; a single member has none, so it only checks its own hash twice across a
 * linearizable read, and logs what etcd logs.
 *
 * <p>Threading: {@link #checkInitial} on the starting thread; {@link #checkHashKv} hashes on the
 * given executor (never the apply or raft thread: it reads the whole key history).
 */
final class CorruptionCheck {
  private static final Logger LOG = LoggerFactory.getLogger(CorruptionCheck.class);

  /** A peer's answer to {@code /members/hashkv}, or why there is none. */
  record PeerHash(long id, List<String> endpoints, KvHash hash, Throwable error) {}

  private final long memberId;
  private final NodeStore store;
  private final LongFunction<List<PeerHash>> peerHashes;
  private final Supplier<CompletableFuture<Void>> readNotify;
  private final Consumer<AlarmRequest> raiseAlarm;

  /**
   * @param peerHashes the other members' hashes at a revision (etcd {@code getPeerHashKVs}); empty
   *     for a single member
   * @param raiseAlarm proposes an alarm through raft
   */
  CorruptionCheck(
      long memberId,
      NodeStore store,
      LongFunction<List<PeerHash>> peerHashes,
      Supplier<CompletableFuture<Void>> readNotify,
      Consumer<AlarmRequest> raiseAlarm) {
    this.memberId = memberId;
    this.store = requireNonNull(store, "store");
    this.peerHashes = requireNonNull(peerHashes, "peerHashes");
    this.readNotify = requireNonNull(readNotify, "readNotify");
    this.raiseAlarm = requireNonNull(raiseAlarm, "raiseAlarm");
  }

  private String id() {
    return Long.toHexString(memberId);
  }

  /**
   * etcd's {@code CheckInitialHashKV}.
   *
   * @throws IOException {@code <id> failed to fetch hash (...)} or {@code <id> found data
   *     inconsistency with peers}
   */
  void checkInitial(Duration timeout) throws IOException {
    LOG.atInfo()
        .addKeyValue("local-member-id", id())
        .addKeyValue("timeout", timeout)
        .log("starting initial corruption check");
    KvHash h;
    try {
      h = store.hashKv(0);
    } catch (MvccException | RuntimeException e) {
      throw new IOException(id() + " failed to fetch hash (" + e.getMessage() + ")", e);
    }
    int mismatch = 0;
    for (PeerHash p : peerHashes.apply(h.currentRev())) {
      if (p.hash() != null) {
        if (h.hash() != p.hash().hash()) {
          if (h.compactRev() == p.hash().compactRev()) {
            peerLog(h, p).log("found different hash values from remote peer");
            mismatch++;
          } else {
            peerLog(h, p).log("found different compact revision values from remote peer");
          }
        }
      } else if (p.error() instanceof MvccException m) {
        switch (m.error()) {
          case FUTURE_REV -> peerLog(h, p).log("cannot fetch hash from slow remote peer");
          case COMPACTED ->
              peerLog(h, p).log("cannot fetch hash from remote peer; local member is behind");
          default -> {}
        }
      }
    }
    if (mismatch > 0) {
      throw new IOException(id() + " found data inconsistency with peers");
    }
    LOG.atInfo()
        .addKeyValue("local-member-id", id())
        .log("initial corruption checking passed; no corruption");
  }

  private org.slf4j.spi.LoggingEventBuilder peerLog(KvHash h, PeerHash p) {
    org.slf4j.spi.LoggingEventBuilder b =
        LOG.atWarn()
            .addKeyValue("local-member-id", id())
            .addKeyValue("local-member-revision", h.currentRev())
            .addKeyValue("local-member-compact-revision", h.compactRev())
            .addKeyValue("local-member-hash", h.hash())
            .addKeyValue("remote-peer-id", Long.toHexString(p.id()))
            .addKeyValue("remote-peer-endpoints", p.endpoints());
    if (p.hash() != null) {
      b =
          b.addKeyValue("remote-peer-revision", p.hash().currentRev())
              .addKeyValue("remote-peer-compact-revision", p.hash().compactRev())
              .addKeyValue("remote-peer-hash", p.hash().hash());
    } else {
      b = b.addKeyValue("error", Failures.message(p.error()));
    }
    return b;
  }

  /** etcd's {@code monitorKVHash} start line. */
  static void logEnabled(long memberId, Duration interval) {
    LOG.atInfo()
        .addKeyValue("local-member-id", Long.toHexString(memberId))
        .addKeyValue("interval", interval)
        .log("enabled corruption checking");
  }

  /**
   * etcd's {@code checkHashKV}, run by the leader: hash, ask the peers, wait for a linearizable
   * read, hash again. A changed hash at the same revisions means this member's data changed under
   * it; a peer ahead of the leader, or with the same compaction but another hash, is corrupt.
   * Either raises the {@code CORRUPT} alarm (member ID 0: it is not clear whose data is bad).
   * Completes exceptionally when hashing or the read fails (etcd logs "failed to check hash KV").
   */
  CompletableFuture<Void> checkHashKv(Executor hashing) {
    return CompletableFuture.supplyAsync(this::hash, hashing)
        .thenCompose(
            h -> {
              List<PeerHash> peers = peerHashes.apply(h.currentRev());
              return readNotify
                  .get()
                  .thenApplyAsync(ok -> compare(h, hash(), peers), hashing)
                  .thenAccept(checked -> {});
            });
  }

  private KvHash hash() {
    try {
      return store.hashKv(0);
    } catch (MvccException e) {
      throw new java.util.concurrent.CompletionException(e);
    }
  }

  private int compare(KvHash h, KvHash h2, List<PeerHash> peers) {
    boolean[] alarmed = {false};
    Runnable mismatch =
        () -> {
          if (!alarmed[0]) {
            alarmed[0] = true;
            raiseAlarm.accept(
                AlarmRequest.newBuilder()
                    .setMemberID(0)
                    .setAction(AlarmRequest.AlarmAction.ACTIVATE)
                    .setAlarm(AlarmType.CORRUPT)
                    .build());
          }
        };
    if (h2.hash() != h.hash()
        && h2.currentRev() == h.currentRev()
        && h2.compactRev() == h.compactRev()) {
      LOG.atWarn()
          .addKeyValue("revision-1", h.currentRev())
          .addKeyValue("compact-revision-1", h.compactRev())
          .addKeyValue("hash-1", h.hash())
          .addKeyValue("revision-2", h2.currentRev())
          .addKeyValue("compact-revision-2", h2.compactRev())
          .addKeyValue("hash-2", h2.hash())
          .log("found hash mismatch");
      mismatch.run();
    }
    int checked = 0;
    for (PeerHash p : peers) {
      if (p.hash() == null) {
        continue;
      }
      checked++;
      String peer = Long.toHexString(p.id());
      if (p.hash().currentRev() > h2.currentRev()) {
        LOG.atWarn()
            .addKeyValue("leader-revision", h2.currentRev())
            .addKeyValue("follower-revision", p.hash().currentRev())
            .addKeyValue("follower-peer-id", peer)
            .log("revision from follower must be less than or equal to leader's");
        mismatch.run();
      }
      if (p.hash().compactRev() > h2.compactRev()) {
        LOG.atWarn()
            .addKeyValue("leader-compact-revision", h2.compactRev())
            .addKeyValue("follower-compact-revision", p.hash().compactRev())
            .addKeyValue("follower-peer-id", peer)
            .log("compact revision from follower must be less than or equal to leader's");
        mismatch.run();
      }
      if (p.hash().compactRev() == h.compactRev() && p.hash().hash() != h.hash()) {
        LOG.atWarn()
            .addKeyValue("leader-compact-revision", h2.compactRev())
            .addKeyValue("leader-hash", h.hash())
            .addKeyValue("follower-compact-revision", p.hash().compactRev())
            .addKeyValue("follower-hash", p.hash().hash())
            .addKeyValue("follower-peer-id", peer)
            .log("same compact revision then hashes must match");
        mismatch.run();
      }
    }
    LOG.atInfo()
        .addKeyValue("number-of-peers-checked", checked)
        .log("finished peer corruption check");
    return checked;
  }
}
