package io.etcdj.storage.lease;

import io.etcdj.proto.etcdserverpb.LeaseCheckpointRequest;

/**
 * Sends lease checkpoints (remaining TTLs) to the consensus log (etcd {@code lease.Checkpointer}).
 * The etcd server implements it by proposing a {@code LeaseCheckpoint} request through raft.
 *
 * <p>Called from the thread that drives {@link Lessor#run()} (and from {@link Lessor#renew} when a
 * checkpointed TTL must be cleared), never while the lessor holds its lock; implementations must
 * not block for long.
 */
@FunctionalInterface
public interface Checkpointer {
  void checkpoint(LeaseCheckpointRequest request);
}
