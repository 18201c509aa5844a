package io.etcdj.etcdhttp;

import io.etcdj.etcdserver.membership.ClusterVersion;
import io.etcdj.etcdserver.membership.Member;
import io.etcdj.proto.etcdserverpb.AlarmMember;
import java.util.List;

/**
 * What the HTTP handlers read from the node. Implemented by the server assembly; every method may
 * be called from any thread (an event loop among them), so each must answer at once from state
 * published by its owner (volatile fields, immutable snapshots), never by waiting for it.
 */
public interface ServerView {
  /** The cluster ID ({@code X-Etcd-Cluster-Id}, printed as lowercase hex). */
  long clusterId();

  /** Every member of the cluster, in any order. */
  List<Member> members();

  /** The decided cluster version, or null while it is not decided ({@code "not_decided"}). */
  ClusterVersion clusterVersion();

  /** Whether this member knows a leader ({@code Leader() != raft.None}). */
  boolean hasLeader();

  /** The active alarms ({@code Alarms()}). */
  List<AlarmMember> alarms();
}
