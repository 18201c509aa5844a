package io.etcdj.etcdserver.membership;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * {@code membership.ConfigChangeContext}: the JSON in a {@code ConfChange.Context} for AddNode and
 * AddLearnerNode. Adding and promoting both use AddNode, so {@link #isPromote} tells them apart.
 *
 * <p>Immutable.
 */
public record ConfigChangeContext(Member member, boolean isPromote) {
  public ConfigChangeContext {
    requireNonNull(member, "member");
  }

  /**
   * The context etcd's {@code PromoteMember} proposes: only the ID is set, so the JSON is {@code
   * {"id":N,"peerURLs":null,"isPromote":true}}.
   */
  public static ConfigChangeContext promote(long id) {
    return new ConfigChangeContext(new Member(id, "", List.of(), List.of(), false), true);
  }
}
