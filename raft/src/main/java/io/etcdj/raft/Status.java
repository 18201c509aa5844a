package io.etcdj.raft;

import io.etcdj.proto.raftpb.HardState;
import io.etcdj.raft.tracker.TrackerConfig;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A point-in-time view of a raft node (etcd {@code raft.Status}). {@code progress} is filled only
 * on the leader, with immutable {@link ProgressView}s; {@code config} is a private copy made on the
 * raft thread (and copied again on each read), so a Status may be read from any thread.
 *
 * @param progress per-member progress, ordered by unsigned ID (empty unless leader)
 */
public record Status(
    long id,
    HardState hardState,
    SoftState softState,
    long applied,
    long leadTransferee,
    TrackerConfig config,
    Map<Long, ProgressView> progress) {

  public Status {
    TreeMap<Long, ProgressView> copy = new TreeMap<>(Long::compareUnsigned);
    copy.putAll(progress);
    progress = Collections.unmodifiableMap(copy);
    config = config.copy();
  }

  /** A copy of the membership at the time of the status (the record's own stays private). */
  @Override
  public TrackerConfig config() {
    return config.copy();
  }

  static Status of(Raft r) {
    Map<Long, ProgressView> prs = new TreeMap<>(Long::compareUnsigned);
    if (r.state == StateType.StateLeader) {
      r.prs.progress.forEach((k, v) -> prs.put(k, ProgressView.of(v)));
    }
    return new Status(
        r.id, r.hardState(), r.softState(), r.raftLog.applied, r.leadTransferee, r.prs.config, prs);
  }

  /** etcd's JSON rendering ({@code Status.MarshalJSON}): IDs in hex. */
  public String toJson() {
    StringBuilder j =
        new StringBuilder(
            String.format(
                "{\"id\":\"%x\",\"term\":%d,\"vote\":\"%x\",\"commit\":%d,\"lead\":\"%x\","
                    + "\"raftState\":\"%s\",\"applied\":%d,\"progress\":{",
                id,
                hardState.getTerm(),
                hardState.getVote(),
                hardState.getCommit(),
                softState.lead(),
                softState.raftState(),
                applied));
    boolean first = true;
    for (Map.Entry<Long, ProgressView> e : progress.entrySet()) {
      if (!first) {
        j.append(',');
      }
      first = false;
      ProgressView p = e.getValue();
      j.append(
          String.format(
              "\"%x\":{\"match\":%d,\"next\":%d,\"state\":\"%s\"}",
              e.getKey(), p.match(), p.next(), p.state()));
    }
    j.append("},").append(String.format("\"leadtransferee\":\"%x\"}", leadTransferee));
    return j.toString();
  }
}
