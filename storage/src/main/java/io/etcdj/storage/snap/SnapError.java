package io.etcdj.storage.snap;

/** Snapshot-file error conditions with etcd's exact text ({@code etcdserver/api/snap}). */
public enum SnapError {
  NO_SNAPSHOT("snap: no available snapshot"),
  EMPTY_SNAPSHOT("snap: empty snapshot"),
  CRC_MISMATCH("snap: crc mismatch"),
  /** {@code ErrNoDBSnapshot}: no {@code <index>.snap.db} for the requested index. */
  NO_DB_SNAPSHOT("snap: snapshot file doesn't exist"),
  /** The file is not a valid {@code snappb.snapshot} / {@code raftpb.Snapshot}. */
  CORRUPT("snap: corrupt snapshot file");

  private final String text;

  SnapError(String text) {
    this.text = text;
  }

  /** etcd's error text. */
  public String text() {
    return text;
  }
}
