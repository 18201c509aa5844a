package io.etcdj.raft.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Behaviours of etcd's {@code tracker/progress_test.go} and {@code inflights_test.go}. */
class ProgressTest {

  private static Progress progress(ProgressState state, long match, long next) {
    Progress p = new Progress(match, next, 256, false, true);
    p.state = state;
    return p;
  }

  /** TestProgressString. */
  @Test
  void rendersLikeEtcd() {
    Progress p = progress(ProgressState.StateSnapshot, 1, 2);
    p.pendingSnapshot = 123;
    p.recentActive = false;
    p.probeSent = true;
    p.inflights = new Inflights(1);
    p.inflights.add(123);
    assertThat(p.toString())
        .isEqualTo(
            "StateSnapshot match=1 next=2 learner paused pendingSnap=123 inactive inflight=1[full]"
                .replace(" learner", ""));
  }

  /** TestProgressIsPaused. */
  @Test
  void pausedDependsOnState() {
    Progress p = progress(ProgressState.StateProbe, 0, 1);
    assertThat(p.isPaused()).isFalse();
    p.probeSent = true;
    assertThat(p.isPaused()).isTrue();
    p = progress(ProgressState.StateReplicate, 0, 1);
    p.probeSent = true;
    assertThat(p.isPaused()).isFalse();
    assertThat(progress(ProgressState.StateSnapshot, 0, 1).isPaused()).isTrue();
  }

  /** TestProgressResume: an acknowledgement or a rejection of the probe resumes sending. */
  @Test
  void updateAndDecrResumeProbe() {
    Progress p = progress(ProgressState.StateProbe, 0, 2);
    p.probeSent = true;
    p.maybeDecrTo(1, 1);
    assertThat(p.probeSent).isFalse();
    p.probeSent = true;
    p.maybeUpdate(2);
    assertThat(p.probeSent).isFalse();
  }

  /** TestProgressBecomeProbe. */
  @Test
  void becomeProbeResumesAfterPendingSnapshot() {
    Progress p = progress(ProgressState.StateReplicate, 1, 5);
    p.becomeProbe();
    assertThat(p.next).isEqualTo(2);
    p = progress(ProgressState.StateSnapshot, 1, 5);
    p.pendingSnapshot = 10;
    p.becomeProbe();
    assertThat(p.next).isEqualTo(11);
    p = progress(ProgressState.StateSnapshot, 1, 5);
    p.pendingSnapshot = 0;
    p.becomeProbe();
    assertThat(p.next).isEqualTo(2);
  }

  /** TestProgressBecomeReplicate, TestProgressBecomeSnapshot. */
  @Test
  void becomeReplicateAndSnapshot() {
    Progress p = progress(ProgressState.StateProbe, 1, 5);
    p.becomeReplicate();
    assertThat(p.state).isEqualTo(ProgressState.StateReplicate);
    assertThat(p.next).isEqualTo(2);
    p.becomeSnapshot(10);
    assertThat(p.state).isEqualTo(ProgressState.StateSnapshot);
    assertThat(p.pendingSnapshot).isEqualTo(10);
    assertThat(p.match).isEqualTo(1);
  }

  /** TestProgressUpdate. */
  @Test
  void maybeUpdateOnlyMovesForward() {
    Progress p = progress(ProgressState.StateProbe, 3, 5);
    assertThat(p.maybeUpdate(2)).isFalse();
    assertThat(p.next).isEqualTo(5);
    assertThat(p.maybeUpdate(3)).isFalse();
    assertThat(p.maybeUpdate(4)).isTrue();
    assertThat(p.next).isEqualTo(5);
    assertThat(p.maybeUpdate(5)).isTrue();
    assertThat(p.next).isEqualTo(6);
  }

  /** TestProgressMaybeDecr. */
  @Test
  void maybeDecrToHonoursState() {
    // Replicate: stale rejections are ignored, others fall back to match+1.
    Progress p = progress(ProgressState.StateReplicate, 5, 10);
    assertThat(p.maybeDecrTo(5, 5)).isFalse();
    assertThat(p.maybeDecrTo(4, 4)).isFalse();
    assertThat(p.maybeDecrTo(9, 9)).isTrue();
    assertThat(p.next).isEqualTo(6);
    // Probe: only the rejection of next-1 counts; the hint bounds the next index.
    p = progress(ProgressState.StateProbe, 0, 0);
    assertThat(p.maybeDecrTo(0, 0)).isFalse();
    p = progress(ProgressState.StateProbe, 0, 10);
    assertThat(p.maybeDecrTo(5, 5)).isFalse();
    assertThat(p.maybeDecrTo(9, 9)).isTrue();
    assertThat(p.next).isEqualTo(9);
    p = progress(ProgressState.StateProbe, 0, 2);
    assertThat(p.maybeDecrTo(1, 0)).isTrue();
    assertThat(p.next).isEqualTo(1);
    p = progress(ProgressState.StateProbe, 0, 10);
    assertThat(p.maybeDecrTo(9, 2)).isTrue();
    assertThat(p.next).isEqualTo(3);
    p = progress(ProgressState.StateProbe, 0, 10);
    assertThat(p.maybeDecrTo(9, 0)).isTrue();
    assertThat(p.next).isEqualTo(1);
  }

  /** TestInflightsAdd, TestInflightFreeTo, TestInflightFreeFirstOne. */
  @Test
  void inflightsRingFillsWrapsAndFrees() {
    Inflights in = new Inflights(10);
    for (int i = 0; i < 5; i++) {
      in.add(i);
    }
    assertThat(in.count()).isEqualTo(5);
    for (int i = 5; i < 10; i++) {
      in.add(i);
    }
    assertThat(in.full()).isTrue();
    assertThatThrownBy(() -> in.add(10))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("cannot add into a Full inflights");
    in.freeLE(4);
    assertThat(in.count()).isEqualTo(5);
    in.freeLE(8);
    assertThat(in.count()).isEqualTo(1);
    // Wrap around.
    for (int i = 10; i < 15; i++) {
      in.add(i);
    }
    in.freeLE(12);
    assertThat(in.count()).isEqualTo(2);
    in.freeFirstOne();
    assertThat(in.count()).isEqualTo(1);
    in.freeLE(14);
    assertThat(in.count()).isZero();
    // Freeing below the first is a no-op.
    in.add(20);
    in.freeLE(3);
    assertThat(in.count()).isEqualTo(1);
  }
}
