package io.etcdj.etcdserver.membership;

import static java.util.Objects.requireNonNull;

import io.etcdj.etcdserver.types.Ids;
import io.etcdj.storage.backend.Backend;
import io.etcdj.storage.backend.BatchTx;
import io.etcdj.storage.backend.Bucket;
import io.etcdj.storage.backend.ReadTx;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The {@link MembershipStore} of a running member, kept as etcd 3.4 keeps membership ({@code
 * membership/store.go}): the v2 half in memory (etcd's v2 store lives in memory too; it persists
 * only inside raft snapshots and is rebuilt on restart from the snapshot and the WAL entries after
 * it), and every write mirrored at once into the backend buckets {@code members}, {@code
 * members_removed} and {@code cluster} ({@code mustSaveMemberToBackend}, {@code
 * mustDeleteMemberFromBackend}, {@code mustSaveClusterVersionToBackend}). Like etcd's, the backend
 * writes are plain puts in their own batch lock session, not tied to the consistent index: a
 * restart replays the entries after the snapshot and writes them again, which is idempotent.
 *
 * <p>Not thread-safe; one owner (the apply thread, and startup before it runs), like the v2 store.
 * The backend itself is thread-safe.
 */
public final class BackendMembershipStore implements MembershipStore {
  private final Backend backend;
  private final InMemoryMembershipStore v2 = new InMemoryMembershipStore();

  /** Creates the membership buckets if missing ({@code mustCreateBackendBuckets}). */
  public BackendMembershipStore(Backend backend) {
    this.backend = requireNonNull(backend, "backend");
    write(
        tx -> {
          tx.unsafeCreateBucket(Bucket.MEMBERS);
          tx.unsafeCreateBucket(Bucket.MEMBERS_REMOVED);
          tx.unsafeCreateBucket(Bucket.CLUSTER);
        });
  }

  @Override
  public Map<Long, Member> members() {
    return v2.members();
  }

  @Override
  public Set<Long> removed() {
    return v2.removed();
  }

  @Override
  public Optional<String> clusterVersion() {
    return v2.clusterVersion();
  }

  @Override
  public void saveMember(Member m) {
    v2.saveMember(m);
    putMember(m);
  }

  @Override
  public void deleteMember(long id) {
    v2.deleteMember(id);
    byte[] key = key(id);
    write(
        tx -> {
          tx.unsafeDelete(Bucket.MEMBERS, key);
          tx.unsafePut(Bucket.MEMBERS_REMOVED, key, bytes(MembershipKeys.BACKEND_REMOVED_VALUE));
        });
  }

  @Override
  public void updateRaftAttributes(Member m) {
    v2.updateRaftAttributes(m);
    putMember(m);
  }

  @Override
  public void updateAttributes(Member m) {
    v2.updateAttributes(m);
    putMember(m);
  }

  @Override
  public void saveClusterVersion(String version) {
    v2.saveClusterVersion(version);
    write(
        tx ->
            tx.unsafePut(
                Bucket.CLUSTER, bytes(MembershipKeys.BACKEND_CLUSTER_VERSION_KEY), bytes(version)));
  }

  /**
   * Loads the v2 half from a raft snapshot's membership (etcd's {@code v2store.Recovery} before
   * {@code cluster.Recover}); the backend already holds at least that state.
   *
   * @throws IllegalStateException when the v2 half is not empty
   */
  public void recoverV2(MembershipSnapshot snap) {
    if (!v2.members().isEmpty() || !v2.removed().isEmpty()) {
      throw new IllegalStateException("v2 membership recovered twice");
    }
    v2.load(snap);
  }

  /** The v2 half as a snapshot needs it. */
  public MembershipSnapshot snapshotV2() {
    return new MembershipSnapshot(v2.members(), v2.removed(), v2.clusterVersion());
  }

  /** What the backend buckets hold (etcd 3.5's {@code membersFromBackend}; tests and tools). */
  public static MembershipSnapshot readBackend(Backend backend) {
    Map<Long, Member> members = new HashMap<>();
    Set<Long> removed = new HashSet<>();
    String[] version = {null};
    try (ReadTx tx = backend.readTx()) {
      tx.unsafeForEach(
          Bucket.MEMBERS,
          (k, v) -> {
            Member m = MemberJson.decodeMember(new String(v, StandardCharsets.UTF_8));
            members.put(m.id(), m);
          });
      tx.unsafeForEach(
          Bucket.MEMBERS_REMOVED,
          (k, v) -> removed.add(Ids.parseHex(new String(k, StandardCharsets.UTF_8))));
      tx.unsafeForEach(
          Bucket.CLUSTER,
          (k, v) -> {
            if (MembershipKeys.BACKEND_CLUSTER_VERSION_KEY.equals(
                new String(k, StandardCharsets.UTF_8))) {
              version[0] = new String(v, StandardCharsets.UTF_8);
            }
          });
    }
    return new MembershipSnapshot(members, removed, Optional.ofNullable(version[0]));
  }

  private void putMember(Member m) {
    byte[] value = bytes(MemberJson.encode(m));
    write(tx -> tx.unsafePut(Bucket.MEMBERS, key(m.id()), value));
  }

  private void write(Consumer<BatchTx> writes) {
    BatchTx tx = backend.batchTx();
    tx.lock();
    try {
      writes.accept(tx);
    } finally {
      tx.unlock();
    }
  }

  private static byte[] key(long id) {
    return bytes(MembershipKeys.backendMemberKey(id));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
