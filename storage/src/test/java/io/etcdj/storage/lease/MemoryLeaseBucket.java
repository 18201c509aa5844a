package io.etcdj.storage.lease;

import static com.google.common.base.Preconditions.checkState;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-memory lease bucket ordered like the real one (unsigned byte order of the 8-byte keys),
 * storing marshalled values so tests exercise the same encoding. Records each write in {@link #log}
 * so tests can check ordering against a {@link TxnDelete}. Guarded by a reentrant lock like the
 * backend's batch transaction.
 */
final class MemoryLeaseBucket implements LeaseBucket {
  private final ReentrantLock lock = new ReentrantLock();
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
  public void lock() {
    lock.lock();
  }

  @Override
  public void unlock() {
    lock.unlock();
  }

  @Override
  public void unsafePut(io.etcdj.proto.leasepb.Lease lease) {
    checkState(lock.isHeldByCurrentThread(), "batch tx lock not held");
    data.put(LeaseKeys.idKey(lease.getID()), lease.toByteArray());
    log.add("put " + lease.getID());
  }

  @Override
  public void unsafeDelete(long id) {
    checkState(lock.isHeldByCurrentThread(), "batch tx lock not held");
    data.remove(LeaseKeys.idKey(id));
    log.add("delete " + id);
  }

  @Override
  public List<io.etcdj.proto.leasepb.Lease> unsafeLoadAll() {
    checkState(lock.isHeldByCurrentThread(), "batch tx lock not held");
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
  public void forceCommit() {
    lock.lock();
    try {
      forceCommits++;
    } finally {
      lock.unlock();
    }
  }

  /** Puts a record directly, as a snapshot's bucket would hold it. */
  void put(io.etcdj.proto.leasepb.Lease lease) {
    lock.lock();
    try {
      unsafePut(lease);
    } finally {
      lock.unlock();
    }
  }

  io.etcdj.proto.leasepb.Lease get(long id) throws InvalidProtocolBufferException {
    lock.lock();
    try {
      byte[] v = data.get(LeaseKeys.idKey(id));
      return v == null ? null : io.etcdj.proto.leasepb.Lease.parseFrom(v);
    } finally {
      lock.unlock();
    }
  }

  int size() {
    lock.lock();
    try {
      return data.size();
    } finally {
      lock.unlock();
    }
  }
}
