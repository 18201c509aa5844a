package io.etcdj.raft;

import static io.etcdj.raft.RaftTestUtil.bytes;
import static io.etcdj.raft.RaftTestUtil.config;
import static io.etcdj.raft.RaftTestUtil.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.proto.raftpb.ConfChange;
import io.etcdj.proto.raftpb.ConfChangeSingle;
import io.etcdj.proto.raftpb.ConfChangeType;
import io.etcdj.proto.raftpb.ConfChangeV2;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.EntryType;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.proto.raftpb.Message;
import io.etcdj.proto.raftpb.MessageType;
import io.etcdj.proto.raftpb.Snapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The two Ready helpers the server loop branches on: {@link Ready#committedEntriesOverlapUnstable}
 * (etcdserver's {@code shouldWaitWALSync}, etcd issue 14370) and {@link
 * Ready#committedEntriesContainConfChange} (the follower's {@code waitApply} in
 * etcdserver/raft.go). Each is checked on Readies a real {@link RawNode} hands out, and on
 * hand-built edge cases.
 */
class ReadyTest {

  private static Ready ready(List<Entry> entries, List<Entry> committed) {
    return new Ready(
        null,
        HardState.getDefaultInstance(),
        List.of(),
        entries,
        Snapshot.getDefaultInstance(),
        committed,
        List.of(),
        !entries.isEmpty());
  }

  private static Entry typed(long term, long index, EntryType type) {
    return entry(term, index).toBuilder().setType(type).build();
  }

  /** A one-voter leader commits its own append at once: the Ready must sync before applying. */
  @Test
  void singleVoterLeaderAppendOverlapsItsCommit() throws Exception {
    MemoryStorage s = new MemoryStorage();
    RawNode rn = new RawNode(config(1, 10, 1, s).build());
    rn.bootstrap(List.of(new Peer(1)));
    Ready boot = rn.ready();
    // The bootstrap entry is unstable and committed in the same Ready.
    assertThat(boot.committedEntriesOverlapUnstable()).isTrue();
    RawNodeTest.persist(boot, s);
    RawNodeTest.applyConfChanges(rn, boot);
    rn.advance(boot);
    rn.campaign();
    RawNodeTest.drain(rn, s);

    rn.propose(bytes("foo"));
    Ready rd = rn.ready();
    assertThat(rd.entries()).extracting(Entry::getIndex).containsExactly(3L);
    assertThat(rd.committedEntries()).extracting(Entry::getIndex).containsExactly(3L);
    assertThat(rd.committedEntriesOverlapUnstable()).isTrue();
    assertThat(rd.committedEntriesContainConfChange()).isFalse();
    RawNodeTest.persist(rd, s);
    rn.advance(rd);
    assertThat(rn.hasReady()).isFalse();
  }

  /**
   * A follower that was sent entries and, later, the commit index covering them applies entries it
   * already persisted: no overlap. Only when one append both carries entries and commits them does
   * a follower's Ready overlap too, which the helper must then report.
   */
  @Test
  void followerOverlapsOnlyWhenOneAppendCarriesAndCommitsEntries() throws Exception {
    MemoryStorage s = new MemoryStorage();
    RawNode rn = new RawNode(config(2, 10, 1, s).peers(1, 2).build());
    rn.step(
        Message.newBuilder()
            .setType(MessageType.MsgApp)
            .setFrom(1)
            .setTo(2)
            .setTerm(1)
            .setLogTerm(0)
            .setIndex(0)
            .setCommit(0)
            .addEntries(entry(1, 1, "a"))
            .addEntries(entry(1, 2, "b"))
            .build());
    Ready first = rn.ready();
    assertThat(first.entries()).hasSize(2);
    assertThat(first.committedEntries()).isEmpty();
    assertThat(first.committedEntriesOverlapUnstable()).isFalse();
    RawNodeTest.persist(first, s);
    rn.advance(first);

    // The next append commits 2 and brings 3: the committed entries were persisted earlier.
    rn.step(
        Message.newBuilder()
            .setType(MessageType.MsgApp)
            .setFrom(1)
            .setTo(2)
            .setTerm(1)
            .setLogTerm(1)
            .setIndex(2)
            .setCommit(2)
            .addEntries(entry(1, 3, "c"))
            .build());
    Ready second = rn.ready();
    assertThat(second.entries()).extracting(Entry::getIndex).containsExactly(3L);
    assertThat(second.committedEntries()).extracting(Entry::getIndex).containsExactly(1L, 2L);
    assertThat(second.committedEntriesOverlapUnstable()).isFalse();
    RawNodeTest.persist(second, s);
    rn.advance(second);

    // One append that brings 4 and already commits it: the follower overlaps as well.
    rn.step(
        Message.newBuilder()
            .setType(MessageType.MsgApp)
            .setFrom(1)
            .setTo(2)
            .setTerm(1)
            .setLogTerm(1)
            .setIndex(3)
            .setCommit(4)
            .addEntries(entry(1, 4, "d"))
            .build());
    Ready third = rn.ready();
    assertThat(third.entries()).extracting(Entry::getIndex).containsExactly(4L);
    assertThat(third.committedEntries()).extracting(Entry::getIndex).containsExactly(3L, 4L);
    assertThat(third.committedEntriesOverlapUnstable()).isTrue();
  }

  @Test
  void overlapComparesTermThenIndex() {
    assertThat(ready(List.of(), List.of(entry(1, 1))).committedEntriesOverlapUnstable()).isFalse();
    assertThat(ready(List.of(entry(1, 1)), List.of()).committedEntriesOverlapUnstable()).isFalse();
    // Committed up to 4, unstable from 5: disjoint.
    assertThat(
            ready(List.of(entry(2, 5), entry(2, 6)), List.of(entry(1, 3), entry(2, 4)))
                .committedEntriesOverlapUnstable())
        .isFalse();
    // The last committed entry is the first unstable one.
    assertThat(
            ready(List.of(entry(2, 4), entry(2, 5)), List.of(entry(1, 3), entry(2, 4)))
                .committedEntriesOverlapUnstable())
        .isTrue();
    // Unstable entries rewrite a suffix from an older term below the committed index: a higher
    // committed term counts as overlap whatever the indexes say.
    assertThat(ready(List.of(entry(1, 7)), List.of(entry(2, 5))).committedEntriesOverlapUnstable())
        .isTrue();
    assertThat(ready(List.of(entry(3, 4)), List.of(entry(2, 9))).committedEntriesOverlapUnstable())
        .isFalse();
  }

  /** A committed v1 conf change, on a one-voter leader. */
  @Test
  void committedV1ConfChangeIsReported() throws Exception {
    MemoryStorage s = new MemoryStorage();
    RawNode rn = new RawNode(config(1, 10, 1, s).build());
    rn.bootstrap(List.of(new Peer(1)));
    RawNodeTest.drain(rn, s);
    rn.campaign();
    RawNodeTest.drain(rn, s);
    rn.proposeConfChange(
        ConfChange.newBuilder()
            .setType(ConfChangeType.ConfChangeAddLearnerNode)
            .setNodeId(2)
            .build());
    Ready rd = rn.ready();
    assertThat(rd.committedEntries())
        .extracting(Entry::getType)
        .containsExactly(EntryType.EntryConfChange);
    assertThat(rd.committedEntriesContainConfChange()).isTrue();
    RawNodeTest.persist(rd, s);
    RawNodeTest.applyConfChanges(rn, rd);
    rn.advance(rd);

    rn.propose(bytes("plain"));
    Ready plain = rn.ready();
    assertThat(plain.committedEntries()).hasSize(1);
    assertThat(plain.committedEntriesContainConfChange()).isFalse();
  }

  /** A committed V2 conf change, including the empty leave-joint entry raft proposes itself. */
  @Test
  void committedV2ConfChangeAndAutoLeaveAreReported() throws Exception {
    MemoryStorage s = new MemoryStorage();
    RawNode rn = new RawNode(config(1, 10, 1, s).build());
    rn.bootstrap(List.of(new Peer(1)));
    RawNodeTest.drain(rn, s);
    rn.campaign();
    RawNodeTest.drain(rn, s);
    rn.proposeConfChange(
        ConfChangeV2.newBuilder()
            .addChanges(
                ConfChangeSingle.newBuilder()
                    .setType(ConfChangeType.ConfChangeAddLearnerNode)
                    .setNodeId(2))
            .addChanges(
                ConfChangeSingle.newBuilder()
                    .setType(ConfChangeType.ConfChangeAddLearnerNode)
                    .setNodeId(3))
            .build());
    Ready enter = rn.ready();
    assertThat(enter.committedEntries())
        .extracting(Entry::getType)
        .containsExactly(EntryType.EntryConfChangeV2);
    assertThat(enter.committedEntriesContainConfChange()).isTrue();
    RawNodeTest.persist(enter, s);
    RawNodeTest.applyConfChanges(rn, enter);
    rn.advance(enter);

    Ready leave = rn.ready();
    assertThat(leave.committedEntries()).hasSize(1);
    assertThat(ConfChangeV2.parseFrom(leave.committedEntries().get(0).getData()).getChangesCount())
        .isZero();
    assertThat(leave.committedEntriesContainConfChange()).isTrue();
  }

  /** Only committed entries count: a conf change that is merely being persisted does not. */
  @Test
  void confChangeOnlyAmongUnstableEntriesIsNotReported() {
    Entry cc = typed(1, 5, EntryType.EntryConfChange);
    Entry cc2 = typed(1, 6, EntryType.EntryConfChangeV2);
    assertThat(ready(List.of(cc, cc2), List.of(entry(1, 4))).committedEntriesContainConfChange())
        .isFalse();
    assertThat(
            ready(List.of(), List.of(entry(1, 4), cc, entry(1, 6)))
                .committedEntriesContainConfChange())
        .isTrue();
    assertThat(ready(List.of(), List.of(cc2)).committedEntriesContainConfChange()).isTrue();
    assertThat(ready(List.of(), List.of()).committedEntriesContainConfChange()).isFalse();
  }
}
