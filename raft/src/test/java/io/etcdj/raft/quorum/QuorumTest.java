package io.etcdj.raft.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Behaviours of etcd's {@code quorum} datadriven tests (majority/joint commit and vote). */
class QuorumTest {

  private static AckedIndexer acked(Map<Long, Long> idx) {
    return id -> idx.containsKey(id) ? OptionalLong.of(idx.get(id)) : OptionalLong.empty();
  }

  @Test
  void majorityCommitsIndexAckedByMajority() {
    assertThat(new MajorityConfig().committedIndex(acked(Map.of()))).isEqualTo(Long.MAX_VALUE);
    assertThat(MajorityConfig.of(1).committedIndex(acked(Map.of(1L, 12L)))).isEqualTo(12);
    assertThat(MajorityConfig.of(1, 2).committedIndex(acked(Map.of(1L, 12L, 2L, 5L)))).isEqualTo(5);
    assertThat(MajorityConfig.of(1, 2, 3).committedIndex(acked(Map.of(1L, 12L, 2L, 5L, 3L, 4L))))
        .isEqualTo(5);
    // A missing voter counts as zero.
    assertThat(MajorityConfig.of(1, 2, 3).committedIndex(acked(Map.of(1L, 12L)))).isZero();
    assertThat(
            MajorityConfig.of(1, 2, 3, 4, 5)
                .committedIndex(acked(Map.of(1L, 101L, 2L, 102L, 3L, 103L, 4L, 104L))))
        .isEqualTo(102);
  }

  @Test
  void jointCommitIsMinimumOfHalves() {
    JointConfig j = new JointConfig(MajorityConfig.of(1, 2, 3), MajorityConfig.of(4, 5, 6));
    Map<Long, Long> idx = Map.of(1L, 10L, 2L, 10L, 3L, 1L, 4L, 7L, 5L, 8L, 6L, 1L);
    assertThat(j.committedIndex(acked(idx))).isEqualTo(7);
    JointConfig simple = new JointConfig(MajorityConfig.of(1, 2, 3), new MajorityConfig());
    assertThat(simple.committedIndex(acked(idx))).isEqualTo(10);
    assertThat(j.toString()).isEqualTo("(1 2 3)&&(4 5 6)");
  }

  @Test
  void votesWinLoseOrPend() {
    MajorityConfig c = MajorityConfig.of(1, 2, 3);
    assertThat(new MajorityConfig().voteResult(Map.of())).isEqualTo(VoteResult.VoteWon);
    assertThat(c.voteResult(Map.of())).isEqualTo(VoteResult.VotePending);
    assertThat(c.voteResult(Map.of(1L, true))).isEqualTo(VoteResult.VotePending);
    assertThat(c.voteResult(Map.of(1L, true, 2L, true))).isEqualTo(VoteResult.VoteWon);
    assertThat(c.voteResult(Map.of(1L, false, 2L, false))).isEqualTo(VoteResult.VoteLost);
    assertThat(c.voteResult(Map.of(1L, true, 2L, false))).isEqualTo(VoteResult.VotePending);
    // Votes of non-members are ignored.
    assertThat(c.voteResult(Map.of(4L, true, 5L, true))).isEqualTo(VoteResult.VotePending);
  }

  @Test
  void jointVoteNeedsBothHalves() {
    JointConfig j = new JointConfig(MajorityConfig.of(1, 2, 3), MajorityConfig.of(3, 4, 5));
    assertThat(j.voteResult(Map.of(1L, true, 2L, true))).isEqualTo(VoteResult.VotePending);
    assertThat(j.voteResult(Map.of(1L, true, 2L, true, 4L, true, 5L, true)))
        .isEqualTo(VoteResult.VoteWon);
    assertThat(j.voteResult(Map.of(1L, true, 2L, true, 4L, false, 5L, false)))
        .isEqualTo(VoteResult.VoteLost);
  }

  @Test
  void idsOrderUnsigned() {
    MajorityConfig c = MajorityConfig.of(-1L, 2, 1);
    assertThat(c.slice()).containsExactly(1L, 2L, -1L);
    assertThat(c.toString()).isEqualTo("(1 2 18446744073709551615)");
  }
}
