package io.etcdj.storage.lease;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An in-memory lease bucket ordered like the real one (unsigned byte order of the 8-byte keys),
 * storing marshalled values so tests exercise the same encoding. Records each operation in {@link
 * #log} so tests can check ordering against a {@link TxnDelete}. Synchronized: shared by threads.
 */
final class MemoryLeaseBucket implements LeaseBucket {
  private final Map<byte[], byte[]> data = new TreeMap<>(Arrays::compareUnsigned);
  final List<String> log;
  int forceCommits;

  MemoryLeaseBucket(List<String> log) {
    this.log = log;
  }

  MemoryLeaseBucket() {
    this(new ArrayList<>());
  }

  @Override
  public synchronized void put(io.etcdj.proto.leasepb.Lease lease) {
    data.put(LeaseKeys.idKey(lease.getID()), lease.toByteArray());
    log.add("put " + lease.getID());
  }

  @Override
  public synchronized void delete(long id) {
    data.remove(LeaseKeys.idKey(id));
    log.add("delete " + id);
  }

  @Override
  public synchronized List<io.etcdj.proto.leasepb.Lease> loadAll() {
    List<io.etcdj.proto.leasepb.Lease> out = new ArrayList<>();
    for (byte[] value : data.values()) {
      try {
        out.add(io.etcdj.proto.leasepb.Lease.parseFrom(value));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  @Override
  public synchronized void forceCommit() {
    forceCommits++;
  }

  synchronized io.etcdj.proto.leasepb.Lease get(long id) throws InvalidProtocolBufferException {
    byte[] v = data.get(LeaseKeys.idKey(id));
    return v == null ? null : io.etcdj.proto.leasepb.Lease.parseFrom(v);
  }

  synchronized int size() {
    return data.size();
  }
}
