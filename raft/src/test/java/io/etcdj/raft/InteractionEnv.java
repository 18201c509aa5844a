package io.etcdj.raft;

import com.google.errorprone.annotations.FormatMethod;
import com.google.protobuf.ByteString;
import io.etcdj.proto.raftpb.ConfChange;
import io.etcdj.proto.raftpb.ConfChangeSingle;
import io.etcdj.proto.raftpb.ConfChangeTransition;
import io.etcdj.proto.raftpb.ConfChangeType;
import io.etcdj.proto.raftpb.ConfChangeV2;
import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.EntryType;
import io.etcdj.proto.raftpb.Message;
import io.etcdj.proto.raftpb.Snapshot;
import io.etcdj.proto.raftpb.SnapshotMetadata;
import io.etcdj.raft.tracker.Progress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Our counterpart of etcd's {@code raft/rafttest} InteractionEnv: a group of {@link RawNode}s over
 * {@link MemoryStorage}, driven by the commands of etcd's raft interaction traces ({@code
 * add-nodes}, {@code campaign}, {@code stabilize}, ...). Each command's output is what etcd's
 * harness prints for it, raft's own log lines included (they go to the output through the {@link
 * Logger}), so a trace's expected output can be compared byte for byte. Written from the command
 * descriptions and the outputs; not a translation of the Go harness.
 *
 * <p>Not thread-safe; one test thread.
 */
final class InteractionEnv {
  private static final String[] LEVELS = {"DEBUG", "INFO", "WARN", "ERROR", "FATAL", "NONE"};

  /** etcd's default entry formatter: Go's {@code %q} of the payload. */
  static final Function<byte[], String> QUOTE = InteractionEnv::goQuote;

  private final List<TestNode> nodes = new ArrayList<>();
  private final List<Message> messages = new ArrayList<>();
  private StringBuilder out = new StringBuilder();
  private int level;

  /** One member: its RawNode, storage, and the snapshots of its "appender" state machine. */
  private static final class TestNode {
    final long id;
    final RawNode rn;
    final MemoryStorage storage;
    final List<Snapshot> history;
    final int heartbeatTick;

    TestNode(long id, RawNode rn, MemoryStorage storage, List<Snapshot> history, int hbTick) {
      this.id = id;
      this.rn = rn;
      this.storage = storage;
      this.history = history;
      this.heartbeatTick = hbTick;
    }
  }

  /** A failure reported to the output instead of the command's normal output. */
  static final class CommandException extends Exception {
    private static final long serialVersionUID = 1L;

    CommandException(String message) {
      super(message);
    }
  }

  /** Runs one command and returns its output as etcd's harness would print it. */
  String handle(DataDrivenFile.Block d) {
    out = new StringBuilder();
    String err = null;
    try {
      switch (d.cmd()) {
        case "_breakpoint" -> {}
        case "add-nodes" -> addNodes(d);
        case "campaign" -> node(d).rn.campaign();
        case "compact" -> compact(node(d), Long.parseLong(d.args().get(1).key()));
        case "deliver-msgs" -> deliverMsgs(d);
        case "process-ready" -> processReady(node(d));
        case "log-level" -> level = levelOf(d.args().get(0).key());
        case "raft-log" -> raftLog(node(d));
        case "stabilize" -> stabilize(d);
        case "status" -> status(node(d));
        case "tick-heartbeat" -> tickHeartbeat(node(d));
        case "propose" -> node(d).rn.propose(ByteString.copyFromUtf8(d.args().get(1).key()));
        case "propose-conf-change" -> proposeConfChange(d);
        default -> throw new CommandException("unknown command");
      }
    } catch (RaftException | CommandException e) {
      err = e.getMessage();
    }
    if (err != null) {
      out.append(err);
    }
    if (out.length() == 0) {
      return "ok";
    }
    if (level == LEVELS.length - 1) {
      return err != null ? err : "ok (quiet)";
    }
    return out.toString();
  }

  private static int levelOf(String name) throws CommandException {
    for (int i = 0; i < LEVELS.length; i++) {
      if (LEVELS[i].equalsIgnoreCase(name)) {
        return i;
      }
    }
    throw new CommandException("log levels must be either of [DEBUG INFO WARN ERROR FATAL NONE]");
  }

  private TestNode node(DataDrivenFile.Block d) {
    return nodes.get(Integer.parseInt(d.args().get(0).key()) - 1);
  }

  // ---------------------------------------------------------------------------------------------
  // add-nodes <n> voters=(1,2) learners=(3) index=2 content=foo

  private void addNodes(DataDrivenFile.Block d) throws CommandException, StorageException {
    int n = Integer.parseInt(d.args().get(0).key());
    SnapshotMetadata.Builder md = SnapshotMetadata.newBuilder();
    ConfState.Builder cs = ConfState.newBuilder();
    ByteString data = ByteString.EMPTY;
    boolean any = false;
    for (DataDrivenFile.Arg a : d.args().subList(1, d.args().size())) {
      for (String v : a.vals()) {
        any = true;
        switch (a.key()) {
          case "voters" -> cs.addVoters(Long.parseLong(v));
          case "learners" -> cs.addLearners(Long.parseLong(v));
          case "index" -> md.setIndex(Long.parseLong(v));
          case "content" -> data = ByteString.copyFromUtf8(v);
          default -> throw new CommandException("unknown argument " + a.key());
        }
      }
    }
    Snapshot snap = Snapshot.getDefaultInstance();
    if (any) {
      if (md.getIndex() <= 1) {
        throw new CommandException("index must be specified as > 1 due to bootstrap");
      }
      snap =
          Snapshot.newBuilder().setData(data).setMetadata(md.setTerm(1).setConfState(cs)).build();
    }
    for (int i = 0; i < n; i++) {
      long id = nodes.size() + 1L;
      MemoryStorage s = new MemoryStorage();
      if (any) {
        s.applySnapshot(snap);
        if (s.firstIndex() != snap.getMetadata().getIndex() + 1) {
          throw new CommandException("failed to establish first index");
        }
      }
      List<Snapshot> history = new ArrayList<>();
      history.add(snap);
      // Raft asks for a snapshot only to send one; it gets the node's latest applied state.
      Storage latest = new LatestSnapshotStorage(s, history);
      Config cfg =
          Config.builder()
              .id(id)
              .applied(snap.getMetadata().getIndex())
              .electionTick(3)
              .heartbeatTick(1)
              .storage(latest)
              .maxSizePerMsg(RaftUtil.NO_LIMIT)
              .maxInflightMsgs(Integer.MAX_VALUE)
              .random(new Random(id))
              .logger(new OutputLogger())
              .build();
      nodes.add(new TestNode(id, new RawNode(cfg), s, history, cfg.heartbeatTick));
    }
  }

  /** MemoryStorage whose {@link #snapshot()} is the node's latest applied state. */
  private static final class LatestSnapshotStorage implements Storage {
    private final MemoryStorage s;
    private final List<Snapshot> history;

    LatestSnapshotStorage(MemoryStorage s, List<Snapshot> history) {
      this.s = s;
      this.history = history;
    }

    @Override
    public InitialState initialState() throws StorageException {
      return s.initialState();
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxSize) throws StorageException {
      return s.entries(lo, hi, maxSize);
    }

    @Override
    public long term(long i) throws StorageException {
      return s.term(i);
    }

    @Override
    public long lastIndex() {
      return s.lastIndex();
    }

    @Override
    public long firstIndex() {
      return s.firstIndex();
    }

    @Override
    public Snapshot snapshot() {
      return history.get(history.size() - 1);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Ready handling and delivery

  private void processReady(TestNode n) throws StorageException, CommandException {
    Ready rd = n.rn.ready();
    out.append(describeReady(rd));
    // The order etcd's harness uses (HardState, entries, snapshot); fine for a test that never
    // crashes in between.
    if (!RaftUtil.isEmptyHardState(rd.hardState())) {
      n.storage.setHardState(rd.hardState());
    }
    n.storage.append(rd.entries());
    if (!RaftUtil.isEmptySnap(rd.snapshot())) {
      n.storage.applySnapshot(rd.snapshot());
    }
    for (Entry e : rd.committedEntries()) {
      ByteString update;
      ConfState cs = null;
      try {
        if (e.getType() == EntryType.EntryConfChange) {
          ConfChange cc = ConfChange.parseFrom(e.getData());
          update = cc.getContext();
          cs = n.rn.applyConfChange(cc);
        } else if (e.getType() == EntryType.EntryConfChangeV2) {
          ConfChangeV2 cc = ConfChangeV2.parseFrom(e.getData());
          update = cc.getContext();
          cs = n.rn.applyConfChange(cc);
        } else {
          update = e.getData();
        }
      } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
        throw new CommandException(ex.getMessage());
      }
      // The "appender" state machine: each snapshot is the previous data plus this update.
      Snapshot last = n.history.get(n.history.size() - 1);
      n.history.add(
          Snapshot.newBuilder()
              .setData(last.getData().concat(update))
              .setMetadata(
                  SnapshotMetadata.newBuilder()
                      .setIndex(e.getIndex())
                      .setTerm(e.getTerm())
                      .setConfState(cs != null ? cs : last.getMetadata().getConfState()))
              .build());
    }
    messages.addAll(rd.messages());
    n.rn.advance(rd);
  }

  private void deliverMsgs(DataDrivenFile.Block d) {
    List<long[]> recipients = new ArrayList<>(); // {id, drop?1:0}
    for (DataDrivenFile.Arg a : d.args()) {
      if (a.vals().isEmpty()) {
        recipients.add(new long[] {Long.parseLong(a.key()), 0});
      } else if (a.key().equals("drop")) {
        for (String v : a.vals()) {
          recipients.add(new long[] {Long.parseLong(v), 1});
        }
      }
    }
    int n = 0;
    for (long[] r : recipients) {
      n += deliver(r[0], r[1] == 1);
    }
    if (n == 0) {
      out.append("no messages\n");
    }
  }

  /** Delivers (or drops) every queued message to {@code to}, in order; returns how many. */
  private int deliver(long to, boolean drop) {
    List<Message> mine = new ArrayList<>();
    for (Iterator<Message> it = messages.iterator(); it.hasNext(); ) {
      Message m = it.next();
      if (m.getTo() == to) {
        mine.add(m);
        it.remove();
      }
    }
    for (Message m : mine) {
      if (drop) {
        out.append("dropped: ");
      }
      out.append(RaftUtil.describeMessage(m, QUOTE)).append('\n');
      if (drop) {
        continue;
      }
      try {
        nodes.get((int) m.getTo() - 1).rn.step(m);
      } catch (RaftException e) {
        out.append(e.getMessage());
      }
    }
    return mine.size();
  }

  private void stabilize(DataDrivenFile.Block d) throws StorageException, CommandException {
    List<TestNode> set = new ArrayList<>();
    for (DataDrivenFile.Arg a : d.args()) {
      if (a.vals().isEmpty()) {
        set.add(nodes.get(Integer.parseInt(a.key()) - 1));
      }
    }
    if (set.isEmpty()) {
      set = nodes;
    }
    while (true) {
      boolean done = true;
      for (TestNode n : set) {
        if (n.rn.hasReady()) {
          done = false;
          out.append("> ").append(n.id).append(" handling Ready\n");
          indented(() -> processReady(n));
        }
      }
      for (TestNode n : set) {
        boolean has = messages.stream().anyMatch(m -> m.getTo() == n.id);
        if (has) {
          out.append("> ").append(n.id).append(" receiving messages\n");
          indented(() -> deliver(n.id, false));
          done = false;
        }
      }
      if (done) {
        return;
      }
    }
  }

  private interface Step {
    void run() throws StorageException, CommandException;
  }

  /** Runs {@code f} with its output (log lines included) indented by two spaces. */
  private void indented(Step f) throws StorageException, CommandException {
    StringBuilder orig = out;
    out = new StringBuilder();
    try {
      f.run();
    } finally {
      String inner = out.toString();
      out = orig;
      for (String line : inner.split("\n")) {
        if (!inner.isEmpty()) {
          out.append("  ").append(line).append('\n');
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Other commands

  private void tickHeartbeat(TestNode n) {
    for (int i = 0; i < n.heartbeatTick; i++) {
      n.rn.tick();
    }
  }

  private void compact(TestNode n, long newFirstIndex) throws StorageException {
    n.storage.compact(newFirstIndex);
    raftLog(n);
  }

  private void raftLog(TestNode n) throws StorageException {
    long fi = n.storage.firstIndex();
    long li = n.storage.lastIndex();
    if (li < fi) {
      out.append(String.format("log is empty: first index=%d, last index=%d", fi, li));
      return;
    }
    for (Entry e : n.storage.entries(fi, li + 1, RaftUtil.NO_LIMIT)) {
      out.append(RaftUtil.describeEntry(e, QUOTE)).append('\n');
    }
  }

  private void status(TestNode n) {
    // etcd prints the progress map (tracker.ProgressMap), one "id: progress" line per member.
    Map<Long, Progress> prs = new TreeMap<>(Long::compareUnsigned);
    prs.putAll(n.rn.raft().prs.progress);
    for (Map.Entry<Long, Progress> e : prs.entrySet()) {
      out.append(Long.toUnsignedString(e.getKey())).append(": ").append(e.getValue()).append('\n');
    }
  }

  private void proposeConfChange(DataDrivenFile.Block d) throws RaftException, CommandException {
    TestNode n = node(d);
    boolean v1 = false;
    ConfChangeTransition transition = ConfChangeTransition.ConfChangeTransitionAuto;
    for (DataDrivenFile.Arg a : d.args().subList(1, d.args().size())) {
      for (String v : a.vals()) {
        switch (a.key()) {
          case "v1" -> v1 = Boolean.parseBoolean(v);
          case "transition" ->
              transition =
                  switch (v) {
                    case "auto" -> ConfChangeTransition.ConfChangeTransitionAuto;
                    case "implicit" -> ConfChangeTransition.ConfChangeTransitionJointImplicit;
                    case "explicit" -> ConfChangeTransition.ConfChangeTransitionJointExplicit;
                    default -> throw new CommandException("unknown transition " + v);
                  };
          default -> throw new CommandException("unknown command " + a.key());
        }
      }
    }
    List<ConfChangeSingle> ccs = confChangesFromString(d.input());
    if (v1) {
      if (ccs.size() > 1 || transition != ConfChangeTransition.ConfChangeTransitionAuto) {
        throw new CommandException("v1 conf change can only have one operation and no transition");
      }
      n.rn.proposeConfChange(
          ConfChange.newBuilder()
              .setType(ccs.get(0).getType())
              .setNodeId(ccs.get(0).getNodeId())
              .build());
    } else {
      n.rn.proposeConfChange(
          ConfChangeV2.newBuilder().setTransition(transition).addAllChanges(ccs).build());
    }
  }

  /** "v1 l2 r3 u4" to changes (etcd {@code ConfChangesFromString}). */
  static List<ConfChangeSingle> confChangesFromString(String s) throws CommandException {
    List<ConfChangeSingle> out = new ArrayList<>();
    String trimmed = s.trim();
    if (trimmed.isEmpty()) {
      return out;
    }
    for (String tok : trimmed.split(" ")) {
      if (tok.length() < 2) {
        throw new CommandException("unknown token " + tok);
      }
      ConfChangeType t =
          switch (tok.charAt(0)) {
            case 'v' -> ConfChangeType.ConfChangeAddNode;
            case 'l' -> ConfChangeType.ConfChangeAddLearnerNode;
            case 'r' -> ConfChangeType.ConfChangeRemoveNode;
            case 'u' -> ConfChangeType.ConfChangeUpdateNode;
            default -> throw new CommandException("unknown input: " + tok);
          };
      out.add(
          ConfChangeSingle.newBuilder()
              .setType(t)
              .setNodeId(Long.parseUnsignedLong(tok.substring(1)))
              .build());
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Formatting

  /** etcd {@code DescribeReady}. */
  static String describeReady(Ready rd) {
    StringBuilder b = new StringBuilder();
    if (rd.softState() != null) {
      b.append("Lead:")
          .append(Long.toUnsignedString(rd.softState().lead()))
          .append(" State:")
          .append(rd.softState().raftState())
          .append('\n');
    }
    if (!RaftUtil.isEmptyHardState(rd.hardState())) {
      b.append("HardState ").append(RaftUtil.describeHardState(rd.hardState())).append('\n');
    }
    if (!rd.readStates().isEmpty()) {
      b.append("ReadStates ").append(rd.readStates()).append('\n');
    }
    if (!rd.entries().isEmpty()) {
      b.append("Entries:\n");
      for (Entry e : rd.entries()) {
        b.append(RaftUtil.describeEntry(e, QUOTE)).append('\n');
      }
    }
    if (!RaftUtil.isEmptySnap(rd.snapshot())) {
      b.append("Snapshot ").append(RaftUtil.describeSnapshot(rd.snapshot())).append('\n');
    }
    if (!rd.committedEntries().isEmpty()) {
      b.append("CommittedEntries:\n");
      for (Entry e : rd.committedEntries()) {
        b.append(RaftUtil.describeEntry(e, QUOTE)).append('\n');
      }
    }
    if (!rd.messages().isEmpty()) {
      b.append("Messages:\n");
      for (Message m : rd.messages()) {
        b.append(RaftUtil.describeMessage(m, QUOTE)).append('\n');
      }
    }
    if (b.length() > 0) {
      return "Ready MustSync=" + rd.mustSync() + ":\n" + b;
    }
    return "<empty Ready>";
  }

  /** Go's {@code %q} of a byte string (printable ASCII kept, the rest escaped). */
  static String goQuote(byte[] data) {
    StringBuilder b = new StringBuilder("\"");
    for (byte x : data) {
      int c = x & 0xff;
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> {
          if (c >= 0x20 && c < 0x7f) {
            b.append((char) c);
          } else {
            b.append(String.format("\\x%02x", c));
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** Raft's log lines go to the current command's output, as etcd's RedirectLogger does. */
  private final class OutputLogger implements Logger {
    @FormatMethod
    private void print(int lvl, String format, Object... args) {
      if (level <= lvl) {
        out.append(LEVELS[lvl]).append(' ').append(String.format(format, args));
        if (!format.endsWith("\n")) {
          out.append('\n');
        }
      }
    }

    @Override
    @FormatMethod
    public void debug(String format, Object... args) {
      print(0, format, args);
    }

    @Override
    @FormatMethod
    public void info(String format, Object... args) {
      print(1, format, args);
    }

    @Override
    @FormatMethod
    public void warn(String format, Object... args) {
      print(2, format, args);
    }

    @Override
    @FormatMethod
    public void error(String format, Object... args) {
      print(3, format, args);
    }
  }
}
