package io.etcdj.raft;

import com.google.protobuf.ByteString;
import io.etcdj.proto.raftpb.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The leader's pending read-index requests awaiting heartbeat confirmation by a quorum (etcd {@code
 * raft/read_only.go}). Requests are keyed by their context bytes and answered in arrival order: an
 * acknowledgement of a later request confirms all earlier ones.
 *
 * <p>Not thread-safe; owned by the raft state's thread.
 */
final class ReadOnly {
  /** One pending request, the commit index at arrival, and who has acknowledged it. */
  static final class ReadIndexStatus {
    final Message req;
    final long index;
    final Map<Long, Boolean> acks = new HashMap<>();

    ReadIndexStatus(Message req, long index) {
      this.req = req;
      this.index = index;
    }
  }

  final ReadOnlyOption option;
  private final Map<ByteString, ReadIndexStatus> pendingReadIndex = new HashMap<>();
  private List<ByteString> readIndexQueue = new ArrayList<>();

  ReadOnly(ReadOnlyOption option) {
    this.option = option;
  }

  /** Queues a request received when the commit index was {@code index}; duplicates are ignored. */
  void addRequest(long index, Message m) {
    ByteString s = m.getEntries(0).getData();
    if (pendingReadIndex.containsKey(s)) {
      return;
    }
    pendingReadIndex.put(s, new ReadIndexStatus(m, index));
    readIndexQueue.add(s);
  }

  /** Records an acknowledgement; returns the acks so far, or null for an unknown context. */
  Map<Long, Boolean> recvAck(long id, ByteString context) {
    ReadIndexStatus rs = pendingReadIndex.get(context);
    if (rs == null) {
      return null;
    }
    rs.acks.put(id, true);
    return rs.acks;
  }

  /**
   * Dequeues the request with the message's context and every request before it, returning them in
   * order; empty if the context is unknown.
   */
  List<ReadIndexStatus> advance(Message m) {
    ByteString ctx = m.getContext();
    List<ReadIndexStatus> rss = new ArrayList<>();
    int i = 0;
    boolean found = false;
    for (ByteString okctx : readIndexQueue) {
      i++;
      ReadIndexStatus rs = pendingReadIndex.get(okctx);
      if (rs == null) {
        throw new IllegalStateException("cannot find corresponding read state from pending map");
      }
      rss.add(rs);
      if (okctx.equals(ctx)) {
        found = true;
        break;
      }
    }
    if (!found) {
      return List.of();
    }
    readIndexQueue = new ArrayList<>(readIndexQueue.subList(i, readIndexQueue.size()));
    for (ReadIndexStatus rs : rss) {
      pendingReadIndex.remove(rs.req.getEntries(0).getData());
    }
    return rss;
  }

  /** Context of the newest pending request, or empty if none. */
  ByteString lastPendingRequestCtx() {
    if (readIndexQueue.isEmpty()) {
      return ByteString.EMPTY;
    }
    return readIndexQueue.get(readIndexQueue.size() - 1);
  }
}
