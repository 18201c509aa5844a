/**
 * etcd's raft consensus library (Go package {@code go.etcd.io/etcd/raft}, v3.4.23) as a
 * deterministic state machine speaking {@code io.etcdj.proto.raftpb} messages.
 *
 * <p>Entry points:
 *
 * <ul>
 *   <li>{@link io.etcdj.raft.RawNode}: the single-threaded node. Pure: no threads, clocks or I/O.
 *   <li>{@link io.etcdj.raft.Node}: the server's raft thread. It owns a RawNode; other threads
 *       reach it through one lock-free queue. Readies go to a {@link io.etcdj.raft.ReadyHandler} on
 *       the loop thread, or to one thread calling {@code pollReady}/{@code advance}.
 *   <li>{@link io.etcdj.raft.Storage} / {@link io.etcdj.raft.MemoryStorage}: the stable log raft
 *       reads; the server writes it after persisting each {@link io.etcdj.raft.Ready}.
 *   <li>{@link io.etcdj.raft.Config}: validated parameters, built with {@link
 *       io.etcdj.raft.Config#builder()}.
 *   <li>{@link io.etcdj.raft.RaftUtil}: message classification for transports ({@code isLocalMsg},
 *       {@code isResponseMsg}) and {@code describe*} helpers for logs.
 * </ul>
 *
 * <p>Not API: {@code io.etcdj.raft.tracker}, {@code io.etcdj.raft.quorum} and {@code
 * io.etcdj.raft.confchange} are public only so raft's own packages can share them; their types and
 * fields may change without notice. Read membership through {@link io.etcdj.raft.Status} ({@link
 * io.etcdj.raft.ProgressView}) or a ConfState.
 *
 * <p>Threads: RawNode belongs to whichever single thread drives it. On a Node every public method
 * may be called from any thread (proposals, read index, conf changes, peer steps, ticks, status);
 * they are queued for the loop thread in order. Only ticks and non-proposal peer messages are ever
 * dropped (with a warning) when the loop falls behind. A {@code ReadyHandler} runs on the loop
 * thread; {@code Node.advance()} from it runs inline.
 *
 * <p>Handling a Ready, in etcd 3.4.23's order ({@code etcdserver/raft.go} {@code start()}). This is
 * the body of a {@link io.etcdj.raft.ReadyHandler} (or of a {@code pollReady} loop):
 *
 * <pre>{@code
 * void handleReady(Node node, Ready rd) {
 *   if (rd.softState() != null) isLeader = rd.softState().raftState() == StateType.StateLeader;
 *   publishReadStates(rd.readStates());          // to the linearizable-read waiters
 *   boolean waitWalSync = rd.committedEntriesOverlapUnstable();
 *   if (waitWalSync) wal.save(rd.hardState(), rd.entries()); // synced BEFORE apply (issue 14370)
 *                                                // and before sending: MsgApps carry this commit
 *   Apply ap = applier.handOff(rd.committedEntries(), rd.snapshot()); // apply runs elsewhere
 *   if (isLeader) transport.send(rd.messages());  // the leader sends while it persists
 *   if (!RaftUtil.isEmptySnap(rd.snapshot())) {
 *     snapshotter.saveSnap(rd.snapshot());        // snap file, then its WAL record,
 *   }                                             //   before any other entry or HardState
 *   if (!waitWalSync) wal.save(rd.hardState(), rd.entries()); // fsync if rd.mustSync()
 *   if (!RaftUtil.isEmptySnap(rd.snapshot())) {
 *     wal.sync();                                 // before releasing old WAL data (etcd 10219)
 *     ap.snapshotPersisted();                     // the applier may now install it
 *     memoryStorage.applySnapshot(rd.snapshot());
 *     wal.releaseLockTo(rd.snapshot());           // etcd's storage.Release
 *   }
 *   memoryStorage.append(rd.entries());
 *   if (!isLeader) {
 *     ap.entriesPersisted();
 *     if (rd.committedEntriesContainConfChange()) {
 *       // A follower sends only once the conf change is applied (no votes from removed
 *       // members). The apply thread calls node.applyConfChange(cc) and then node.advance():
 *       // do not block here, the loop thread is the one that applies the conf change.
 *       ap.whenApplied(() -> { transport.send(rd.messages()); node.advance(); });
 *       return;
 *     }
 *     transport.send(rd.messages());              // a follower sends only after persisting
 *   } else {
 *     ap.entriesPersisted();
 *   }
 *   node.advance();                               // before the apply completes
 * }
 * }</pre>
 *
 * <p>The applier applies the hand-off on its own thread: snapshot (once persisted), then each
 * committed entry, calling {@code node.applyConfChange(cc)} for every conf-change entry.
 *
 * <p>IDs are unsigned 64-bit values carried in {@code long}s; compare and sort them with {@link
 * Long#compareUnsigned} and print them with {@link Long#toHexString}.
 *
 * <p>Expected outcomes are checked {@link io.etcdj.raft.RaftException}s with etcd's texts; broken
 * invariants throw {@link IllegalStateException} with etcd's panic text.
 */
package io.etcdj.raft;
