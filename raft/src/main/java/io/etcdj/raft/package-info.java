/**
 * etcd's raft consensus library (Go package {@code go.etcd.io/etcd/raft}, v3.4.23) as a
 * deterministic state machine speaking {@code io.etcdj.proto.raftpb} messages.
 *
 * <p>Entry points:
 *
 * <ul>
 *   <li>{@link io.etcdj.raft.RawNode}: single-threaded node; the etcdserver raft loop owns one.
 *   <li>{@link io.etcdj.raft.Node}: thread-safe wrapper with its own loop thread and bounded
 *       queues.
 *   <li>{@link io.etcdj.raft.Storage} / {@link io.etcdj.raft.MemoryStorage}: the stable log raft
 *       reads; the server writes it after persisting each {@link io.etcdj.raft.Ready}.
 *   <li>{@link io.etcdj.raft.Config}: validated parameters, built with {@link
 *       io.etcdj.raft.Config#builder()}.
 *   <li>{@link io.etcdj.raft.RaftUtil}: message classification for transports ({@code isLocalMsg},
 *       {@code isResponseMsg}) and {@code describe*} helpers for logs.
 * </ul>
 *
 * <p>The Ready contract, in the order the server must follow it:
 *
 * <pre>{@code
 * while (running) {
 *   // inputs: rn.tick() on a timer, rn.step(msg) from peers, rn.propose(data) from clients
 *   if (!rn.hasReady()) continue;
 *   Ready rd = rn.ready();
 *   wal.save(rd.hardState(), rd.entries());           // 1. persist (fsync if rd.mustSync())
 *   if (!RaftUtil.isEmptySnap(rd.snapshot())) { ... } //    and the snapshot
 *   storage.append(rd.entries());
 *   transport.send(rd.messages());                    // 2. send (a leader may do this first)
 *   apply(rd.snapshot(), rd.committedEntries());      // 3. apply, incl. rn.applyConfChange(cc)
 *   rn.advance(rd);                                   // 4. advance
 * }
 * }</pre>
 *
 * <p>IDs are unsigned 64-bit values carried in {@code long}s; compare and sort them with {@link
 * Long#compareUnsigned} and print them with {@link Long#toHexString}.
 *
 * <p>Expected outcomes are checked {@link io.etcdj.raft.RaftException}s with etcd's texts; broken
 * invariants throw {@link IllegalStateException} with etcd's panic text.
 */
package io.etcdj.raft;
