package io.etcdj.raft.quorum;

import java.util.OptionalLong;

/** Looks up the highest log index a voter has acknowledged (etcd {@code quorum.AckedIndexer}). */
@FunctionalInterface
public interface AckedIndexer {
  /** The acknowledged index of {@code voterId}, or empty if the voter is unknown. */
  OptionalLong ackedIndex(long voterId);
}
