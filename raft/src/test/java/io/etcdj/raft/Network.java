package io.etcdj.raft;

import io.etcdj.proto.raftpb.Message;
import io.etcdj.proto.raftpb.MessageType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A deterministic in-memory network of raft state machines (etcd {@code raft_test.go#network}):
 * {@link #send} delivers messages breadth-first until the cluster is quiet, applying drops, cuts,
 * isolation and ignored types. Drop rates draw from a seeded {@link Random}. A peer may be a black
 * hole that swallows messages.
 *
 * <p>Not thread-safe; one test thread.
 */
final class Network {
  private record Conn(long from, long to) {}

  /** Peers by ID; a null value is a black hole. */
  final Map<Long, Raft> peers = new TreeMap<>(Long::compareUnsigned);

  final Map<Long, MemoryStorage> storage = new HashMap<>();
  private final Map<Conn, Double> dropm = new HashMap<>();
  private final Set<MessageType> ignorem = EnumSet.noneOf(MessageType.class);
  private final Random rand;

  /** Returns false to drop a message. */
  Predicate<Message> msgHook;

  private final Function<Config.Builder, Config.Builder> configurer;

  private Network(Random rand, Function<Config.Builder, Config.Builder> configurer) {
    this.rand = rand;
    this.configurer = configurer;
  }

  /** A network of fresh rafts with IDs 1..n and the given options. */
  static Network of(int n, Function<Config.Builder, Config.Builder> configurer) {
    return of(configurer, new Object[n]);
  }

  /**
   * A network over the given peers; a null entry becomes a fresh raft with default timeouts
   * (election 10, heartbeat 1) and the options applied. Peer IDs are 1..n by position.
   */
  static Network of(Function<Config.Builder, Config.Builder> configurer, Object... rs) {
    Network nw = new Network(new Random(42), configurer);
    long[] ids = new long[rs.length];
    for (int i = 0; i < rs.length; i++) {
      ids[i] = i + 1L;
    }
    for (int i = 0; i < rs.length; i++) {
      long id = ids[i];
      Raft r;
      if (rs[i] instanceof Raft) {
        r = (Raft) rs[i];
      } else if (rs[i] == null) {
        MemoryStorage s = new MemoryStorage();
        nw.storage.put(id, s);
        r = new Raft(configurer.apply(RaftTestUtil.config(id, 10, 1, s).peers(ids)).build());
      } else {
        r = null;
      }
      nw.peers.put(id, r);
    }
    return nw;
  }

  /** Peers: a {@link Raft}, null for a fresh raft, or {@link #BLACK_HOLE}. */
  static Network ofPeers(Object... rs) {
    return of(Function.identity(), rs);
  }

  /** Marker for a peer that swallows everything (etcd's {@code nopStepper}). */
  static final Object BLACK_HOLE = new Object();

  Raft peer(long id) {
    return peers.get(id);
  }

  /** Delivers the messages and everything they cause, until no message is in flight. */
  void send(Message... msgs) {
    ArrayDeque<Message> q = new ArrayDeque<>(List.of(msgs));
    while (!q.isEmpty()) {
      Message m = q.poll();
      Raft p = peers.get(m.getTo());
      if (p == null) {
        continue;
      }
      try {
        p.step(m);
      } catch (ProposalDroppedException e) {
        // As in etcd's network: dropped proposals are ignored.
      }
      q.addAll(filter(RaftTestUtil.readMessages(p)));
    }
  }

  void drop(long from, long to, double perc) {
    dropm.put(new Conn(from, to), perc);
  }

  void cut(long one, long other) {
    drop(one, other, 2.0);
    drop(other, one, 2.0);
  }

  void isolate(long id) {
    for (long nid : peers.keySet()) {
      if (nid != id) {
        drop(id, nid, 1.0);
        drop(nid, id, 1.0);
      }
    }
  }

  void ignore(MessageType t) {
    ignorem.add(t);
  }

  void recover() {
    dropm.clear();
    ignorem.clear();
  }

  /**
   * Replaces a peer with a new raft built from its storage (what a restarted process would see:
   * only what was persisted there).
   */
  Raft restart(long id) {
    MemoryStorage s = storage.get(id);
    Config.Builder b = RaftTestUtil.config(id, 10, 1, s);
    if (s.initialState().confState().getVotersCount() == 0) {
      // The kit's nodes keep their membership in the config, not in a snapshot.
      b.peers(peers.keySet().stream().mapToLong(Long::longValue).toArray());
    }
    Raft r = new Raft(configurer.apply(b).build());
    peers.put(id, r);
    return r;
  }

  private List<Message> filter(List<Message> msgs) {
    List<Message> out = new ArrayList<>();
    for (Message m : msgs) {
      if (ignorem.contains(m.getType())) {
        continue;
      }
      if (m.getType() == MessageType.MsgHup) {
        throw new IllegalStateException("unexpected msgHup");
      }
      Double perc = dropm.get(new Conn(m.getFrom(), m.getTo()));
      if (perc != null && rand.nextDouble() < perc) {
        continue;
      }
      if (msgHook != null && !msgHook.test(m)) {
        continue;
      }
      out.add(m);
    }
    return out;
  }
}
