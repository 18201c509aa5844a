package io.etcdj.etcdserver;

import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.Snapshot;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One Ready's work for the apply loop (etcd's {@code apply} struct in {@code etcdserver/raft.go}).
 *
 * <p>Immutable but for the futures: {@code persisted} is completed by the raft loop once the
 * Ready's snapshot and entries are on disk (etcd's {@code notifyc}); {@code afterApply}, when not
 * null, is run by the apply loop once the entries are applied (the follower's deferred {@code
 * advance} after a conf change).
 */
record ToApply(
    List<Entry> entries,
    Snapshot snapshot,
    CompletableFuture<Void> persisted,
    CompletableFuture<Runnable> afterApply) {
  ToApply {
    entries = List.copyOf(entries);
  }
}
