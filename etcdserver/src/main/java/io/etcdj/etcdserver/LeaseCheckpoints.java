package io.etcdj.etcdserver;

import static java.util.Objects.requireNonNull;

import io.etcdj.proto.etcdserverpb.InternalRaftRequest;
import io.etcdj.proto.etcdserverpb.LeaseCheckpointRequest;
import io.etcdj.storage.lease.Checkpointer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's lease {@link Checkpointer} ({@code --experimental-enable-lease-checkpoint}): the
 * lessor's due checkpoints go through raft as a {@code LeaseCheckpoint} request, so a new leader
 * resumes each lease's remaining TTL. As in etcd 3.4.31, a member that no longer leads drops them
 * ({@link LeadershipCheck}).
 *
 * <p>Threading: called by the lessor from the lease loop or a renewal; never blocks.
 */
final class LeaseCheckpoints implements Checkpointer {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseCheckpoints.class);

  private final long memberId;
  private final LeadershipCheck leadership;
  private final Function<InternalRaftRequest, CompletableFuture<ApplyResult>> propose;

  LeaseCheckpoints(
      long memberId,
      LeadershipCheck leadership,
      Function<InternalRaftRequest, CompletableFuture<ApplyResult>> propose) {
    this.memberId = memberId;
    this.leadership = requireNonNull(leadership, "leadership");
    this.propose = requireNonNull(propose, "propose");
  }

  @Override
  public void checkpoint(LeaseCheckpointRequest request) {
    leadership
        .ensure()
        .thenAccept(
            leading -> {
              if (!leading) {
                LOG.atWarn()
                    .addKeyValue("local-member-id", LeadershipCheck.uint64(memberId))
                    .log("Ignore the checkpoint request because current member isn't a leader");
                return;
              }
              // etcd's raftRequestOnce: the outcome is not waited for; a lost checkpoint is sent
              // again at the next interval.
              propose
                  .apply(InternalRaftRequest.newBuilder().setLeaseCheckpoint(request).build())
                  .whenComplete(
                      (ar, err) -> {
                        if (err != null) {
                          LOG.debug("lease checkpoint not applied: {}", Failures.message(err));
                        }
                      });
            });
  }
}
