package io.etcdj.storage.mvcc;

import io.etcdj.storage.lease.LeaseException;
import io.etcdj.storage.lease.LeaseItem;
import io.etcdj.storage.lease.Lessor;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@link KeyLeases} over the lease package's {@link Lessor}. Keys become {@link LeaseItem}s as
 * ISO-8859-1 strings, one char per byte, the conversion the lessor uses to turn them back into
 * bytes when a revoke deletes them.
 *
 * <p>Thread-safe as the lessor is.
 */
final class LessorKeyLeases implements KeyLeases {
  private final Lessor lessor;

  LessorKeyLeases(Lessor lessor) {
    this.lessor = lessor;
  }

  static LeaseItem item(byte[] key) {
    return new LeaseItem(new String(key, StandardCharsets.ISO_8859_1));
  }

  @Override
  public long leaseOf(byte[] key) {
    return lessor.getLease(item(key));
  }

  @Override
  public boolean attach(long leaseId, byte[] key) {
    try {
      lessor.attach(leaseId, List.of(item(key)));
      return true;
    } catch (LeaseException e) {
      return false;
    }
  }

  @Override
  public boolean detach(long leaseId, byte[] key) {
    try {
      lessor.detach(leaseId, List.of(item(key)));
      return true;
    } catch (LeaseException e) {
      return false;
    }
  }
}
