package io.etcdj.raft.confchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.base.Splitter;
import io.etcdj.proto.raftpb.ConfChangeSingle;
import io.etcdj.proto.raftpb.ConfChangeType;
import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.raft.tracker.Progress;
import io.etcdj.raft.tracker.ProgressTracker;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Behaviours of etcd's {@code confchange} tests: simple changes, entering and leaving joint
 * configs, learners and learners-next, and validation errors with etcd's texts.
 */
class ChangerTest {

  /** Parses etcd's compact change syntax: {@code v1 l2 r3 u4}. */
  static List<ConfChangeSingle> ccs(String s) {
    List<ConfChangeSingle> out = new ArrayList<>();
    for (String tok : Splitter.on(' ').omitEmptyStrings().split(s.trim())) {
      ConfChangeType t =
          switch (tok.charAt(0)) {
            case 'v' -> ConfChangeType.ConfChangeAddNode;
            case 'l' -> ConfChangeType.ConfChangeAddLearnerNode;
            case 'r' -> ConfChangeType.ConfChangeRemoveNode;
            case 'u' -> ConfChangeType.ConfChangeUpdateNode;
            default -> throw new IllegalArgumentException("unknown input: " + tok);
          };
      out.add(
          ConfChangeSingle.newBuilder()
              .setType(t)
              .setNodeId(Long.parseUnsignedLong(tok.substring(1)))
              .build());
    }
    return out;
  }

  /** Applies changes one command at a time, installing each result, like etcd's test driver. */
  static final class Driver {
    final ProgressTracker tr = new ProgressTracker(10);
    long lastIndex;

    String run(String cmd, String args, String input) {
      try {
        Changer c = new Changer(tr, lastIndex);
        Changer.Result r =
            switch (cmd) {
              case "simple" -> c.simple(ccs(input));
              case "enter-joint" -> c.enterJoint(args.contains("autoleave=true"), ccs(input));
              case "leave-joint" -> c.leaveJoint();
              default -> null;
            };
        if (r == null) {
          return "unknown command";
        }
        tr.config = r.config();
        tr.progress = r.progress();
        return render(tr);
      } catch (ConfChangeException e) {
        return e.getMessage() + "\n";
      } finally {
        lastIndex++;
      }
    }
  }

  static String render(ProgressTracker tr) {
    StringBuilder b = new StringBuilder(tr.config.toString()).append('\n');
    for (Map.Entry<Long, Progress> e : tr.progress.entrySet()) {
      b.append(Long.toUnsignedString(e.getKey())).append(": ").append(e.getValue()).append('\n');
    }
    return b.toString();
  }

  /** confchange/testdata/joint_learners_next.txt, written out. */
  @Test
  void demotedVoterWaitsInLearnersNextUntilJointIsLeft() {
    Driver d = new Driver();
    assertThat(d.run("simple", "", "v1")).isEqualTo("voters=(1)\n1: StateProbe match=0 next=0\n");
    assertThat(d.run("enter-joint", "", "v2 l1"))
        .isEqualTo(
            """
            voters=(2)&&(1) learners_next=(1)
            1: StateProbe match=0 next=0
            2: StateProbe match=0 next=1
            """);
    assertThat(d.run("leave-joint", "", ""))
        .isEqualTo(
            """
            voters=(2) learners=(1)
            1: StateProbe match=0 next=0 learner
            2: StateProbe match=0 next=1
            """);
  }

  @Test
  void simpleChangeRefusesTwoVoterChanges() {
    Driver d = new Driver();
    d.run("simple", "", "v1");
    assertThat(d.run("simple", "", "v2 v3"))
        .isEqualTo("more than one voter changed without entering joint config\n");
    assertThat(d.run("simple", "", "r1")).isEqualTo("removed all voters\n");
    assertThat(d.run("leave-joint", "", "")).isEqualTo("can't leave a non-joint config\n");
  }

  @Test
  void jointConfigRejectsNestingAndSimpleChanges() {
    Driver d = new Driver();
    assertThat(d.run("enter-joint", "", "v1")).isEqualTo("can't make a zero-voter config joint\n");
    d.run("simple", "", "v1");
    d.run("enter-joint", "autoleave=true", "v2 v3");
    assertThat(d.tr.config.autoLeave).isTrue();
    assertThat(d.run("enter-joint", "", "v4")).isEqualTo("config is already joint\n");
    assertThat(d.run("simple", "", "v4"))
        .isEqualTo("can't apply simple config change in joint config\n");
    assertThat(d.run("leave-joint", "", "")).startsWith("voters=(1 2 3)\n");
    assertThat(d.tr.config.autoLeave).isFalse();
  }

  @Test
  void removedOutgoingVoterKeepsProgressUntilLeave() {
    Driver d = new Driver();
    d.run("simple", "", "v1");
    d.run("simple", "", "v2");
    d.run("enter-joint", "", "r2 v3");
    assertThat(d.tr.progress).containsKey(2L);
    assertThat(d.tr.config.voters.toString()).isEqualTo("(1 3)&&(1 2)");
    d.run("leave-joint", "", "");
    assertThat(d.tr.progress).doesNotContainKey(2L);
  }

  /** TestRestore: restoring a ConfState reproduces it exactly. */
  @Test
  void restoreRoundTripsConfStates() throws Exception {
    List<ConfState> states =
        List.of(
            ConfState.getDefaultInstance(),
            ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build(),
            ConfState.newBuilder().addVoters(1).addVoters(2).addLearners(4).addLearners(5).build(),
            ConfState.newBuilder()
                .addVoters(1)
                .addVoters(2)
                .addVotersOutgoing(1)
                .addVotersOutgoing(3)
                .addLearners(5)
                .addLearnersNext(3)
                .setAutoLeave(true)
                .build(),
            ConfState.newBuilder()
                .addVoters(4)
                .addVotersOutgoing(1)
                .addVotersOutgoing(2)
                .addVotersOutgoing(3)
                .build());
    for (ConfState cs : states) {
      ProgressTracker tr = new ProgressTracker(20);
      Changer.Result r = Restore.restore(tr, 10, cs);
      tr.config = r.config();
      tr.progress = r.progress();
      assertThat(tr.confState()).isEqualTo(cs.toBuilder().setAutoLeave(cs.getAutoLeave()).build());
    }
  }

  @Test
  void invalidConfStateFailsToRestore() {
    ConfState cs = ConfState.newBuilder().addVoters(1).addLearners(1).build();
    assertThatThrownBy(() -> Restore.restore(new ProgressTracker(10), 0, cs))
        .isInstanceOf(ConfChangeException.class);
  }

  /** Runs etcd v3.4.23's own confchange golden files, vendored under test resources. */
  @TestFactory
  Stream<DynamicTest> etcdGoldenFiles() throws IOException, URISyntaxException {
    URL url = ChangerTest.class.getResource("/etcd-testdata/confchange");
    assertThat(url).as("vendored etcd confchange testdata on the test classpath").isNotNull();
    Path dir = Path.of(url.toURI());
    List<DynamicTest> tests = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        tests.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> runGolden(f)));
      }
    }
    assertThat(tests).hasSize(9);
    return tests.stream();
  }

  private static void runGolden(Path f) throws IOException {
    List<String> lines = Files.readAllLines(f);
    Driver d = new Driver();
    int i = 0;
    while (i < lines.size()) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        i++;
        continue;
      }
      int sp = line.indexOf(' ');
      String cmd = sp < 0 ? line : line.substring(0, sp);
      String args = sp < 0 ? "" : line.substring(sp + 1);
      int at = i + 1;
      StringBuilder input = new StringBuilder();
      while (!lines.get(i + 1).equals("----")) {
        i++;
        input.append(lines.get(i)).append('\n');
      }
      i += 2;
      StringBuilder expected = new StringBuilder();
      while (i < lines.size() && !lines.get(i).isEmpty()) {
        expected.append(lines.get(i)).append('\n');
        i++;
      }
      String got = d.run(cmd, args, input.toString());
      assertThat(got.trim())
          .as("%s:%d %s", f.getFileName(), at, cmd)
          .isEqualTo(expected.toString().trim());
    }
  }
}
