package io.etcdj.storage.backend;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * How to open a backend (etcd's {@code backend.BackendConfig}). Immutable; build with {@link
 * #builder(Path)}.
 *
 * @param path the data file, normally {@code member/snap/db} (LMDB adds {@code db-lock} beside it)
 * @param batchInterval longest time a write waits before its batch is committed
 * @param batchLimit most operations a batch holds before it is committed
 * @param mapSize initial LMDB map size in bytes; grows automatically when full
 * @param maxReaders LMDB reader slots, i.e. most concurrently open read transactions
 * @param bufferKind lmdbjava buffer proxy
 * @param executor the batch timer's scheduler; null means the backend owns a daemon thread
 * @param memberId the local member ID in hex, put on every log line as {@code local-member-id}
 *     (many nodes share one JVM in tests); null when unknown
 */
public record BackendConfig(
    Path path,
    Duration batchInterval,
    int batchLimit,
    long mapSize,
    int maxReaders,
    BufferKind bufferKind,
    @Nullable ScheduledExecutorService executor,
    @Nullable String memberId) {

  /** etcd's {@code defaultBatchInterval}. */
  public static final Duration DEFAULT_BATCH_INTERVAL = Duration.ofMillis(100);

  /** etcd's {@code defaultBatchLimit}. */
  public static final int DEFAULT_BATCH_LIMIT = 10_000;

  /** 10 GiB, like etcd's {@code initialMmapSize}; only virtual address space until used. */
  public static final long DEFAULT_MAP_SIZE = 10L * 1024 * 1024 * 1024;

  /**
   * LMDB reader slots by default. Each open {@link ReadTx} and {@link BackendSnapshot} takes one;
   * when all are taken, new reads fail with {@link ReadersFullException}. Size it from the server
   * config ({@link Builder#maxReaders}) for the expected concurrent ranges, watch syncs and
   * snapshot sends.
   */
  public static final int DEFAULT_MAX_READERS = 1024;

  /** The configuration before {@code memberId} existed. */
  public BackendConfig(
      Path path,
      Duration batchInterval,
      int batchLimit,
      long mapSize,
      int maxReaders,
      BufferKind bufferKind,
      @Nullable ScheduledExecutorService executor) {
    this(path, batchInterval, batchLimit, mapSize, maxReaders, bufferKind, executor, null);
  }

  public BackendConfig {
    checkNotNull(path, "path");
    checkNotNull(batchInterval, "batchInterval");
    checkArgument(
        !batchInterval.isNegative() && !batchInterval.isZero(), "batch interval must be positive");
    checkArgument(batchLimit > 0, "batch limit must be positive");
    checkArgument(mapSize >= 64 * 1024, "map size must be at least 64 KiB");
    checkArgument(maxReaders > 0, "max readers must be positive");
    checkNotNull(bufferKind, "bufferKind");
  }

  public static Builder builder(Path path) {
    return new Builder(path);
  }

  /** Fluent builder; not thread-safe. */
  public static final class Builder {
    private final Path path;
    private Duration batchInterval = DEFAULT_BATCH_INTERVAL;
    private int batchLimit = DEFAULT_BATCH_LIMIT;
    private long mapSize = DEFAULT_MAP_SIZE;
    private int maxReaders = DEFAULT_MAX_READERS;
    private BufferKind bufferKind = BufferKind.AUTO;
    @Nullable private ScheduledExecutorService executor;
    @Nullable private String memberId;

    private Builder(Path path) {
      this.path = path;
    }

    public Builder batchInterval(Duration batchInterval) {
      this.batchInterval = batchInterval;
      return this;
    }

    public Builder batchLimit(int batchLimit) {
      this.batchLimit = batchLimit;
      return this;
    }

    /** Derives the map size from etcd's {@code --quota-backend-bytes}: 5× the quota, ≥ 10 GiB. */
    public Builder quotaBytes(long quotaBytes) {
      this.mapSize = Math.max(DEFAULT_MAP_SIZE, quotaBytes * 5);
      return this;
    }

    public Builder mapSize(long mapSize) {
      this.mapSize = mapSize;
      return this;
    }

    public Builder maxReaders(int maxReaders) {
      this.maxReaders = maxReaders;
      return this;
    }

    public Builder bufferKind(BufferKind bufferKind) {
      this.bufferKind = bufferKind;
      return this;
    }

    /** The scheduler for the batch timer; the backend does not shut it down. */
    public Builder executor(ScheduledExecutorService executor) {
      this.executor = executor;
      return this;
    }

    /** The local member ID in hex for log lines; null for none. */
    public Builder memberId(@Nullable String memberId) {
      this.memberId = memberId;
      return this;
    }

    public BackendConfig build() {
      return new BackendConfig(
          path, batchInterval, batchLimit, mapSize, maxReaders, bufferKind, executor, memberId);
    }
  }
}
