package io.etcdj.raft;

import com.google.protobuf.ByteString;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.Message;
import io.etcdj.proto.raftpb.MessageType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Builders shared by the raft tests. Not thread-safe; one test thread. */
final class RaftTestUtil {
  private RaftTestUtil() {}

  static long[] ids(long... ids) {
    return ids;
  }

  static Config.Builder config(long id, int election, int heartbeat, Storage storage) {
    return Config.builder()
        .id(id)
        .electionTick(election)
        .heartbeatTick(heartbeat)
        .storage(storage)
        .maxSizePerMsg(RaftUtil.NO_LIMIT)
        .maxInflightMsgs(256)
        .random(new Random(id));
  }

  /** A raft whose voters are {@code peers} (empty storage). */
  static Raft newTestRaft(long id, long[] peers, int election, int heartbeat, Storage storage) {
    return new Raft(config(id, election, heartbeat, storage).peers(peers).build());
  }

  static Raft newTestRaft(long id, long[] peers, int election, int heartbeat) {
    return newTestRaft(id, peers, election, heartbeat, new MemoryStorage());
  }

  static Raft newTestLearnerRaft(
      long id, long[] peers, long[] learners, int election, int heartbeat, Storage storage) {
    return new Raft(
        config(id, election, heartbeat, storage).peers(peers).learners(learners).build());
  }

  /** Takes and clears the raft's outgoing messages. */
  static List<Message> readMessages(Raft r) {
    List<Message> msgs = r.msgs;
    r.msgs = new ArrayList<>();
    return msgs;
  }

  static Entry entry(long term, long index) {
    return Entry.newBuilder().setTerm(term).setIndex(index).build();
  }

  static Entry entry(long term, long index, String data) {
    return Entry.newBuilder()
        .setTerm(term)
        .setIndex(index)
        .setData(ByteString.copyFrom(data, StandardCharsets.UTF_8))
        .build();
  }

  static List<Entry> entries(long... termIndexPairs) {
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < termIndexPairs.length; i += 2) {
      out.add(entry(termIndexPairs[i], termIndexPairs[i + 1]));
    }
    return out;
  }

  static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  static Message msg(long from, long to, MessageType type) {
    return Message.newBuilder().setFrom(from).setTo(to).setType(type).build();
  }

  static Message msg(long from, long to, MessageType type, long term) {
    return Message.newBuilder().setFrom(from).setTo(to).setType(type).setTerm(term).build();
  }

  static Message hup(long id) {
    return msg(id, id, MessageType.MsgHup);
  }

  static Message prop(long id, String data) {
    return Message.newBuilder()
        .setFrom(id)
        .setTo(id)
        .setType(MessageType.MsgProp)
        .addEntries(Entry.newBuilder().setData(bytes(data)))
        .build();
  }

  static Message beat(long id) {
    return msg(id, id, MessageType.MsgBeat);
  }

  /** Steps a message, failing the test if it was a dropped proposal. */
  static void step(Raft r, Message m) {
    try {
      r.step(m);
    } catch (ProposalDroppedException e) {
      throw new AssertionError("unexpected drop of " + RaftUtil.describeMessage(m), e);
    }
  }

  /** Moves a raft's unstable entries into its storage and marks committed entries applied. */
  static List<Entry> nextEnts(Raft r, MemoryStorage s) {
    s.append(r.raftLog.unstableEntries());
    r.raftLog.stableTo(r.raftLog.lastIndex(), r.raftLog.lastTerm());
    List<Entry> ents = r.raftLog.nextEnts();
    r.raftLog.appliedTo(r.raftLog.committed);
    return ents;
  }

  /** Steps through ticks until the raft has campaigned. */
  static void tickUntilElection(Raft r) {
    for (int i = 0; i < 2 * r.electionTimeout; i++) {
      r.tick();
    }
  }
}
