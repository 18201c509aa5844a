package io.etcdj.storage.wal;

/**
 * How a {@link Wal} lays out and syncs its files.
 *
 * @param segmentSizeBytes size each segment is preallocated to; a save that takes the segment past
 *     it cuts a new one (etcd's {@code SegmentSizeBytes}, 64 MB by default; tests use small values)
 * @param unsafeNoFsync skip syncing (etcd's {@code --unsafe-no-fsync}); loses durability
 * @param memberId the member this WAL belongs to, only to tag log lines ({@code local-member-id});
 *     0 when unknown
 */
public record WalOptions(long segmentSizeBytes, boolean unsafeNoFsync, long memberId) {
  /** etcd's {@code SegmentSizeBytes}: 64 * 1000 * 1000. */
  public static final long DEFAULT_SEGMENT_SIZE_BYTES = 64L * 1000 * 1000;

  public WalOptions {
    if (segmentSizeBytes < RecordEncoder.PAGE_BYTES) {
      throw new IllegalArgumentException(
          "segment size must be at least " + RecordEncoder.PAGE_BYTES + " bytes");
    }
  }

  /** Options without a member id. */
  public WalOptions(long segmentSizeBytes, boolean unsafeNoFsync) {
    this(segmentSizeBytes, unsafeNoFsync, 0);
  }

  /** etcd's defaults: 64 MB segments, fsync on. */
  public static WalOptions defaults() {
    return new WalOptions(DEFAULT_SEGMENT_SIZE_BYTES, false, 0);
  }

  public WalOptions withSegmentSizeBytes(long size) {
    return new WalOptions(size, unsafeNoFsync, memberId);
  }

  /** These options for member {@code id} (tags log lines). */
  public WalOptions withMemberId(long id) {
    return new WalOptions(segmentSizeBytes, unsafeNoFsync, id);
  }
}
