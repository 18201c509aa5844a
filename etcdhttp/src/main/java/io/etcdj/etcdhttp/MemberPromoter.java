package io.etcdj.etcdhttp;

import io.etcdj.etcdserver.membership.Member;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code Server.PromoteMember} as the peer promote handler calls it: completes with the member list
 * after the promotion, or fails with {@code MembershipException} ({@code ID_NOT_FOUND}, {@code
 * MEMBER_NOT_LEARNER}), {@code EtcdServerException} ({@code LEARNER_NOT_READY}) or another error
 * (answered as 500). A single-member node that has no learners can answer {@code ID_NOT_FOUND} or
 * {@code MEMBER_NOT_LEARNER} from its member list.
 */
@FunctionalInterface
public interface MemberPromoter {
  CompletableFuture<List<Member>> promote(long memberId);
}
