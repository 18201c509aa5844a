package io.etcdj.raft;

/** Outcome of sending a snapshot, reported back by the transport (etcd {@code SnapshotStatus}). */
public enum SnapshotStatus {
  SnapshotFinish,
  SnapshotFailure
}
