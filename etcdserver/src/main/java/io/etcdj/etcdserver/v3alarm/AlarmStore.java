package io.etcdj.etcdserver.v3alarm;

import com.google.protobuf.InvalidProtocolBufferException;
import io.etcdj.proto.etcdserverpb.AlarmMember;
import io.etcdj.proto.etcdserverpb.AlarmType;
import io.etcdj.storage.backend.Backend;
import io.etcdj.storage.backend.BatchTx;
import io.etcdj.storage.backend.Bucket;
import io.etcdj.storage.node.ApplyTxn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The raised alarms ({@code etcdserver/api/v3alarm/alarms.go}): per alarm type, at most one alarm
 * per member, kept in memory and in the backend's {@code alarm} bucket, whose keys are the
 * marshaled {@link AlarmMember} and whose values are empty. Restored from the backend when opened,
 * so alarms survive a restart.
 *
 * <p>Threading: {@link #activate} and {@link #deactivate} on the apply thread (inside the entry's
 * {@link ApplyTxn}); {@link #get} from any thread. The map is guarded by this object's monitor.
 */
public final class AlarmStore {
  private static final byte[] EMPTY = new byte[0];

  // Alarm type number → member ID → alarm. By number, not enum, since a request may name a type
  // this build does not know (etcd keeps any int32); tree maps so listings come in a stable order.
  private final Map<Integer, Map<Long, AlarmMember>> types = new TreeMap<>();

  private AlarmStore() {}

  /**
   * {@code NewAlarmStore}: creates the {@code alarm} bucket if needed and loads what it holds.
   *
   * @throws IllegalStateException when a stored key is not an {@code AlarmMember} (etcd fails
   *     NewServer with the unmarshal error)
   */
  public static AlarmStore open(Backend backend) {
    AlarmStore s = new AlarmStore();
    List<byte[]> keys = new ArrayList<>();
    BatchTx tx = backend.batchTx();
    tx.lock();
    try {
      tx.unsafeCreateBucket(Bucket.ALARM);
      tx.unsafeForEach(Bucket.ALARM, (k, v) -> keys.add(k));
    } finally {
      tx.unlock();
    }
    backend.forceCommit();
    for (byte[] k : keys) {
      try {
        s.addToMap(AlarmMember.parseFrom(k));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("failed to restore alarm store: " + e.getMessage(), e);
      }
    }
    return s;
  }

  /**
   * {@code Activate}: raises {@code type} for {@code memberId}, writing it in {@code a}'s batch.
   * Returns the alarm now raised: the one that already was, if any (nothing is written then).
   */
  public AlarmMember activate(ApplyTxn a, long memberId, int type) {
    AlarmMember m = AlarmMember.newBuilder().setMemberID(memberId).setAlarmValue(type).build();
    synchronized (this) {
      AlarmMember have = addToMap(m);
      if (have != m) {
        return have;
      }
    }
    byte[] key = m.toByteArray();
    a.writeBackend(tx -> tx.unsafePut(Bucket.ALARM, key, EMPTY));
    return m;
  }

  /**
   * {@code Deactivate}: clears {@code type} for {@code memberId}, deleting it in {@code a}'s batch.
   * Returns the alarm cleared, or null when none was raised.
   */
  public @Nullable AlarmMember deactivate(ApplyTxn a, long memberId, int type) {
    AlarmMember m;
    synchronized (this) {
      Map<Long, AlarmMember> t = types.get(type);
      m = t == null ? null : t.remove(memberId);
    }
    if (m == null) {
      return null;
    }
    byte[] key = m.toByteArray();
    a.writeBackend(tx -> tx.unsafeDelete(Bucket.ALARM, key));
    return m;
  }

  /** {@code Get}: the alarms of type number {@code type}, or of every type for {@code NONE}. */
  public synchronized List<AlarmMember> get(int type) {
    List<AlarmMember> out = new ArrayList<>();
    if (type == AlarmType.NONE_VALUE) {
      for (Map<Long, AlarmMember> t : types.values()) {
        out.addAll(t.values());
      }
      return out;
    }
    Map<Long, AlarmMember> t = types.get(type);
    if (t != null) {
      out.addAll(t.values());
    }
    return out;
  }

  private AlarmMember addToMap(AlarmMember m) {
    Map<Long, AlarmMember> t = types.computeIfAbsent(m.getAlarmValue(), k -> new TreeMap<>());
    AlarmMember have = t.putIfAbsent(m.getMemberID(), m);
    return have != null ? have : m;
  }
}
