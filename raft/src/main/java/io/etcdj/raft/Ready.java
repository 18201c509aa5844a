package io.etcdj.raft;

import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.EntryType;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.proto.raftpb.Message;
import io.etcdj.proto.raftpb.Snapshot;
import java.util.List;

/**
 * Everything raft needs the application to do, handed out by {@link RawNode#ready()} (etcd {@code
 * raft.Ready}). The application must, in order:
 *
 * <ol>
 *   <li>persist {@code hardState}, {@code entries} and {@code snapshot} (fsync if {@code
 *       mustSync}); a leader may send {@code messages} in parallel with this step;
 *   <li>send {@code messages} (after persisting, on a follower: a vote or append acknowledgement
 *       must be durable before it is acknowledged);
 *   <li>apply {@code snapshot} and {@code committedEntries} to the state machine;
 *   <li>call {@link RawNode#advance}.
 * </ol>
 *
 * <p>Immutable: the lists are copies.
 *
 * @param softState the new leader/role, or null if unchanged
 * @param hardState the new term/vote/commit, or the empty HardState if unchanged
 * @param readStates answers to read-index requests
 * @param entries entries to persist BEFORE messages are sent
 * @param snapshot a snapshot to persist, or the empty snapshot (index 0)
 * @param committedEntries entries to apply, AFTER they were persisted (possibly in an earlier
 *     Ready)
 * @param messages messages to send AFTER entries are persisted; a MsgSnap's sender must report the
 *     outcome with {@link RawNode#reportSnapshot}
 * @param mustSync whether the HardState and entries must be synced to disk
 */
public record Ready(
    SoftState softState,
    HardState hardState,
    List<ReadState> readStates,
    List<Entry> entries,
    Snapshot snapshot,
    List<Entry> committedEntries,
    List<Message> messages,
    boolean mustSync) {

  public Ready {
    readStates = List.copyOf(readStates);
    entries = List.copyOf(entries);
    committedEntries = List.copyOf(committedEntries);
    messages = List.copyOf(messages);
  }

  /** Whether there is anything at all to do. */
  public boolean containsUpdates() {
    return softState != null
        || !RaftUtil.isEmptyHardState(hardState)
        || !RaftUtil.isEmptySnap(snapshot)
        || !entries.isEmpty()
        || !committedEntries.isEmpty()
        || !messages.isEmpty()
        || !readStates.isEmpty();
  }

  /**
   * Whether some committed entries are also among the unstable {@code entries} (etcdserver's {@code
   * shouldWaitWALSync}): possible on a one-voter cluster, where a leader's append commits at once.
   * Such a Ready must be saved and synced to the WAL BEFORE its apply is handed off, or a crash
   * could lose entries a client was already told were applied (etcd issue 14370). A leader must
   * also persist such a Ready before sending it: its MsgApps to learners carry the new commit
   * index, and a learner could apply an entry the leader then loses in a crash (etcd 3.4.23 sends
   * first; {@code RaftSimulationTest} finds the divergence within a few thousand runs if the sends
   * go first). Compares the last committed entry with the first unstable one, as terms and indexes
   * only grow.
   */
  public boolean committedEntriesOverlapUnstable() {
    if (committedEntries.isEmpty() || entries.isEmpty()) {
      return false;
    }
    Entry lastCommitted = committedEntries.get(committedEntries.size() - 1);
    Entry firstUnstable = entries.get(0);
    return lastCommitted.getTerm() > firstUnstable.getTerm()
        || (lastCommitted.getTerm() == firstUnstable.getTerm()
            && lastCommitted.getIndex() >= firstUnstable.getIndex());
  }

  /**
   * Whether a committed entry is a conf change (v1 or V2): a follower then waits for the apply
   * before sending (etcdserver's {@code waitApply}), so it does not count votes of removed members.
   */
  public boolean committedEntriesContainConfChange() {
    for (Entry e : committedEntries) {
      if (e.getType() == EntryType.EntryConfChange || e.getType() == EntryType.EntryConfChangeV2) {
        return true;
      }
    }
    return false;
  }

  /** The index applied once this Ready is handled: last committed entry, else the snapshot. */
  long appliedCursor() {
    if (!committedEntries.isEmpty()) {
      return committedEntries.get(committedEntries.size() - 1).getIndex();
    }
    return snapshot.getMetadata().getIndex();
  }
}
