package io.etcdj.etcdserver.v3rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.etcdj.proto.authpb.Permission;
import io.etcdj.proto.etcdserverpb.AuthDisableRequest;
import io.etcdj.proto.etcdserverpb.AuthEnableRequest;
import io.etcdj.proto.etcdserverpb.AuthGrpc;
import io.etcdj.proto.etcdserverpb.AuthRoleAddRequest;
import io.etcdj.proto.etcdserverpb.AuthRoleGetRequest;
import io.etcdj.proto.etcdserverpb.AuthRoleGrantPermissionRequest;
import io.etcdj.proto.etcdserverpb.AuthUserAddRequest;
import io.etcdj.proto.etcdserverpb.AuthUserGetRequest;
import io.etcdj.proto.etcdserverpb.AuthUserGrantRoleRequest;
import io.etcdj.proto.etcdserverpb.AuthUserListRequest;
import io.etcdj.proto.etcdserverpb.AuthenticateRequest;
import io.etcdj.proto.etcdserverpb.DefragmentRequest;
import io.etcdj.proto.etcdserverpb.KVGrpc;
import io.etcdj.proto.etcdserverpb.MaintenanceGrpc;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.etcdj.proto.etcdserverpb.WatchCreateRequest;
import io.etcdj.proto.etcdserverpb.WatchRequest;
import io.etcdj.proto.etcdserverpb.WatchResponse;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Auth service and permission checks over grpc-java (etcd's e2e ctl_v3_auth_test.go). */
class AuthServerTest {
  @TempDir Path dir;
  NodeFixture node;

  @BeforeEach
  void start() throws Exception {
    node = new NodeFixture(dir);
    node.start(node.config().bcryptCost(4).build());
  }

  @AfterEach
  void stop() throws Exception {
    node.close();
  }

  static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static Metadata token(String t) {
    Metadata md = new Metadata();
    md.put(Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER), t);
    return md;
  }

  private String login(String user, String pw) {
    return node.auth()
        .authenticate(AuthenticateRequest.newBuilder().setName(user).setPassword(pw).build())
        .getToken();
  }

  private KVGrpc.KVBlockingStub kvAs(String tok) {
    return node.kv().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(token(tok)));
  }

  private AuthGrpc.AuthBlockingStub authAs(String tok) {
    return node.auth().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(token(tok)));
  }

  /** root (root role), alice with readwrite on "foo", auth enabled. */
  private void setUp() {
    AuthGrpc.AuthBlockingStub a = node.auth();
    a.userAdd(AuthUserAddRequest.newBuilder().setName("root").setPassword("rootpw").build());
    a.roleAdd(AuthRoleAddRequest.newBuilder().setName("root").build());
    a.userGrantRole(AuthUserGrantRoleRequest.newBuilder().setUser("root").setRole("root").build());
    a.userAdd(AuthUserAddRequest.newBuilder().setName("alice").setPassword("apw").build());
    a.roleAdd(AuthRoleAddRequest.newBuilder().setName("r").build());
    a.roleGrantPermission(
        AuthRoleGrantPermissionRequest.newBuilder()
            .setName("r")
            .setPerm(
                Permission.newBuilder().setKey(bs("foo")).setPermType(Permission.Type.READWRITE))
            .build());
    a.userGrantRole(AuthUserGrantRoleRequest.newBuilder().setUser("alice").setRole("r").build());
    a.authEnable(AuthEnableRequest.getDefaultInstance());
  }

  @Test
  void enableNeedsRootUser() {
    assertThatThrownBy(() -> node.auth().authEnable(AuthEnableRequest.getDefaultInstance()))
        .hasMessage("FAILED_PRECONDITION: etcdserver: root user does not exist");
  }

  @Test
  void authenticateIssuesSimpleTokenAndChecksPassword() {
    setUp();
    assertThat(login("root", "rootpw")).matches("[a-zA-Z]{16}\\.\\d+");
    assertThatThrownBy(() -> login("root", "nope"))
        .hasMessage(
            "INVALID_ARGUMENT: etcdserver: authentication failed, invalid user ID or password");
  }

  @Test
  void keyPermissionsAreCheckedForWritesAndReads() {
    setUp();
    assertThatThrownBy(() -> node.kv().put(PutRequest.newBuilder().setKey(bs("foo")).build()))
        .hasMessage("INVALID_ARGUMENT: etcdserver: user name is empty");
    String alice = login("alice", "apw");
    kvAs(alice).put(PutRequest.newBuilder().setKey(bs("foo")).setValue(bs("v")).build());
    assertThat(kvAs(alice).range(RangeRequest.newBuilder().setKey(bs("foo")).build()).getCount())
        .isEqualTo(1);
    assertThatThrownBy(() -> kvAs(alice).put(PutRequest.newBuilder().setKey(bs("bar")).build()))
        .hasMessage("PERMISSION_DENIED: etcdserver: permission denied");
    assertThatThrownBy(() -> kvAs(alice).range(RangeRequest.newBuilder().setKey(bs("bar")).build()))
        .hasMessage("PERMISSION_DENIED: etcdserver: permission denied");
    assertThatThrownBy(
            () -> kvAs("bogus.1").range(RangeRequest.newBuilder().setKey(bs("foo")).build()))
        .hasMessage("UNAUTHENTICATED: etcdserver: invalid auth token");
  }

  @Test
  void tokenKeepsWorkingAcrossAuthChanges() {
    setUp();
    String alice = login("alice", "apw");
    String root = login("root", "rootpw");
    authAs(root).roleAdd(AuthRoleAddRequest.newBuilder().setName("other").build());
    // The token still resolves, at the current revision: requests pass.
    kvAs(alice).put(PutRequest.newBuilder().setKey(bs("foo")).build());
  }

  @Test
  void adminCallsNeedRootRole() {
    setUp();
    String alice = login("alice", "apw");
    String root = login("root", "rootpw");
    assertThatThrownBy(() -> authAs(alice).userList(AuthUserListRequest.getDefaultInstance()))
        .hasMessage("PERMISSION_DENIED: etcdserver: permission denied");
    assertThat(authAs(root).userList(AuthUserListRequest.getDefaultInstance()).getUsersList())
        .containsExactly("alice", "root");
    // a user may read itself and its roles
    assertThat(
            authAs(alice)
                .userGet(AuthUserGetRequest.newBuilder().setName("alice").build())
                .getRolesList())
        .containsExactly("r");
    assertThat(
            authAs(alice)
                .roleGet(AuthRoleGetRequest.newBuilder().setRole("r").build())
                .getPermCount())
        .isEqualTo(1);
    MaintenanceGrpc.MaintenanceBlockingStub m =
        node.maintenance()
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(token(alice)));
    // etcd's authMaintenanceServer does not map the error: gRPC-go sends it as Unknown.
    assertThatThrownBy(() -> m.defragment(DefragmentRequest.getDefaultInstance()))
        .hasMessage("UNKNOWN: auth: permission denied");
    node.maintenance()
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(token(root)))
        .defragment(DefragmentRequest.getDefaultInstance());
  }

  /** etcd's checkMembershipOperationPermission: member changes need root, answered mapped. */
  @Test
  void memberChangesNeedRootRole() {
    setUp();
    String alice = login("alice", "apw");
    io.etcdj.proto.etcdserverpb.MemberAddRequest add =
        io.etcdj.proto.etcdserverpb.MemberAddRequest.newBuilder()
            .addPeerURLs("http://127.0.0.1:1001")
            .setIsLearner(true)
            .build();
    assertThatThrownBy(
            () ->
                node.cluster()
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(token(alice)))
                    .memberAdd(add))
        .hasMessage("PERMISSION_DENIED: etcdserver: permission denied");
    assertThatThrownBy(() -> node.cluster().memberAdd(add))
        .hasMessage("INVALID_ARGUMENT: etcdserver: user name is empty");
    assertThat(
            node.cluster()
                .withInterceptors(
                    MetadataUtils.newAttachHeadersInterceptor(token(login("root", "rootpw"))))
                .memberAdd(add)
                .getMember()
                .getIsLearner())
        .isTrue();
  }

  @Test
  void watchOnForbiddenKeyIsCanceledAtCreate() throws Exception {
    setUp();
    String alice = login("alice", "apw");
    CompletableFuture<WatchResponse> first = new CompletableFuture<>();
    StreamObserver<WatchRequest> req =
        node.watch()
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(token(alice)))
            .watch(
                new StreamObserver<>() {
                  @Override
                  public void onNext(WatchResponse r) {
                    first.complete(r);
                  }

                  @Override
                  public void onError(Throwable t) {
                    first.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    req.onNext(
        WatchRequest.newBuilder()
            .setCreateRequest(WatchCreateRequest.newBuilder().setKey(bs("bar")))
            .build());
    WatchResponse r = first.get(10, TimeUnit.SECONDS);
    assertThat(r.getCreated()).isTrue();
    assertThat(r.getCanceled()).isTrue();
    assertThat(r.getCancelReason())
        .isEqualTo("rpc error: code = PermissionDenied desc = etcdserver: permission denied");
    req.onCompleted();
  }

  @Test
  void authSurvivesRestartAndDisableDropsTokens() throws Exception {
    setUp();
    node.stopMember();
    node.start(node.config().bcryptCost(4).build());
    String root = login("root", "rootpw");
    authAs(root).authDisable(AuthDisableRequest.getDefaultInstance());
    node.kv().put(PutRequest.newBuilder().setKey(bs("bar")).build());
    assertThatThrownBy(() -> kvAs(root).put(PutRequest.newBuilder().setKey(bs("bar")).build()))
        .hasMessage("UNAUTHENTICATED: etcdserver: invalid auth token");
  }
}
