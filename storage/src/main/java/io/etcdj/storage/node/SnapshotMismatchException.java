package io.etcdj.storage.node;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A received database is older than the raft snapshot that carried it: its consistent index is
 * below the snapshot's index, so installing it would lose applied entries. Carries etcd's text
 * ({@code etcdserver/server.go NewServer}).
 *
 * <p>Immutable.
 */
public final class SnapshotMismatchException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long dbIndex;
  private final long snapshotIndex;

  SnapshotMismatchException(Path db, long dbIndex, long snapshotIndex) {
    super(
        String.format(
            "database file (%s index %d) does not match with snapshot (index %d)",
            db, dbIndex, snapshotIndex));
    this.dbIndex = dbIndex;
    this.snapshotIndex = snapshotIndex;
  }

  /** The consistent index stored in the received database. */
  public long dbIndex() {
    return dbIndex;
  }

  /** The index of the raft snapshot it came with. */
  public long snapshotIndex() {
    return snapshotIndex;
  }
}
