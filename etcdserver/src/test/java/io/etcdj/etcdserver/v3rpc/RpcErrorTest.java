package io.etcdj.etcdserver.v3rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.etcdserver.v3rpc.rpctypes.RpcError;
import io.grpc.Status;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every {@code ErrGRPC*} of etcd 3.4.23 {@code etcdserver/api/v3rpc/rpctypes/error.go} (wire facts
 * §5.3): code and description byte for byte.
 */
class RpcErrorTest {

  private static Map<RpcError, String> expected() {
    Map<RpcError, String> m = new LinkedHashMap<>();
    m.put(RpcError.EMPTY_KEY, "INVALID_ARGUMENT|etcdserver: key is not provided");
    m.put(RpcError.KEY_NOT_FOUND, "INVALID_ARGUMENT|etcdserver: key not found");
    m.put(RpcError.VALUE_PROVIDED, "INVALID_ARGUMENT|etcdserver: value is provided");
    m.put(RpcError.LEASE_PROVIDED, "INVALID_ARGUMENT|etcdserver: lease is provided");
    m.put(RpcError.TOO_MANY_OPS, "INVALID_ARGUMENT|etcdserver: too many operations in txn request");
    m.put(
        RpcError.DUPLICATE_KEY, "INVALID_ARGUMENT|etcdserver: duplicate key given in txn request");
    m.put(
        RpcError.COMPACTED, "OUT_OF_RANGE|etcdserver: mvcc: required revision has been compacted");
    m.put(
        RpcError.FUTURE_REV,
        "OUT_OF_RANGE|etcdserver: mvcc: required revision is a future revision");
    m.put(RpcError.NO_SPACE, "RESOURCE_EXHAUSTED|etcdserver: mvcc: database space exceeded");
    m.put(RpcError.LEASE_NOT_FOUND, "NOT_FOUND|etcdserver: requested lease not found");
    m.put(RpcError.LEASE_EXIST, "FAILED_PRECONDITION|etcdserver: lease already exists");
    m.put(RpcError.LEASE_TTL_TOO_LARGE, "OUT_OF_RANGE|etcdserver: too large lease TTL");
    m.put(RpcError.WATCH_CANCELED, "CANCELLED|etcdserver: watch canceled");
    m.put(RpcError.MEMBER_EXIST, "FAILED_PRECONDITION|etcdserver: member ID already exist");
    m.put(RpcError.PEER_URL_EXIST, "FAILED_PRECONDITION|etcdserver: Peer URLs already exists");
    m.put(
        RpcError.MEMBER_NOT_ENOUGH_STARTED,
        "FAILED_PRECONDITION|etcdserver: re-configuration failed due to not enough started"
            + " members");
    m.put(RpcError.MEMBER_BAD_URLS, "INVALID_ARGUMENT|etcdserver: given member URLs are invalid");
    m.put(RpcError.MEMBER_NOT_FOUND, "NOT_FOUND|etcdserver: member not found");
    m.put(
        RpcError.MEMBER_NOT_LEARNER,
        "FAILED_PRECONDITION|etcdserver: can only promote a learner member");
    m.put(
        RpcError.LEARNER_NOT_READY,
        "FAILED_PRECONDITION|etcdserver: can only promote a learner member which is in sync with"
            + " leader");
    m.put(
        RpcError.TOO_MANY_LEARNERS,
        "FAILED_PRECONDITION|etcdserver: too many learner members in cluster");
    m.put(RpcError.REQUEST_TOO_LARGE, "INVALID_ARGUMENT|etcdserver: request is too large");
    m.put(RpcError.REQUEST_TOO_MANY_REQUESTS, "RESOURCE_EXHAUSTED|etcdserver: too many requests");
    m.put(RpcError.ROOT_USER_NOT_EXIST, "FAILED_PRECONDITION|etcdserver: root user does not exist");
    m.put(
        RpcError.ROOT_ROLE_NOT_EXIST,
        "FAILED_PRECONDITION|etcdserver: root user does not have root role");
    m.put(RpcError.USER_ALREADY_EXIST, "FAILED_PRECONDITION|etcdserver: user name already exists");
    m.put(RpcError.USER_EMPTY, "INVALID_ARGUMENT|etcdserver: user name is empty");
    m.put(RpcError.USER_NOT_FOUND, "FAILED_PRECONDITION|etcdserver: user name not found");
    m.put(RpcError.ROLE_ALREADY_EXIST, "FAILED_PRECONDITION|etcdserver: role name already exists");
    m.put(RpcError.ROLE_NOT_FOUND, "FAILED_PRECONDITION|etcdserver: role name not found");
    m.put(RpcError.ROLE_EMPTY, "INVALID_ARGUMENT|etcdserver: role name is empty");
    m.put(
        RpcError.AUTH_FAILED,
        "INVALID_ARGUMENT|etcdserver: authentication failed, invalid user ID or password");
    m.put(RpcError.PERMISSION_DENIED, "PERMISSION_DENIED|etcdserver: permission denied");
    m.put(
        RpcError.ROLE_NOT_GRANTED,
        "FAILED_PRECONDITION|etcdserver: role is not granted to the user");
    m.put(
        RpcError.PERMISSION_NOT_GRANTED,
        "FAILED_PRECONDITION|etcdserver: permission is not granted to the role");
    m.put(
        RpcError.AUTH_NOT_ENABLED, "FAILED_PRECONDITION|etcdserver: authentication is not enabled");
    m.put(RpcError.INVALID_AUTH_TOKEN, "UNAUTHENTICATED|etcdserver: invalid auth token");
    m.put(RpcError.INVALID_AUTH_MGMT, "INVALID_ARGUMENT|etcdserver: invalid auth management");
    m.put(RpcError.AUTH_OLD_REVISION, "INVALID_ARGUMENT|etcdserver: revision of auth store is old");
    m.put(RpcError.NO_LEADER, "UNAVAILABLE|etcdserver: no leader");
    m.put(RpcError.NOT_LEADER, "FAILED_PRECONDITION|etcdserver: not leader");
    m.put(RpcError.LEADER_CHANGED, "UNAVAILABLE|etcdserver: leader changed");
    m.put(RpcError.NOT_CAPABLE, "UNAVAILABLE|etcdserver: not capable");
    m.put(RpcError.STOPPED, "UNAVAILABLE|etcdserver: server stopped");
    m.put(RpcError.TIMEOUT, "UNAVAILABLE|etcdserver: request timed out");
    m.put(
        RpcError.TIMEOUT_DUE_TO_LEADER_FAIL,
        "UNAVAILABLE|etcdserver: request timed out, possibly due to previous leader failure");
    m.put(
        RpcError.TIMEOUT_DUE_TO_CONNECTION_LOST,
        "UNAVAILABLE|etcdserver: request timed out, possibly due to connection lost");
    m.put(
        RpcError.TIMEOUT_WAIT_APPLIED_INDEX,
        "UNAVAILABLE|etcdserver: request timed out, waiting for the applied index took too long");
    m.put(RpcError.UNHEALTHY, "UNAVAILABLE|etcdserver: unhealthy cluster");
    m.put(RpcError.CORRUPT, "DATA_LOSS|etcdserver: corrupt cluster");
    m.put(
        RpcError.NOT_SUPPORTED_FOR_LEARNER,
        "UNAVAILABLE|etcdserver: rpc not supported for learner");
    m.put(RpcError.BAD_LEADER_TRANSFEREE, "FAILED_PRECONDITION|etcdserver: bad leader transferee");
    return m;
  }

  @Test
  void everyErrGrpcHasEtcdsCodeAndDescription() {
    Map<RpcError, String> want = expected();
    assertThat(want.keySet()).containsExactlyInAnyOrder(RpcError.values());
    for (RpcError e : RpcError.values()) {
      Status s = e.status();
      assertThat(s.getCode() + "|" + s.getDescription()).as(e.name()).isEqualTo(want.get(e));
    }
  }

  /** clientv3 {@code rpctypes.Error}: a status is recognised by its description alone. */
  @Test
  void fromDescriptionRecognisesEveryErrorAndNothingElse() {
    Arrays.stream(RpcError.values())
        .forEach(e -> assertThat(RpcError.fromDescription(e.description())).contains(e));
    assertThat(RpcError.fromDescription("etcdserver: something else")).isEmpty();
  }

  @Test
  void asExceptionCarriesTheStatus() {
    assertThat(RpcError.NO_LEADER.asException().getStatus().getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(RpcError.NO_LEADER.asException().getStatus().getDescription())
        .isEqualTo("etcdserver: no leader");
  }
}
