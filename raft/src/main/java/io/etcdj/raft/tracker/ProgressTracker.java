package io.etcdj.raft.tracker;

import io.etcdj.proto.raftpb.ConfState;
import io.etcdj.raft.quorum.VoteResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The leader's bookkeeping: the membership, one {@link Progress} per member, and the votes of the
 * current election (etcd {@code tracker.ProgressTracker}).
 *
 * <p>Mutable and not thread-safe; owned by the raft state's thread.
 */
public final class ProgressTracker {
  public TrackerConfig config = new TrackerConfig();

  /** Ordered by unsigned ID so visits are deterministic. */
  public SortedMap<Long, Progress> progress = newProgressMap();

  private Map<Long, Boolean> votes = new HashMap<>();
  private final int maxInflight;

  public ProgressTracker(int maxInflight) {
    this.maxInflight = maxInflight;
  }

  public static SortedMap<Long, Progress> newProgressMap() {
    return new TreeMap<>(Long::compareUnsigned);
  }

  public int maxInflight() {
    return maxInflight;
  }

  /** The ConfState describing the current membership. */
  public ConfState confState() {
    return ConfState.newBuilder()
        .addAllVoters(config.voters.incoming().slice())
        .addAllVotersOutgoing(config.voters.outgoing().slice())
        .addAllLearners(config.learners.slice())
        .addAllLearnersNext(config.learnersNext.slice())
        .setAutoLeave(config.autoLeave)
        .build();
  }

  /** A single voter and not joint: that voter alone decides. */
  public boolean isSingleton() {
    return config.voters.incoming().size() == 1 && config.voters.outgoing().isEmpty();
  }

  /** The largest index acknowledged by a quorum of voters. */
  public long committed() {
    return config.voters.committedIndex(
        id -> {
          Progress pr = progress.get(id);
          return pr == null ? OptionalLong.empty() : OptionalLong.of(pr.match);
        });
  }

  /** Calls {@code f} for each member in ascending unsigned ID order. */
  public void visit(BiConsumer<Long, Progress> f) {
    // Copy the keys so f may not trip over structural changes of the map.
    for (Long id : new ArrayList<>(progress.keySet())) {
      f.accept(id, progress.get(id));
    }
  }

  /** Whether a quorum of voters has been recently active (check-quorum). */
  public boolean quorumActive() {
    Map<Long, Boolean> active = new HashMap<>();
    progress.forEach(
        (id, pr) -> {
          if (!pr.isLearner) {
            active.put(id, pr.recentActive);
          }
        });
    return config.voters.voteResult(active) == VoteResult.VoteWon;
  }

  public List<Long> voterNodes() {
    return new ArrayList<>(config.voters.ids());
  }

  public List<Long> learnerNodes() {
    return config.learners.slice();
  }

  public void resetVotes() {
    votes = new HashMap<>();
  }

  /** Records a vote; only the first vote of each voter counts. */
  public void recordVote(long id, boolean granted) {
    votes.putIfAbsent(id, granted);
  }

  /** Granted count, rejected count and result, as of the votes recorded so far. */
  public Tally tallyVotes() {
    int granted = 0;
    int rejected = 0;
    for (Map.Entry<Long, Progress> e : progress.entrySet()) {
      if (e.getValue().isLearner) {
        continue;
      }
      Boolean v = votes.get(e.getKey());
      if (v == null) {
        continue;
      }
      if (v) {
        granted++;
      } else {
        rejected++;
      }
    }
    return new Tally(granted, rejected, config.voters.voteResult(votes));
  }

  /** Result of {@link #tallyVotes()}. */
  public record Tally(int granted, int rejected, VoteResult result) {}
}
