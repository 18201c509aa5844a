package io.etcdj.embed;

import io.etcdj.etcdhttp.HealthProbes;
import io.etcdj.etcdhttp.ServerView;
import io.etcdj.etcdserver.EtcdServer;
import io.etcdj.etcdserver.membership.ClusterVersion;
import io.etcdj.etcdserver.membership.Member;
import io.etcdj.proto.etcdserverpb.AlarmMember;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The member as etcdhttp's handlers see it. */
final class ServerViews implements ServerView, HealthProbes {
  private final EtcdServer server;

  ServerViews(EtcdServer server) {
    this.server = server;
  }

  @Override
  public long clusterId() {
    return server.clusterId();
  }

  @Override
  public List<Member> members() {
    return server.cluster().members();
  }

  @Override
  public ClusterVersion clusterVersion() {
    return server.cluster().version().orElse(null);
  }

  @Override
  public boolean hasLeader() {
    return server.leader() != 0;
  }

  @Override
  public List<AlarmMember> alarms() {
    return server.alarms().list();
  }

  /** etcd proposes a v2 QGET; a linearizable read also needs a quorum's answer through raft. */
  @Override
  public CompletableFuture<Boolean> quorumProbe() {
    return server.linearizableReadNotify().thenApply(v -> true);
  }

  @Override
  public CompletableFuture<Void> read(boolean serializable) {
    return serializable ? CompletableFuture.completedFuture(null) : server.linearizableReadNotify();
  }
}
