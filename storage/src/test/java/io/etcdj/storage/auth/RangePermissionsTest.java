package io.etcdj.storage.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcdj.proto.authpb.Permission;
import io.etcdj.proto.authpb.Role;
import io.etcdj.proto.authpb.User;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** etcd {@code auth/range_perm_cache_test.go}: the interval semantics of permission checks. */
class RangePermissionsTest {
  private static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static RangePermissions perms(String... keyEnds) {
    Role.Builder r = Role.newBuilder().setName(bs("r"));
    for (int i = 0; i < keyEnds.length; i += 2) {
      r.addKeyPermission(
          Permission.newBuilder()
              .setKey(bs(keyEnds[i]))
              .setRangeEnd(bs(keyEnds[i + 1]))
              .setPermType(Permission.Type.READ));
    }
    User u = User.newBuilder().setName(bs("u")).addRoles("r").build();
    return RangePermissions.merge(u, Map.of("r", r.build()));
  }

  private static boolean read(RangePermissions p, String key, String end) {
    return p.permitted(bs(key), bs(end), Permission.Type.READ);
  }

  @Test
  void adjacentRangesCoverTheirUnion() {
    RangePermissions p = perms("a", "c", "c", "f");
    assertThat(read(p, "a", "f")).isTrue();
    assertThat(read(p, "b", "e")).isTrue();
    assertThat(read(p, "a", "g")).isFalse();
    assertThat(p.permitted(bs("a"), bs("f"), Permission.Type.WRITE)).isFalse();
  }

  @Test
  void aGapDeniesTheRange() {
    RangePermissions p = perms("a", "b", "c", "f");
    assertThat(read(p, "a", "f")).isFalse();
    assertThat(read(p, "c", "d")).isTrue();
  }

  @Test
  void singleKeyPermissionIsAPoint() {
    RangePermissions p = perms("foo", "");
    assertThat(read(p, "foo", "")).isTrue();
    assertThat(read(p, "foo", "foo\0")).isTrue();
    assertThat(read(p, "fooa", "")).isFalse();
    assertThat(read(p, "foo", "fop")).isFalse();
  }

  @Test
  void fromKeyPermissionCoversEverythingAfter() {
    RangePermissions p = perms("k", "\0");
    assertThat(read(p, "k", "\0")).isTrue();
    assertThat(read(p, "zzz", "")).isTrue();
    assertThat(read(p, "l", "\0")).isTrue();
    assertThat(read(p, "j", "\0")).isFalse();
    assertThat(read(p, "j", "")).isFalse();
  }

  @Test
  void prefixPermissionCoversPrefixRanges() {
    RangePermissions p = perms("pre/", "pre0");
    assertThat(read(p, "pre/", "pre0")).isTrue();
    assertThat(read(p, "pre/x", "pre/y")).isTrue();
    assertThat(read(p, "pre/", "\0")).isFalse();
    assertThat(read(p, "pre0", "")).isFalse();
  }
}
