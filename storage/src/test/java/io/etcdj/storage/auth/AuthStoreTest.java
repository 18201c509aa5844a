package io.etcdj.storage.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.etcdj.proto.authpb.Permission;
import io.etcdj.proto.authpb.User;
import io.etcdj.proto.authpb.UserAddOptions;
import io.etcdj.proto.etcdserverpb.AuthRoleGrantPermissionRequest;
import io.etcdj.proto.etcdserverpb.AuthRoleRevokePermissionRequest;
import io.etcdj.proto.etcdserverpb.AuthUserAddRequest;
import io.etcdj.storage.backend.BackendConfig;
import io.etcdj.storage.backend.BatchTx;
import io.etcdj.storage.backend.Bucket;
import io.etcdj.storage.backend.LmdbBackend;
import io.etcdj.storage.backend.ReadTx;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** etcd {@code auth/store_test.go}: the store's semantics, error texts and persistence. */
class AuthStoreTest {
  @TempDir Path dir;
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private LmdbBackend be;
  private AuthStore as;
  private final AuthWriter w =
      writes -> {
        BatchTx tx = be.batchTx();
        tx.lock();
        try {
          writes.accept(tx);
        } finally {
          tx.unlock();
        }
      };

  @BeforeEach
  void open() {
    be = LmdbBackend.open(BackendConfig.builder(dir.resolve("db")).build());
    as = AuthStore.open(be, config());
  }

  private AuthStoreConfig config() {
    return new AuthStoreConfig(4, Duration.ofSeconds(300), nanos::get, new Random(1));
  }

  @AfterEach
  void close() {
    be.close();
  }

  private void reopen() {
    be.close();
    be = LmdbBackend.open(BackendConfig.builder(dir.resolve("db")).build());
    as = AuthStore.open(be, config());
  }

  private static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private void addUser(String name, String password) throws AuthException {
    as.userAdd(AuthUserAddRequest.newBuilder().setName(name).setPassword(password).build(), w);
  }

  private void grant(String role, String key, String end, Permission.Type t) throws AuthException {
    as.roleGrantPermission(
        AuthRoleGrantPermissionRequest.newBuilder()
            .setName(role)
            .setPerm(Permission.newBuilder().setKey(bs(key)).setRangeEnd(bs(end)).setPermType(t))
            .build(),
        w);
  }

  private void enableWithRoot() throws AuthException {
    addUser("root", "rootpw");
    as.userGrantRole("root", "root", w);
    as.authEnable(w);
  }

  @Test
  void newStoreStartsAtRevisionOneDisabled() {
    assertThat(as.revision()).isEqualTo(1);
    assertThat(as.isEnabled()).isFalse();
    try (ReadTx tx = be.concurrentReadTx()) {
      assertThat(tx.unsafeRange(Bucket.AUTH, AuthStore.REVISION_KEY, null, 0).values().get(0))
          .isEqualTo(ByteBuffer.allocate(8).putLong(1).array());
    }
  }

  @Test
  void everyChangeBumpsTheRevisionButEnableDoesNot() throws AuthException {
    addUser("root", "pw");
    assertThat(as.revision()).isEqualTo(2);
    as.roleAdd("r", w);
    as.userGrantRole("root", "root", w);
    assertThat(as.revision()).isEqualTo(4);
    as.userGrantRole("root", "root", w); // already granted: no change
    assertThat(as.revision()).isEqualTo(4);
    as.authEnable(w);
    assertThat(as.revision()).isEqualTo(4);
    as.authDisable(w);
    assertThat(as.revision()).isEqualTo(5);
  }

  @Test
  void enableNeedsRootUserWithRootRole() throws AuthException {
    assertThatThrownBy(() -> as.authEnable(w)).hasMessage("auth: root user does not exist");
    addUser("root", "pw");
    assertThatThrownBy(() -> as.authEnable(w))
        .hasMessage("auth: root user does not have root role");
    as.userGrantRole("root", "root", w);
    as.authEnable(w);
    assertThat(as.isEnabled()).isTrue();
  }

  @Test
  void userErrorsCarryEtcdTexts() throws AuthException {
    assertThatThrownBy(() -> addUser("", "x")).hasMessage("auth: user name is empty");
    addUser("u", "x");
    assertThatThrownBy(() -> addUser("u", "y")).hasMessage("auth: user already exists");
    assertThatThrownBy(() -> as.userDelete("nobody", w)).hasMessage("auth: user not found");
    assertThatThrownBy(() -> as.userGrantRole("u", "nope", w)).hasMessage("auth: role not found");
    assertThatThrownBy(() -> as.userRevokeRole("u", "nope", w))
        .hasMessage("auth: role is not granted to the user");
    assertThatThrownBy(() -> as.roleAdd("", w)).hasMessage("auth: role name is empty");
    as.roleAdd("r", w);
    assertThatThrownBy(() -> as.roleAdd("r", w)).hasMessage("auth: role already exists");
    assertThatThrownBy(
            () ->
                as.roleRevokePermission(
                    AuthRoleRevokePermissionRequest.newBuilder()
                        .setRole("r")
                        .setKey(bs("k"))
                        .build(),
                    w))
        .hasMessage("auth: permission is not granted to the role");
    assertThatThrownBy(() -> as.rolePermissions("x")).hasMessage("auth: role not found");
  }

  @Test
  void rootCannotBeRemovedWhileEnabled() throws AuthException {
    enableWithRoot();
    as.roleAdd("root", w);
    assertThatThrownBy(() -> as.userDelete("root", w)).hasMessage("auth: invalid auth management");
    assertThatThrownBy(() -> as.userRevokeRole("root", "root", w))
        .hasMessage("auth: invalid auth management");
    assertThatThrownBy(() -> as.roleDelete("root", w)).hasMessage("auth: invalid auth management");
  }

  @Test
  void passwordIsBcryptAndChecked() throws AuthException {
    enableWithRoot();
    addUser("u", "secret");
    User u = as.state().users().get("u");
    assertThat(u.getPassword().toString(StandardCharsets.US_ASCII)).startsWith("$2a$04$");
    assertThat(as.checkPassword("u", "secret")).isEqualTo(as.revision());
    assertThatThrownBy(() -> as.checkPassword("u", "wrong"))
        .hasMessage("auth: authentication failed, invalid user ID or password");
    assertThatThrownBy(() -> as.checkPassword("x", "secret"))
        .hasMessage("auth: authentication failed, invalid user ID or password");
    as.userChangePassword("u", "other", w);
    as.checkPassword("u", "other");
  }

  @Test
  void goBcryptHashesVerifyAndOursRoundTrip() {
    // The classic $2a$ vector (OpenBSD, also in Go's bcrypt tests).
    ByteString known = bs("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW");
    assertThat(Passwords.matches(known, "U*U")).isTrue();
    assertThat(Passwords.matches(known, "U*V")).isFalse();
    assertThat(Passwords.matches(bs("not a hash"), "x")).isFalse();
    ByteString ours = Passwords.hash("test", 4, new Random(2));
    assertThat(Passwords.matches(ours, "test")).isTrue();
    assertThat(Passwords.matches(ours, "tesT")).isFalse();
  }

  @Test
  void noPasswordUserCannotAuthenticate() throws AuthException {
    enableWithRoot();
    as.userAdd(
        AuthUserAddRequest.newBuilder()
            .setName("np")
            .setOptions(UserAddOptions.newBuilder().setNoPassword(true))
            .build(),
        w);
    assertThatThrownBy(() -> as.checkPassword("np", ""))
        .hasMessage("auth: authentication failed, password was given for no password user");
    assertThatThrownBy(() -> as.authenticate("np", "p", 5))
        .hasMessage("auth: authentication failed, invalid user ID or password");
  }

  @Test
  void simpleTokenIsPrefixDotIndexAndExpiresUnused() throws AuthException {
    enableWithRoot();
    String prefix = as.genTokenPrefix();
    assertThat(prefix).matches("[a-zA-Z]{16}");
    String token = as.authenticate("root", prefix, 42);
    assertThat(token).isEqualTo(prefix + ".42");
    assertThat(as.authInfoFromToken(token)).isEqualTo(new AuthInfo("root", as.revision()));
    nanos.addAndGet(Duration.ofSeconds(299).toNanos());
    as.authInfoFromToken(token); // renews
    nanos.addAndGet(Duration.ofSeconds(299).toNanos());
    as.authInfoFromToken(token);
    nanos.addAndGet(Duration.ofSeconds(301).toNanos());
    assertThatThrownBy(() -> as.authInfoFromToken(token)).hasMessage("auth: invalid auth token");
  }

  @Test
  void tokensDieWithPasswordChangeDeleteAndDisable() throws AuthException {
    enableWithRoot();
    addUser("u", "pw");
    String t1 = as.authenticate("u", as.genTokenPrefix(), 10);
    as.userChangePassword("u", "pw2", w);
    assertThatThrownBy(() -> as.authInfoFromToken(t1)).hasMessage("auth: invalid auth token");
    String t2 = as.authenticate("u", as.genTokenPrefix(), 11);
    as.userDelete("u", w);
    assertThatThrownBy(() -> as.authInfoFromToken(t2)).hasMessage("auth: invalid auth token");
    String t3 = as.authenticate("root", as.genTokenPrefix(), 12);
    as.authDisable(w);
    assertThatThrownBy(() -> as.authInfoFromToken(t3)).hasMessage("auth: invalid auth token");
    assertThatThrownBy(() -> as.authenticate("root", "p", 13))
        .hasMessage("auth: authentication is not enabled");
  }

  @Test
  void permissionChecksFollowIsOpPermitted() throws AuthException {
    enableWithRoot();
    addUser("u", "pw");
    as.roleAdd("r", w);
    grant("r", "foo", "", Permission.Type.READWRITE);
    grant("r", "pre/", "pre0", Permission.Type.READ);
    as.userGrantRole("u", "r", w);
    AuthInfo u = new AuthInfo("u", as.revision());
    as.checkPut(u, bs("foo"));
    as.checkRange(u, bs("pre/a"), ByteString.EMPTY);
    as.checkRange(u, bs("pre/"), bs("pre0"));
    assertThatThrownBy(() -> as.checkPut(u, bs("pre/a"))).hasMessage("auth: permission denied");
    assertThatThrownBy(() -> as.checkRange(u, bs("fo"), bs("foz")))
        .hasMessage("auth: permission denied");
    assertThatThrownBy(() -> as.checkRange(AuthInfo.NONE, bs("foo"), ByteString.EMPTY))
        .hasMessage("auth: user name is empty");
    assertThatThrownBy(() -> as.checkRange(new AuthInfo("ghost", as.revision()), bs("a"), bs("")))
        .hasMessage("auth: permission denied");
    // root passes everything
    as.checkDeleteRange(new AuthInfo("root", as.revision()), bs("a"), bs("\0"));
    as.roleAdd("r2", w);
    assertThatThrownBy(() -> as.checkPut(u, bs("foo")))
        .hasMessage("auth: revision in header is old");
  }

  @Test
  void adminNeedsRootRole() throws AuthException {
    as.checkAdmin(null); // disabled: anyone
    enableWithRoot();
    addUser("u", "pw");
    as.checkAdmin(new AuthInfo("root", 1));
    assertThatThrownBy(() -> as.checkAdmin(null)).hasMessage("auth: user name is empty");
    assertThatThrownBy(() -> as.checkAdmin(new AuthInfo("x", 1)))
        .hasMessage("auth: user not found");
    assertThatThrownBy(() -> as.checkAdmin(new AuthInfo("u", 1)))
        .hasMessage("auth: permission denied");
  }

  @Test
  void roleGrantUpdatesSameRangeAndKeepsKeyOrder() throws AuthException {
    as.roleAdd("r", w);
    grant("r", "b", "", Permission.Type.READ);
    grant("r", "a", "c", Permission.Type.WRITE);
    grant("r", "b", "", Permission.Type.READWRITE);
    assertThat(as.rolePermissions("r"))
        .extracting(p -> p.getKey().toStringUtf8() + ":" + p.getPermType())
        .containsExactly("a:WRITE", "b:READWRITE");
  }

  @Test
  void roleDeleteRevokesItFromUsers() throws AuthException {
    addUser("u", "pw");
    as.roleAdd("a", w);
    as.roleAdd("b", w);
    as.userGrantRole("u", "b", w);
    as.userGrantRole("u", "a", w);
    assertThat(as.userRoles("u")).containsExactly("a", "b");
    as.roleDelete("a", w);
    assertThat(as.userRoles("u")).containsExactly("b");
    assertThat(as.roleNames()).containsExactly("b");
  }

  @Test
  void everythingSurvivesReopen() throws AuthException {
    enableWithRoot();
    addUser("u", "pw");
    as.roleAdd("r", w);
    grant("r", "k", "\0", Permission.Type.READ);
    as.userGrantRole("u", "r", w);
    long rev = as.revision();
    be.forceCommit();
    reopen();
    assertThat(as.isEnabled()).isTrue();
    assertThat(as.revision()).isEqualTo(rev);
    assertThat(as.userNames()).containsExactly("root", "u");
    assertThat(as.userRoles("u")).containsExactly("r");
    as.checkRange(new AuthInfo("u", rev), bs("kz"), bs("\0"));
    as.checkPassword("u", "pw");
  }
}
