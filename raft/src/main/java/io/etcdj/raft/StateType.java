package io.etcdj.raft;

/** The role of a raft node (etcd {@code raft.StateType}); names match etcd's strings. */
public enum StateType {
  StateFollower,
  StateCandidate,
  StateLeader,
  StatePreCandidate
}
