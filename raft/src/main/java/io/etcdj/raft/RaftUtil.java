package io.etcdj.raft;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etcdj.proto.raftpb.ConfChange;
import io.etcdj.proto.raftpb.ConfChangeSingle;
import io.etcdj.proto.raftpb.ConfChangeTransition;
import io.etcdj.proto.raftpb.ConfChangeV2;
import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.EntryType;
import io.etcdj.proto.raftpb.HardState;
import io.etcdj.proto.raftpb.Message;
import io.etcdj.proto.raftpb.MessageType;
import io.etcdj.proto.raftpb.Snapshot;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * Stateless helpers over raftpb values (etcd {@code raft/util.go}, {@code raftpb/confchange.go}):
 * message classification for transports, size accounting, and the {@code describe*} renderings used
 * in logs and tests.
 *
 * <p>Thread-safe (no state).
 */
public final class RaftUtil {
  /** The ID meaning "no node" (etcd {@code raft.None}). */
  public static final long NONE = 0;

  /** etcd's {@code noLimit} ({@code math.MaxUint64}); as a signed long, the largest value. */
  public static final long NO_LIMIT = Long.MAX_VALUE;

  private RaftUtil() {}

  /** Whether the type is only ever created inside the local node and must not come off the wire. */
  public static boolean isLocalMsg(MessageType t) {
    return t == MessageType.MsgHup
        || t == MessageType.MsgBeat
        || t == MessageType.MsgUnreachable
        || t == MessageType.MsgSnapStatus
        || t == MessageType.MsgCheckQuorum;
  }

  /** Whether the type answers an earlier message (such messages need a known sender). */
  public static boolean isResponseMsg(MessageType t) {
    return t == MessageType.MsgAppResp
        || t == MessageType.MsgVoteResp
        || t == MessageType.MsgHeartbeatResp
        || t == MessageType.MsgUnreachable
        || t == MessageType.MsgPreVoteResp;
  }

  static MessageType voteRespMsgType(MessageType t) {
    return switch (t) {
      case MsgVote -> MessageType.MsgVoteResp;
      case MsgPreVote -> MessageType.MsgPreVoteResp;
      default -> throw new IllegalStateException("not a vote message: " + t);
    };
  }

  public static boolean isEmptyHardState(HardState st) {
    return st.getTerm() == 0 && st.getVote() == 0 && st.getCommit() == 0;
  }

  static boolean isHardStateEqual(HardState a, HardState b) {
    return a.getTerm() == b.getTerm()
        && a.getVote() == b.getVote()
        && a.getCommit() == b.getCommit();
  }

  /** A snapshot with index 0 is "no snapshot". */
  public static boolean isEmptySnap(Snapshot s) {
    return s.getMetadata().getIndex() == 0;
  }

  /**
   * Whether the HardState and entries of a Ready must be fsynced before messages are sent: new
   * entries, or a changed vote or term (etcd {@code MustSync}).
   */
  public static boolean mustSync(HardState st, HardState prev, int entsNum) {
    return entsNum != 0 || st.getVote() != prev.getVote() || st.getTerm() != prev.getTerm();
  }

  /** Size used for the uncommitted-entries limit: only the payload counts. */
  public static int payloadSize(Entry e) {
    return e.getData().size();
  }

  static long payloadSize(List<Entry> ents) {
    long s = 0;
    for (Entry e : ents) {
      s += payloadSize(e);
    }
    return s;
  }

  /** The longest prefix whose serialized size stays within {@code maxSize}, but at least one. */
  static List<Entry> limitSize(List<Entry> ents, long maxSize) {
    if (ents.isEmpty()) {
      return ents;
    }
    long size = ents.get(0).getSerializedSize();
    int limit;
    for (limit = 1; limit < ents.size(); limit++) {
      size += ents.get(limit).getSerializedSize();
      if (size > maxSize) {
        break;
      }
    }
    return limit == ents.size() ? ents : ents.subList(0, limit);
  }

  /** A v1 ConfChange as the equivalent single-change V2 (etcd {@code ConfChange.AsV2}). */
  public static ConfChangeV2 asV2(ConfChange cc) {
    ConfChangeV2.Builder b =
        ConfChangeV2.newBuilder()
            .addChanges(
                ConfChangeSingle.newBuilder().setType(cc.getType()).setNodeId(cc.getNodeId()));
    if (cc.hasContext()) {
      b.setContext(cc.getContext());
    }
    return b.build();
  }

  /** Whether this V2 change is the empty "leave the joint config" change (context ignored). */
  public static boolean isLeaveJoint(ConfChangeV2 cc) {
    // Go compares against the zero value; an explicitly-set zero transition counts as unset.
    return cc.getChangesCount() == 0
        && cc.getTransition() == ConfChangeTransition.ConfChangeTransitionAuto;
  }

  /**
   * Whether this V2 change enters a joint configuration; if so the result says whether to leave it
   * automatically. Returns null for a simple change (etcd {@code ConfChangeV2.EnterJoint}).
   */
  public static Boolean enterJoint(ConfChangeV2 cc) {
    return switch (cc.getTransition()) {
      case ConfChangeTransitionAuto -> cc.getChangesCount() > 1 ? Boolean.TRUE : null;
      case ConfChangeTransitionJointImplicit -> Boolean.TRUE;
      case ConfChangeTransitionJointExplicit -> Boolean.FALSE;
      default -> throw new IllegalStateException("unknown transition: " + cc);
    };
  }

  /** Decodes the ConfChange carried by a conf-change entry as V2, or null for a normal entry. */
  static ConfChangeV2 confChangeOf(Entry e) {
    try {
      return switch (e.getType()) {
        case EntryConfChange -> asV2(ConfChange.parseFrom(e.getData()));
        case EntryConfChangeV2 -> ConfChangeV2.parseFrom(e.getData());
        default -> null;
      };
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /**
   * The proposed conf change as etcd logs it with Go's {@code %v} of the gogoproto struct, e.g.
   * {@code {ConfChangeTransitionAuto [{ConfChangeAddNode 3 []}] [] []}} for a V2 change and {@code
   * {0 ConfChangeRemoveNode 2 [] []}} for a v1 one (the last {@code []} is the always-empty
   * XXX_unrecognized field), so our log lines read like etcd's.
   */
  static String goValueOfConfChange(Entry e) {
    try {
      if (e.getType() == EntryType.EntryConfChange) {
        ConfChange cc = ConfChange.parseFrom(e.getData());
        return String.format(
            "{%s %s %s %s []}",
            Long.toUnsignedString(cc.getId()),
            cc.getType(),
            Long.toUnsignedString(cc.getNodeId()),
            goBytes(cc.getContext()));
      }
      ConfChangeV2 cc = ConfChangeV2.parseFrom(e.getData());
      StringBuilder b = new StringBuilder("{").append(cc.getTransition()).append(" [");
      for (int i = 0; i < cc.getChangesCount(); i++) {
        ConfChangeSingle c = cc.getChanges(i);
        if (i > 0) {
          b.append(' ');
        }
        b.append('{')
            .append(c.getType())
            .append(' ')
            .append(Long.toUnsignedString(c.getNodeId()))
            .append(" []}");
      }
      return b.append("] ").append(goBytes(cc.getContext())).append(" []}").toString();
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /** Go's {@code %v} of a byte slice: decimal bytes in brackets. */
  private static String goBytes(ByteString bs) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < bs.size(); i++) {
      if (i > 0) {
        b.append(' ');
      }
      b.append(bs.byteAt(i) & 0xff);
    }
    return b.append(']').toString();
  }

  /** "v1 l2 r3 u4" rendering of changes (etcd {@code ConfChangesToString}). */
  public static String confChangesToString(List<ConfChangeSingle> ccs) {
    StringBuilder b = new StringBuilder();
    for (ConfChangeSingle cc : ccs) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(
          switch (cc.getType()) {
            case ConfChangeAddNode -> "v";
            case ConfChangeAddLearnerNode -> "l";
            case ConfChangeRemoveNode -> "r";
            case ConfChangeUpdateNode -> "u";
          });
      b.append(Long.toUnsignedString(cc.getNodeId()));
    }
    return b.toString();
  }

  public static String describeHardState(HardState hs) {
    StringBuilder b = new StringBuilder("Term:").append(hs.getTerm());
    if (hs.getVote() != 0) {
      b.append(" Vote:").append(Long.toUnsignedString(hs.getVote()));
    }
    return b.append(" Commit:").append(hs.getCommit()).toString();
  }

  public static String describeConfState(ConfState cs) {
    return String.format(
        "Voters:%s VotersOutgoing:%s Learners:%s LearnersNext:%s AutoLeave:%s",
        ids(cs.getVotersList()),
        ids(cs.getVotersOutgoingList()),
        ids(cs.getLearnersList()),
        ids(cs.getLearnersNextList()),
        cs.getAutoLeave());
  }

  private static String ids(List<Long> l) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < l.size(); i++) {
      if (i > 0) {
        b.append(' ');
      }
      b.append(Long.toUnsignedString(l.get(i)));
    }
    return b.append(']').toString();
  }

  public static String describeSnapshot(Snapshot s) {
    return String.format(
        "Index:%d Term:%d ConfState:%s",
        s.getMetadata().getIndex(),
        s.getMetadata().getTerm(),
        describeConfState(s.getMetadata().getConfState()));
  }

  /** One-line rendering of an entry, {@code term/index type payload}. */
  public static String describeEntry(Entry e, Function<byte[], String> formatter) {
    String formatted =
        switch (e.getType()) {
          case EntryConfChange, EntryConfChangeV2 ->
              confChangesToString(confChangeOf(e).getChangesList());
          default ->
              formatter != null
                  ? formatter.apply(e.getData().toByteArray())
                  : '"' + e.getData().toString(StandardCharsets.UTF_8) + '"';
        };
    if (!formatted.isEmpty()) {
      formatted = " " + formatted;
    }
    return String.format("%d/%d %s%s", e.getTerm(), e.getIndex(), e.getType(), formatted);
  }

  /**
   * One-line rendering of a message for logs, e.g. {@code 1->2 MsgApp Term:3 Log:3/10 Commit:9}
   * (etcd {@code DescribeMessage}; IDs in hex).
   */
  public static String describeMessage(Message m, Function<byte[], String> formatter) {
    StringBuilder b =
        new StringBuilder(
            String.format(
                "%x->%x %s Term:%d Log:%d/%d",
                m.getFrom(), m.getTo(), m.getType(), m.getTerm(), m.getLogTerm(), m.getIndex()));
    if (m.getReject()) {
      b.append(" Rejected (Hint: ").append(m.getRejectHint()).append(')');
    }
    if (m.getCommit() != 0) {
      b.append(" Commit:").append(m.getCommit());
    }
    if (m.getEntriesCount() > 0) {
      b.append(" Entries:[");
      for (int i = 0; i < m.getEntriesCount(); i++) {
        if (i != 0) {
          b.append(", ");
        }
        b.append(describeEntry(m.getEntries(i), formatter));
      }
      b.append(']');
    }
    if (m.hasSnapshot() && !isEmptySnap(m.getSnapshot())) {
      b.append(" Snapshot: ").append(describeSnapshot(m.getSnapshot()));
    }
    return b.toString();
  }

  public static String describeMessage(Message m) {
    return describeMessage(m, null);
  }
}
