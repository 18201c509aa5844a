package io.etcdj.raft.confchange;

import io.etcdj.proto.raftpb.ConfChangeSingle;
import io.etcdj.raft.quorum.MajorityConfig;
import io.etcdj.raft.tracker.Progress;
import io.etcdj.raft.tracker.ProgressTracker;
import io.etcdj.raft.tracker.TrackerConfig;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Computes the membership that results from a configuration change, without touching the tracker it
 * reads (etcd {@code confchange.Changer}). The caller installs the result. Supports simple changes
 * (at most one voter changes), entering a joint config and leaving it.
 *
 * <p>Not thread-safe; used on the raft state's thread.
 */
public final class Changer {
  private final ProgressTracker tracker;
  private final long lastIndex;

  /**
   * @param lastIndex the leader's last log index; new members start probing from here
   */
  public Changer(ProgressTracker tracker, long lastIndex) {
    this.tracker = tracker;
    this.lastIndex = lastIndex;
  }

  /** A membership and its progress map, as produced by a change. */
  public record Result(TrackerConfig config, SortedMap<Long, Progress> progress) {}

  /**
   * Enters a joint config: the current voters become the outgoing half, and the changes are applied
   * to the incoming half.
   */
  public Result enterJoint(boolean autoLeave, List<ConfChangeSingle> ccs)
      throws ConfChangeException {
    Result r = checkAndCopy();
    TrackerConfig cfg = r.config();
    if (cfg.voters.isJoint()) {
      throw new ConfChangeException("config is already joint");
    }
    if (cfg.voters.incoming().isEmpty()) {
      // Joint consensus with an empty side makes no sense; a fresh cluster adds voters simply.
      throw new ConfChangeException("can't make a zero-voter config joint");
    }
    cfg.voters.outgoing().clear();
    for (long id : cfg.voters.incoming().ids()) {
      cfg.voters.outgoing().add(id);
    }
    apply(cfg, r.progress(), ccs);
    cfg.autoLeave = autoLeave;
    checkInvariants(cfg, r.progress());
    return r;
  }

  /**
   * Leaves a joint config: the outgoing half is dropped, pending demotions become learners, and
   * members that are neither voters nor learners any more lose their progress.
   */
  public Result leaveJoint() throws ConfChangeException {
    Result r = checkAndCopy();
    TrackerConfig cfg = r.config();
    SortedMap<Long, Progress> prs = r.progress();
    if (!cfg.voters.isJoint()) {
      throw new ConfChangeException("can't leave a non-joint config");
    }
    for (long id : cfg.learnersNext.slice()) {
      cfg.learners.add(id);
      prs.get(id).isLearner = true;
    }
    cfg.learnersNext.clear();
    for (long id : cfg.voters.outgoing().slice()) {
      boolean isVoter = cfg.voters.incoming().contains(id);
      boolean isLearner = cfg.learners.contains(id);
      if (!isVoter && !isLearner) {
        prs.remove(id);
      }
    }
    cfg.voters.outgoing().clear();
    cfg.autoLeave = false;
    checkInvariants(cfg, prs);
    return r;
  }

  /**
   * Applies changes that alter at most one voter, so the old and new majorities overlap and no
   * joint phase is needed.
   */
  public Result simple(List<ConfChangeSingle> ccs) throws ConfChangeException {
    Result r = checkAndCopy();
    TrackerConfig cfg = r.config();
    if (cfg.voters.isJoint()) {
      throw new ConfChangeException("can't apply simple config change in joint config");
    }
    apply(cfg, r.progress(), ccs);
    if (symdiff(tracker.config.voters.incoming(), cfg.voters.incoming()) > 1) {
      throw new ConfChangeException("more than one voter changed without entering joint config");
    }
    checkInvariants(cfg, r.progress());
    return r;
  }

  private void apply(TrackerConfig cfg, SortedMap<Long, Progress> prs, List<ConfChangeSingle> ccs)
      throws ConfChangeException {
    for (ConfChangeSingle cc : ccs) {
      if (cc.getNodeId() == 0) {
        // Zero IDs are placeholders (etcd uses them to refuse changes) and are ignored.
        continue;
      }
      switch (cc.getType()) {
        case ConfChangeAddNode -> makeVoter(cfg, prs, cc.getNodeId());
        case ConfChangeAddLearnerNode -> makeLearner(cfg, prs, cc.getNodeId());
        case ConfChangeRemoveNode -> remove(cfg, prs, cc.getNodeId());
        case ConfChangeUpdateNode -> {}
      }
    }
    if (cfg.voters.incoming().isEmpty()) {
      throw new ConfChangeException("removed all voters");
    }
  }

  private void makeVoter(TrackerConfig cfg, SortedMap<Long, Progress> prs, long id) {
    Progress pr = prs.get(id);
    if (pr == null) {
      initProgress(cfg, prs, id, false);
      return;
    }
    pr.isLearner = false;
    cfg.learners.remove(id);
    cfg.learnersNext.remove(id);
    cfg.voters.incoming().add(id);
  }

  /**
   * Makes {@code id} a learner. A voter still in the outgoing half cannot become a learner yet (it
   * would be both), so it is staged in learnersNext until the joint config is left.
   */
  private void makeLearner(TrackerConfig cfg, SortedMap<Long, Progress> prs, long id) {
    Progress pr = prs.get(id);
    if (pr == null) {
      initProgress(cfg, prs, id, true);
      return;
    }
    if (pr.isLearner) {
      return;
    }
    // Drop it as a voter first, keeping its progress.
    remove(cfg, prs, id);
    prs.put(id, pr);
    if (cfg.voters.outgoing().contains(id)) {
      cfg.learnersNext.add(id);
    } else {
      pr.isLearner = true;
      cfg.learners.add(id);
    }
  }

  private void remove(TrackerConfig cfg, SortedMap<Long, Progress> prs, long id) {
    if (!prs.containsKey(id)) {
      return;
    }
    cfg.voters.incoming().remove(id);
    cfg.learners.remove(id);
    cfg.learnersNext.remove(id);
    // A member still voting in the outgoing half keeps its progress until the joint config ends.
    if (!cfg.voters.outgoing().contains(id)) {
      prs.remove(id);
    }
  }

  private void initProgress(
      TrackerConfig cfg, SortedMap<Long, Progress> prs, long id, boolean isLearner) {
    if (!isLearner) {
      cfg.voters.incoming().add(id);
    } else {
      cfg.learners.add(id);
    }
    // Start probing from the leader's last index (etcd does the same); counting the new member
    // as recently active keeps check-quorum from stepping down right after adding it.
    prs.put(id, new Progress(0, lastIndex, tracker.maxInflight(), isLearner, true));
  }

  /** Verifies the membership is internally consistent (etcd {@code checkInvariants}). */
  static void checkInvariants(TrackerConfig cfg, Map<Long, Progress> prs)
      throws ConfChangeException {
    for (MajorityConfig ids :
        List.of(cfg.voters.incoming(), cfg.voters.outgoing(), cfg.learners, cfg.learnersNext)) {
      for (long id : ids.ids()) {
        if (!prs.containsKey(id)) {
          throw new ConfChangeException("no progress for " + Long.toUnsignedString(id));
        }
      }
    }
    for (long id : cfg.learnersNext.ids()) {
      if (!cfg.voters.outgoing().contains(id)) {
        throw new ConfChangeException(
            Long.toUnsignedString(id) + " is in LearnersNext, but not Voters[1]");
      }
      if (prs.get(id).isLearner) {
        throw new ConfChangeException(
            Long.toUnsignedString(id) + " is in LearnersNext, but is already marked as learner");
      }
    }
    for (long id : cfg.learners.ids()) {
      if (cfg.voters.outgoing().contains(id)) {
        throw new ConfChangeException(Long.toUnsignedString(id) + " is in Learners and Voters[1]");
      }
      if (cfg.voters.incoming().contains(id)) {
        throw new ConfChangeException(Long.toUnsignedString(id) + " is in Learners and Voters[0]");
      }
      if (!prs.get(id).isLearner) {
        throw new ConfChangeException(
            Long.toUnsignedString(id) + " is in Learners, but is not marked as learner");
      }
    }
    if (!cfg.voters.isJoint()) {
      if (!cfg.learnersNext.isEmpty()) {
        throw new ConfChangeException("LearnersNext must be nil when not joint");
      }
      if (cfg.autoLeave) {
        throw new ConfChangeException("AutoLeave must be false when not joint");
      }
    }
  }

  /** Copies the tracker's config and progress so changes never alias the live state. */
  private Result checkAndCopy() throws ConfChangeException {
    TrackerConfig cfg = tracker.config.copy();
    SortedMap<Long, Progress> prs = ProgressTracker.newProgressMap();
    tracker.progress.forEach((id, pr) -> prs.put(id, pr.copy()));
    checkInvariants(cfg, prs);
    return new Result(cfg, prs);
  }

  private static int symdiff(MajorityConfig l, MajorityConfig r) {
    int n = 0;
    for (long id : l.ids()) {
      if (!r.contains(id)) {
        n++;
      }
    }
    for (long id : r.ids()) {
      if (!l.contains(id)) {
        n++;
      }
    }
    return n;
  }
}
