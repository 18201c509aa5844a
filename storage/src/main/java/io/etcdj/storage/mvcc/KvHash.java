package io.etcdj.storage.mvcc;

/**
 * The result of {@code HashKV} (etcd {@code store.HashByRev}).
 *
 * @param hash CRC-32C over the key bucket history up to the requested revision, as an unsigned
 *     32-bit value (the proto's {@code uint32 hash} is {@code (int) hash})
 * @param currentRev the store's revision when hashed (response header revision)
 * @param compactRev the store's compacted revision ({@code compact_revision}); -1 if never
 *     compacted
 */
public record KvHash(long hash, long currentRev, long compactRev) {}
