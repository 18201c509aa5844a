package io.etcdj.etcdhttp;

import io.etcdj.etcdserver.membership.ClusterVersion;
import io.etcdj.etcdserver.membership.Member;
import io.etcdj.proto.etcdserverpb.AlarmMember;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A settable {@link ServerView} and {@link HealthProbes}. */
final class FakeServer implements ServerView, HealthProbes {
  volatile long clusterId = 0x8f5c237c113497fL;
  volatile List<Member> members = new ArrayList<>();
  volatile ClusterVersion version = ClusterVersion.parse("3.4.0");
  volatile boolean leader = true;
  volatile List<AlarmMember> alarms = List.of();
  volatile CompletableFuture<Boolean> quorum = CompletableFuture.completedFuture(true);
  volatile CompletableFuture<Void> linearizable = CompletableFuture.completedFuture(null);

  @Override
  public long clusterId() {
    return clusterId;
  }

  @Override
  public List<Member> members() {
    return members;
  }

  @Override
  public ClusterVersion clusterVersion() {
    return version;
  }

  @Override
  public boolean hasLeader() {
    return leader;
  }

  @Override
  public List<AlarmMember> alarms() {
    return alarms;
  }

  @Override
  public CompletableFuture<Boolean> quorumProbe() {
    return quorum;
  }

  @Override
  public CompletableFuture<Void> read(boolean serializable) {
    return serializable ? CompletableFuture.completedFuture(null) : linearizable;
  }
}
