package io.etcdj.etcdhttp;

import java.util.concurrent.CompletableFuture;

/**
 * {@code KV().HashByRev(rev)} for {@code /members/hashkv}. Fails with an exception carrying etcd's
 * text ({@code mvcc: required revision has been compacted}, {@code mvcc: required revision is a
 * future revision}), answered as 400 with that text.
 */
@FunctionalInterface
public interface HashKvSource {
  CompletableFuture<HashKv> hashByRevision(long revision);

  /** The hash, the revision it was taken at and the compact revision ({@code -1} if none). */
  record HashKv(int hash, long revision, long compactRevision) {}
}
