package io.etcdj.storage.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etcdj.proto.authpb.Permission;
import io.etcdj.proto.authpb.Role;
import io.etcdj.proto.authpb.User;
import io.etcdj.proto.authpb.UserAddOptions;
import io.etcdj.proto.etcdserverpb.AuthRoleGrantPermissionRequest;
import io.etcdj.proto.etcdserverpb.AuthRoleRevokePermissionRequest;
import io.etcdj.proto.etcdserverpb.AuthUserAddRequest;
import io.etcdj.storage.backend.Backend;
import io.etcdj.storage.backend.BackendReader;
import io.etcdj.storage.backend.BatchTx;
import io.etcdj.storage.backend.Bucket;
import io.etcdj.storage.backend.RangeResult;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's auth store ({@code auth/store.go}): users, roles and the enabled flag persisted in the
 * {@code auth}, {@code authUsers} and {@code authRoles} buckets as etcd writes them ({@code
 * authpb.User}/{@code authpb.Role} values, {@code authEnabled} = 1 byte, {@code authRevision} = 8
 * bytes big-endian), the auth revision bumped by every change, bcrypt passwords, simple tokens, and
 * the permission checks of {@code isOpPermitted}/{@code IsAdminPermitted}.
 *
 * <p>Mutations are raft entries: they run on the apply thread and write through an {@link
 * AuthWriter} (the entry's backend session, which also saves the consistent index). The backend
 * stays the truth; an immutable copy of it ({@link State}) is published after each mutation so
 * checks and reads on request threads never take the batch lock.
 *
 * <p>Threading: mutations and {@link #recover()} on the apply thread only; everything else on any
 * thread. {@link #checkPassword} and the bcrypt in {@link #userAdd}/{@link #userChangePassword} are
 * slow: never call them on an event loop.
 */
public final class AuthStore {
  private static final Logger LOG = LoggerFactory.getLogger(AuthStore.class);

  /** {@code rootUser} and {@code rootRole}. */
  public static final String ROOT = "root";

  static final byte[] ENABLE_FLAG_KEY = "authEnabled".getBytes(UTF_8);
  static final byte[] REVISION_KEY = "authRevision".getBytes(UTF_8);
  private static final byte[] ENABLED = {1};
  private static final byte[] DISABLED = {0};

  /** Names ordered as bbolt orders their bytes. */
  private static final Comparator<String> BY_BYTES =
      Comparator.comparing(
          s -> ByteString.copyFromUtf8(s), ByteString.unsignedLexicographicalComparator());

  private final Backend backend;
  private final int bcryptCost;
  private final AuthStoreConfig config;
  private final SimpleTokens tokens;
  private volatile State state;

  State state() {
    return state;
  }

  /**
   * What the backend holds, with each user's merged permissions ({@code rangePermCache}).
   * Immutable.
   */
  record State(
      boolean enabled,
      long revision,
      Map<String, User> users,
      Map<String, Role> roles,
      Map<String, RangePermissions> perms) {
    static State of(
        boolean enabled, long revision, Map<String, User> users, Map<String, Role> roles) {
      Map<String, RangePermissions> perms = new TreeMap<>(BY_BYTES);
      for (Map.Entry<String, User> e : users.entrySet()) {
        perms.put(e.getKey(), RangePermissions.merge(e.getValue(), roles));
      }
      return new State(
          enabled,
          revision,
          Collections.unmodifiableMap(users),
          Collections.unmodifiableMap(roles),
          Collections.unmodifiableMap(perms));
    }
  }

  private AuthStore(Backend backend, AuthStoreConfig config, int bcryptCost) {
    this.backend = backend;
    this.config = config;
    this.bcryptCost = bcryptCost;
    this.tokens =
        new SimpleTokens(config.nanoClock(), config.random(), config.tokenTtl().toNanos());
  }

  /**
   * {@code NewAuthStore}: creates the buckets, loads the state, writes revision 1 into a new store,
   * and commits.
   */
  public static AuthStore open(Backend backend, AuthStoreConfig config) {
    int cost = config.bcryptCost();
    if (cost < AuthStoreConfig.MIN_BCRYPT_COST || cost > AuthStoreConfig.MAX_BCRYPT_COST) {
      LOG.warn(
          "use default bcrypt cost instead of the invalid given cost: default-cost {}, given-cost"
              + " {}",
          AuthStoreConfig.DEFAULT_BCRYPT_COST,
          cost);
      cost = AuthStoreConfig.DEFAULT_BCRYPT_COST;
    }
    AuthStore as = new AuthStore(backend, config, cost);
    BatchTx tx = backend.batchTx();
    tx.lock();
    try {
      tx.unsafeCreateBucket(Bucket.AUTH);
      tx.unsafeCreateBucket(Bucket.AUTH_USERS);
      tx.unsafeCreateBucket(Bucket.AUTH_ROLES);
      State s = load(tx);
      if (s.revision() == 0) {
        putRevision(tx, 1);
        s = State.of(s.enabled(), 1, new TreeMap<>(s.users()), new TreeMap<>(s.roles()));
      }
      as.publish(s);
    } finally {
      tx.unlock();
    }
    backend.forceCommit();
    return as;
  }

  /** {@code Recover}: reloads everything from the backend (after a snapshot was installed). */
  public void recover() {
    BatchTx tx = backend.batchTx();
    tx.lock();
    try {
      publish(load(tx));
    } finally {
      tx.unlock();
    }
  }

  private void publish(State s) {
    boolean was = state != null && state.enabled();
    state = s;
    if (s.enabled() && !was) {
      tokens.enable();
    } else if (!s.enabled() && was) {
      tokens.disable();
    }
  }

  private static State load(BackendReader tx) {
    boolean enabled = false;
    RangeResult rr = tx.unsafeRange(Bucket.AUTH, ENABLE_FLAG_KEY, null, 0);
    if (rr.values().size() == 1 && java.util.Arrays.equals(rr.values().get(0), ENABLED)) {
      enabled = true;
    }
    long revision = 0;
    RangeResult rv = tx.unsafeRange(Bucket.AUTH, REVISION_KEY, null, 0);
    if (rv.values().size() == 1) {
      revision = ByteBuffer.wrap(rv.values().get(0)).getLong();
    }
    Map<String, User> users = new TreeMap<>(BY_BYTES);
    tx.unsafeForEach(
        Bucket.AUTH_USERS,
        (k, v) -> {
          User u = parse(() -> User.parseFrom(v), "authpb.User");
          users.put(u.getName().toStringUtf8(), u);
        });
    Map<String, Role> roles = new TreeMap<>(BY_BYTES);
    tx.unsafeForEach(
        Bucket.AUTH_ROLES,
        (k, v) -> {
          Role r = parse(() -> Role.parseFrom(v), "authpb.Role");
          roles.put(r.getName().toStringUtf8(), r);
        });
    return State.of(enabled, revision, users, roles);
  }

  private interface Parser<T> {
    T parse() throws InvalidProtocolBufferException;
  }

  private static <T> T parse(Parser<T> p, String what) {
    try {
      return p.parse();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("failed to unmarshal '" + what + "'", e);
    }
  }

  // ---- state ----

  /** {@code IsAuthEnabled}. */
  public boolean isEnabled() {
    return state.enabled();
  }

  /** {@code Revision}: bumped by every change of users, roles or permissions and by disable. */
  public long revision() {
    return state.revision();
  }

  /** The bcrypt cost in use (an invalid configured cost became 10). */
  public int bcryptCost() {
    return bcryptCost;
  }

  // ---- mutations (apply thread) ----

  /**
   * {@code AuthEnable}: needs a root user with the root role; a no-op when already enabled. Unlike
   * other changes it does not bump the revision. Commits the backend.
   */
  public void authEnable(AuthWriter w) throws AuthException {
    State s = state;
    if (s.enabled()) {
      LOG.info("authentication is already enabled; ignored auth enable request");
      return;
    }
    User root = s.users().get(ROOT);
    if (root == null) {
      throw AuthError.ROOT_USER_NOT_EXIST.exception();
    }
    if (!hasRootRole(root)) {
      throw AuthError.ROOT_ROLE_NOT_EXIST.exception();
    }
    w.write(tx -> tx.unsafePut(Bucket.AUTH, ENABLE_FLAG_KEY, ENABLED));
    publish(new State(true, s.revision(), s.users(), s.roles(), s.perms()));
    backend.forceCommit();
    LOG.info("enabled authentication");
  }

  /** {@code AuthDisable}: a no-op when disabled; drops every token. Commits the backend. */
  public void authDisable(AuthWriter w) {
    State s = state;
    if (!s.enabled()) {
      return;
    }
    long rev = s.revision() + 1;
    w.write(
        tx -> {
          tx.unsafePut(Bucket.AUTH, ENABLE_FLAG_KEY, DISABLED);
          putRevision(tx, rev);
        });
    publish(new State(false, rev, s.users(), s.roles(), s.perms()));
    backend.forceCommit();
    LOG.info("disabled authentication");
  }

  /**
   * {@code Authenticate} as applied: assigns {@code prefix.index} to the user (the password was
   * checked before proposing, see {@link #checkPassword}).
   *
   * @param index the raft index of the Authenticate entry
   */
  public String authenticate(String name, String prefix, long index) throws AuthException {
    State s = state;
    if (!s.enabled()) {
      throw AuthError.AUTH_NOT_ENABLED.exception();
    }
    User u = s.users().get(name);
    if (u == null || (u.hasOptions() && u.getOptions().getNoPassword())) {
      throw AuthError.AUTH_FAILED.exception();
    }
    String token = tokens.assign(name, prefix, index);
    LOG.debug("authenticated a user {}", name);
    return token;
  }

  /** {@code UserAdd}: hashes the password (unless {@code no_password}) with the store's cost. */
  public void userAdd(AuthUserAddRequest r, AuthWriter w) throws AuthException {
    if (r.getName().isEmpty()) {
      throw AuthError.USER_EMPTY.exception();
    }
    boolean noPassword = r.hasOptions() && r.getOptions().getNoPassword();
    ByteString hashed = noPassword ? ByteString.EMPTY : hash(r.getPassword());
    State s = state;
    if (s.users().containsKey(r.getName())) {
      throw AuthError.USER_ALREADY_EXIST.exception();
    }
    UserAddOptions options = r.hasOptions() ? r.getOptions() : UserAddOptions.getDefaultInstance();
    User u =
        User.newBuilder()
            .setName(ByteString.copyFromUtf8(r.getName()))
            .setPassword(hashed)
            .setOptions(options)
            .build();
    Map<String, User> users = copy(s.users());
    users.put(r.getName(), u);
    commit(s, w, users, s.roles(), tx -> putUser(tx, u));
    LOG.info("added a user {}", r.getName());
  }

  /** {@code UserDelete}: not root while enabled; drops the user's tokens. */
  public void userDelete(String name, AuthWriter w) throws AuthException {
    State s = state;
    if (s.enabled() && ROOT.equals(name)) {
      LOG.warn("cannot delete 'root' user");
      throw AuthError.INVALID_AUTH_MGMT.exception();
    }
    if (!s.users().containsKey(name)) {
      throw AuthError.USER_NOT_FOUND.exception();
    }
    Map<String, User> users = copy(s.users());
    users.remove(name);
    commit(s, w, users, s.roles(), tx -> tx.unsafeDelete(Bucket.AUTH_USERS, name.getBytes(UTF_8)));
    tokens.invalidateUser(name);
    LOG.info("deleted a user {}", name);
  }

  /** {@code UserChangePassword}: keeps roles and options; drops the user's tokens. */
  public void userChangePassword(String name, String password, AuthWriter w) throws AuthException {
    ByteString hashed = hash(password);
    State s = state;
    User old = s.users().get(name);
    if (old == null) {
      throw AuthError.USER_NOT_FOUND.exception();
    }
    User.Builder b =
        User.newBuilder()
            .setName(ByteString.copyFromUtf8(name))
            .addAllRoles(old.getRolesList())
            .setPassword(hashed);
    if (old.hasOptions()) {
      b.setOptions(old.getOptions());
    }
    User u = b.build();
    Map<String, User> users = copy(s.users());
    users.put(name, u);
    commit(s, w, users, s.roles(), tx -> putUser(tx, u));
    tokens.invalidateUser(name);
    LOG.info("changed a password of a user {}", name);
  }

  /** {@code UserGrantRole}: {@code root} needs no role entry; granting twice changes nothing. */
  public void userGrantRole(String user, String role, AuthWriter w) throws AuthException {
    State s = state;
    User old = s.users().get(user);
    if (old == null) {
      throw AuthError.USER_NOT_FOUND.exception();
    }
    if (!ROOT.equals(role) && !s.roles().containsKey(role)) {
      throw AuthError.ROLE_NOT_FOUND.exception();
    }
    List<String> roles = new ArrayList<>(old.getRolesList());
    int idx = Collections.binarySearch(roles, role);
    if (idx >= 0) {
      LOG.warn("ignored grant role request to a user {}: duplicate role {}", user, role);
      return;
    }
    roles.add(-idx - 1, role);
    User u = old.toBuilder().clearRoles().addAllRoles(roles).build();
    Map<String, User> users = copy(s.users());
    users.put(user, u);
    commit(s, w, users, s.roles(), tx -> putUser(tx, u));
    LOG.info("granted a role {} to a user {}", role, user);
  }

  /** {@code UserRevokeRole}: not root's root role while enabled. */
  public void userRevokeRole(String user, String role, AuthWriter w) throws AuthException {
    State s = state;
    if (s.enabled() && ROOT.equals(user) && ROOT.equals(role)) {
      LOG.warn("'root' user cannot revoke 'root' role");
      throw AuthError.INVALID_AUTH_MGMT.exception();
    }
    User old = s.users().get(user);
    if (old == null) {
      throw AuthError.USER_NOT_FOUND.exception();
    }
    List<String> roles = new ArrayList<>(old.getRolesList());
    if (!roles.removeIf(role::equals)) {
      throw AuthError.ROLE_NOT_GRANTED.exception();
    }
    User u = old.toBuilder().clearRoles().addAllRoles(roles).build();
    Map<String, User> users = copy(s.users());
    users.put(user, u);
    commit(s, w, users, s.roles(), tx -> putUser(tx, u));
    LOG.info("revoked a role {} from a user {}", role, user);
  }

  /** {@code RoleAdd}. */
  public void roleAdd(String name, AuthWriter w) throws AuthException {
    if (name.isEmpty()) {
      throw AuthError.ROLE_EMPTY.exception();
    }
    State s = state;
    if (s.roles().containsKey(name)) {
      throw AuthError.ROLE_ALREADY_EXIST.exception();
    }
    Role role = Role.newBuilder().setName(ByteString.copyFromUtf8(name)).build();
    Map<String, Role> roles = copy(s.roles());
    roles.put(name, role);
    commit(s, w, s.users(), roles, tx -> putRole(tx, role));
    LOG.info("created a role {}", name);
  }

  /** {@code RoleDelete}: not root while enabled; the role is revoked from every user. */
  public void roleDelete(String name, AuthWriter w) throws AuthException {
    State s = state;
    if (s.enabled() && ROOT.equals(name)) {
      LOG.warn("cannot delete 'root' role");
      throw AuthError.INVALID_AUTH_MGMT.exception();
    }
    if (!s.roles().containsKey(name)) {
      throw AuthError.ROLE_NOT_FOUND.exception();
    }
    Map<String, Role> roles = copy(s.roles());
    roles.remove(name);
    Map<String, User> users = copy(s.users());
    List<User> changed = new ArrayList<>();
    for (User u : s.users().values()) {
      if (u.getRolesList().contains(name)) {
        List<String> rs = new ArrayList<>(u.getRolesList());
        rs.removeIf(name::equals);
        User nu = u.toBuilder().clearRoles().addAllRoles(rs).build();
        users.put(nu.getName().toStringUtf8(), nu);
        changed.add(nu);
      }
    }
    commit(
        s,
        w,
        users,
        roles,
        tx -> {
          tx.unsafeDelete(Bucket.AUTH_ROLES, name.getBytes(UTF_8));
          for (User u : changed) {
            putUser(tx, u);
          }
        });
    LOG.info("deleted a role {}", name);
  }

  /**
   * {@code RoleGrantPermission}: the first permission at or after the key, if it has the same key
   * and range end, gets the new type; otherwise the permission is added in key order.
   */
  public void roleGrantPermission(AuthRoleGrantPermissionRequest r, AuthWriter w)
      throws AuthException {
    State s = state;
    Role old = s.roles().get(r.getName());
    if (old == null) {
      throw AuthError.ROLE_NOT_FOUND.exception();
    }
    List<Permission> perms = new ArrayList<>(old.getKeyPermissionList());
    Comparator<ByteString> bytes = ByteString.unsignedLexicographicalComparator();
    int idx = 0;
    while (idx < perms.size() && bytes.compare(perms.get(idx).getKey(), r.getPerm().getKey()) < 0) {
      idx++;
    }
    if (idx < perms.size()
        && perms.get(idx).getKey().equals(r.getPerm().getKey())
        && perms.get(idx).getRangeEnd().equals(r.getPerm().getRangeEnd())) {
      perms.set(idx, perms.get(idx).toBuilder().setPermType(r.getPerm().getPermType()).build());
    } else {
      perms.add(
          Permission.newBuilder()
              .setKey(r.getPerm().getKey())
              .setRangeEnd(r.getPerm().getRangeEnd())
              .setPermType(r.getPerm().getPermType())
              .build());
      perms.sort((a, b) -> bytes.compare(a.getKey(), b.getKey()));
    }
    Role role = old.toBuilder().clearKeyPermission().addAllKeyPermission(perms).build();
    Map<String, Role> roles = copy(s.roles());
    roles.put(r.getName(), role);
    commit(s, w, s.users(), roles, tx -> putRole(tx, role));
    LOG.info("granted/updated a permission to a role {}", r.getName());
  }

  /** {@code RoleRevokePermission}: removes the permissions with exactly this key and range end. */
  public void roleRevokePermission(AuthRoleRevokePermissionRequest r, AuthWriter w)
      throws AuthException {
    State s = state;
    Role old = s.roles().get(r.getRole());
    if (old == null) {
      throw AuthError.ROLE_NOT_FOUND.exception();
    }
    List<Permission> perms = new ArrayList<>(old.getKeyPermissionList());
    if (!perms.removeIf(
        p -> p.getKey().equals(r.getKey()) && p.getRangeEnd().equals(r.getRangeEnd()))) {
      throw AuthError.PERMISSION_NOT_GRANTED.exception();
    }
    Role role = Role.newBuilder().setName(old.getName()).addAllKeyPermission(perms).build();
    Map<String, Role> roles = copy(s.roles());
    roles.put(r.getRole(), role);
    commit(s, w, s.users(), roles, tx -> putRole(tx, role));
    LOG.info("revoked a permission on range from a role {}", r.getRole());
  }

  private void commit(
      State s,
      AuthWriter w,
      Map<String, User> users,
      Map<String, Role> roles,
      java.util.function.Consumer<BatchTx> writes) {
    long rev = s.revision() + 1;
    w.write(
        tx -> {
          writes.accept(tx);
          putRevision(tx, rev);
        });
    publish(State.of(s.enabled(), rev, users, roles));
  }

  private ByteString hash(String password) {
    return Passwords.hash(password, bcryptCost, config.random());
  }

  // ---- reads (any thread) ----

  /** {@code UserGet}: the user's roles, sorted. */
  public List<String> userRoles(String name) throws AuthException {
    User u = state.users().get(name);
    if (u == null) {
      throw AuthError.USER_NOT_FOUND.exception();
    }
    return u.getRolesList();
  }

  /** {@code UserList}: every user name in byte order. */
  public List<String> userNames() {
    return List.copyOf(state.users().keySet());
  }

  /** {@code RoleGet}: the role's permissions in key order. */
  public List<Permission> rolePermissions(String name) throws AuthException {
    Role r = state.roles().get(name);
    if (r == null) {
      throw AuthError.ROLE_NOT_FOUND.exception();
    }
    return r.getKeyPermissionList();
  }

  /** {@code RoleList}: every role name in byte order. */
  public List<String> roleNames() {
    return List.copyOf(state.roles().keySet());
  }

  /** {@code HasRole}. */
  public boolean hasRole(String user, String role) {
    User u = state.users().get(user);
    return u != null && u.getRolesList().contains(role);
  }

  /**
   * {@code CheckPassword}, run before proposing an Authenticate: the auth revision the password was
   * checked at.
   */
  public long checkPassword(String name, String password) throws AuthException {
    State s = state;
    if (!s.enabled()) {
      throw AuthError.AUTH_NOT_ENABLED.exception();
    }
    User u = s.users().get(name);
    if (u == null) {
      throw AuthError.AUTH_FAILED.exception();
    }
    if (u.hasOptions() && u.getOptions().getNoPassword()) {
      throw AuthError.NO_PASSWORD_USER.exception();
    }
    if (!Passwords.matches(u.getPassword(), password)) {
      LOG.info("invalid password for user {}", name);
      throw AuthError.AUTH_FAILED.exception();
    }
    return s.revision();
  }

  /** {@code GenTokenPrefix}: 16 random letters. */
  public String genTokenPrefix() {
    return tokens.genPrefix();
  }

  /**
   * {@code AuthInfoFromCtx} for a request that carries {@code token}: who it is, at the current
   * revision; using a token renews it.
   *
   * @throws AuthException {@code INVALID_AUTH_TOKEN} for an unknown or expired token
   */
  public AuthInfo authInfoFromToken(String token) throws AuthException {
    long rev = state.revision();
    String user = tokens.user(token);
    if (user == null) {
      LOG.warn("invalid auth token: {}", token);
      throw AuthError.INVALID_AUTH_TOKEN.exception();
    }
    return new AuthInfo(user, rev);
  }

  /** {@code IsPutPermitted}. */
  public void checkPut(AuthInfo ai, ByteString key) throws AuthException {
    checkOp(ai, key, ByteString.EMPTY, Permission.Type.WRITE);
  }

  /** {@code IsRangePermitted}. */
  public void checkRange(AuthInfo ai, ByteString key, ByteString rangeEnd) throws AuthException {
    checkOp(ai, key, rangeEnd, Permission.Type.READ);
  }

  /** {@code IsDeleteRangePermitted}. */
  public void checkDeleteRange(AuthInfo ai, ByteString key, ByteString rangeEnd)
      throws AuthException {
    checkOp(ai, key, rangeEnd, Permission.Type.WRITE);
  }

  /** {@code isOpPermitted}. */
  private void checkOp(AuthInfo ai, ByteString key, ByteString rangeEnd, Permission.Type type)
      throws AuthException {
    State s = state;
    if (!s.enabled()) {
      return;
    }
    if (ai.revision() == 0) {
      throw AuthError.USER_EMPTY.exception();
    }
    if (ai.revision() < s.revision()) {
      LOG.warn(
          "request auth revision is less than current node auth revision: current {}, request {}",
          s.revision(),
          ai.revision());
      throw AuthError.AUTH_OLD_REVISION.exception();
    }
    User u = s.users().get(ai.username());
    if (u == null) {
      LOG.warn("cannot find a user for permission check: {}", ai.username());
      throw AuthError.PERMISSION_DENIED.exception();
    }
    if (hasRootRole(u)) {
      return;
    }
    RangePermissions p = s.perms().get(ai.username());
    if (p != null && p.permitted(key, rangeEnd, type)) {
      return;
    }
    throw AuthError.PERMISSION_DENIED.exception();
  }

  /** {@code IsAdminPermitted}: the user has the root role. */
  public void checkAdmin(@Nullable AuthInfo ai) throws AuthException {
    State s = state;
    if (!s.enabled()) {
      return;
    }
    if (ai == null || ai.username().isEmpty()) {
      throw AuthError.USER_EMPTY.exception();
    }
    User u = s.users().get(ai.username());
    if (u == null) {
      throw AuthError.USER_NOT_FOUND.exception();
    }
    if (!hasRootRole(u)) {
      throw AuthError.PERMISSION_DENIED.exception();
    }
  }

  static boolean hasRootRole(User u) {
    return u.getRolesList().contains(ROOT);
  }

  private static <K, V> Map<K, V> copy(Map<K, V> m) {
    @SuppressWarnings("unchecked")
    Comparator<K> c = (Comparator<K>) BY_BYTES;
    Map<K, V> out = new TreeMap<>(c);
    out.putAll(m);
    return out;
  }

  private static void putUser(BatchTx tx, User u) {
    tx.unsafePut(Bucket.AUTH_USERS, u.getName().toByteArray(), u.toByteArray());
  }

  private static void putRole(BatchTx tx, Role r) {
    tx.unsafePut(Bucket.AUTH_ROLES, r.getName().toByteArray(), r.toByteArray());
  }

  private static void putRevision(BatchTx tx, long rev) {
    tx.unsafePut(Bucket.AUTH, REVISION_KEY, ByteBuffer.allocate(8).putLong(rev).array());
  }
}
