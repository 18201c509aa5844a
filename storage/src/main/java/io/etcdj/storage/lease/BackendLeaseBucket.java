package io.etcdj.storage.lease;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import io.etcdj.storage.backend.Backend;
import io.etcdj.storage.backend.BatchTx;
import io.etcdj.storage.backend.Bucket;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code lease} bucket of a {@link Backend}, written through its batch transaction (etcd's
 * {@code persistTo}, {@code unsafeGetAllLeases} and the bucket calls in {@code lessor.go}).
 *
 * <p>Thread-safe in the way {@link BatchTx} is: see {@link LeaseBucket} for the locking rule.
 */
final class BackendLeaseBucket implements LeaseBucket {
  private final Backend backend;

  BackendLeaseBucket(Backend backend) {
    this.backend = requireNonNull(backend, "backend");
  }

  @Override
  public void lock() {
    backend.batchTx().lock();
  }

  @Override
  public void unlock() {
    backend.batchTx().unlock();
  }

  @Override
  public void unsafePut(io.etcdj.proto.leasepb.Lease lease) {
    backend.batchTx().unsafePut(Bucket.LEASE, LeaseKeys.idKey(lease.getID()), lease.toByteArray());
  }

  @Override
  public void unsafeDelete(long id) {
    backend.batchTx().unsafeDelete(Bucket.LEASE, LeaseKeys.idKey(id));
  }

  @Override
  public List<io.etcdj.proto.leasepb.Lease> unsafeLoadAll() {
    BatchTx tx = backend.batchTx();
    tx.unsafeCreateBucket(Bucket.LEASE);
    List<io.etcdj.proto.leasepb.Lease> leases = new ArrayList<>();
    tx.unsafeForEach(
        Bucket.LEASE,
        (key, value) -> {
          try {
            leases.add(io.etcdj.proto.leasepb.Lease.parseFrom(value));
          } catch (InvalidProtocolBufferException e) {
            // A corrupt lease record means the backend is unusable: fail loudly, as etcd panics.
            throw new IllegalStateException(
                String.format(
                    "failed to Unmarshal lease proto item; lease ID=%016x", LeaseKeys.idOf(key)),
                e);
          }
        });
    return leases;
  }

  @Override
  public void forceCommit() {
    backend.forceCommit();
  }
}
