package io.etcdj.storage.backend;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.StampedLock;
import java.util.function.BiConsumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Backend} on LMDB (etcd's bbolt {@code backend} + {@code batchTxBuffered}).
 *
 * <p>Design. LMDB ties a write transaction to the thread that began it, while etcd's batch tx lives
 * across many lock sessions and is committed by whichever goroutine gets there. So writes are not
 * applied to LMDB as they happen: they go into a {@link WriteOverlay} and one LMDB write
 * transaction applies the whole batch at commit time, begun and committed on the committing thread.
 * Reads merge the overlay over an LMDB read snapshot ({@link MergedView}); the writer sees all its
 * writes, a {@link ReadTx} sees the lock sessions published ({@link BatchTx#unlock()}) before it
 * opened.
 *
 * <p>Threading and locks, always taken in this order:
 *
 * <ol>
 *   <li>{@code batchLock}: the writer lock; owns the overlay's contents, {@code session}, {@code
 *       pending}, the writer's LMDB reader and the {@code store} reference.
 *   <li>{@code envLock} (a {@link StampedLock}, not owner-bound): each open ReadTx holds a read
 *       stamp for its whole life; map growth, defrag and close take the write stamp, i.e. wait for
 *       every ReadTx to close, like bbolt's remap waits for read txs.
 *   <li>{@code viewLock}: makes (LMDB snapshot, overlay, published session) one atomic capture for
 *       a new ReadTx against the overlay swap at the end of a commit.
 * </ol>
 */
public final class LmdbBackend implements Backend {
  private static final Logger LOG = LoggerFactory.getLogger(LmdbBackend.class);
  private static final byte[] EMPTY = new byte[0];

  /**
   * Data files open in this process. The one piece of static state here, because the rule it
   * enforces is per process: LMDB must not have an environment open twice in one process (both
   * opens share {@code db-lock}; the second re-initialises it under the first and corrupts both
   * views). etcd's applySnapshot opens the new db before closing the old one; here the old one must
   * be closed first.
   */
  private static final Set<Path> OPEN_FILES = ConcurrentHashMap.newKeySet();

  private final BackendConfig config;
  private final Path path;
  private final Codec<?> codec;
  private final ReentrantLock batchLock = new ReentrantLock();
  private final StampedLock envLock = new StampedLock();

  /**
   * Taken around every {@code envLock} acquisition. A StampedLock lets new readers in while a
   * writer waits, so under overlapping reads map growth, defrag and close would wait forever with
   * the batch lock held. Holding this gate while waiting for the write stamp makes new readers
   * queue behind the exclusive operation, as bbolt's remap (a Go RWMutex) does.
   */
  private final ReentrantLock envGate = new ReentrantLock();

  private final Object viewLock = new Object();
  private final Writer writer = new Writer();
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong openReadTx = new AtomicLong();
  private final AtomicLong tempCounter = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ScheduledExecutorService executor;
  private final boolean ownsExecutor;
  private final ScheduledFuture<?> timer;

  /** Replaced only under batchLock plus the envLock write stamp. */
  private volatile LmdbStore store;

  /** The current batch; replaced under viewLock (and batchLock) after each commit. */
  private volatile WriteOverlay overlay = new WriteOverlay();

  /** The newest lock session whose writes readers may see. */
  private volatile long published;

  private volatile PreCommitHook hook;

  /** Set while close() commits the last batch, so the pre-commit hook may still write. */
  @GuardedBy("batchLock")
  private boolean closing;

  @GuardedBy("batchLock")
  private long session;

  @GuardedBy("batchLock")
  private boolean wroteInSession;

  @GuardedBy("batchLock")
  private int pending;

  @GuardedBy("batchLock")
  private LmdbStore.Reader writerDisk;

  @GuardedBy("batchLock")
  private MergedView writerView;

  private final int maxKeySize;

  private LmdbBackend(BackendConfig config, LmdbStore store, Codec<?> codec) {
    this.config = config;
    this.path = config.path();
    this.codec = codec;
    this.store = store;
    this.maxKeySize = store.maxKeySize();
    batchLock.lock();
    try {
      this.writerDisk = store.beginRead();
      this.writerView = new MergedView(writerDisk, overlay, Long.MAX_VALUE);
    } finally {
      batchLock.unlock();
    }
    if (config.executor() != null) {
      this.executor = config.executor();
      this.ownsExecutor = false;
    } else {
      this.executor =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "backend-batch-" + path.getFileName());
                t.setDaemon(true);
                return t;
              });
      this.ownsExecutor = true;
    }
    long intervalNanos = config.batchInterval().toNanos();
    this.timer =
        executor.scheduleWithFixedDelay(
            this::commitIfPending, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
  }

  /** Opens (creating if needed) the backend file at {@code config.path()}. */
  public static LmdbBackend open(BackendConfig config) {
    try {
      Path parent = config.path().toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path file = config.path().toAbsolutePath().normalize();
    if (!OPEN_FILES.add(file)) {
      throw new IllegalStateException(
          "backend " + file + " is already open in this process; close it before reopening");
    }
    Codec<?> codec = Codec.forKind(config.bufferKind());
    LmdbStore store;
    try {
      store = TypedLmdbStore.open(config.path(), config.mapSize(), config.maxReaders(), codec);
    } catch (RuntimeException | Error e) {
      OPEN_FILES.remove(file);
      throw e;
    }
    LOG.info(
        "opened backend {} (map {} bytes, proxy {})",
        config.path(),
        store.mapSize(),
        codec.proxy().getClass().getSimpleName());
    try {
      return new LmdbBackend(config, store, codec);
    } catch (RuntimeException | Error e) {
      store.close();
      OPEN_FILES.remove(file);
      throw e;
    }
  }

  /**
   * Moves a received snapshot file (the bytes of {@link BackendSnapshot#writeTo}) into place as the
   * data file at {@code dbPath}, replacing what is there; then {@link #open} it. Unlike etcd's
   * applySnapshot, the backend open at {@code dbPath} must be closed before that open (LMDB allows
   * one open per file per process; {@link #open} refuses a second).
   */
  public static void installSnapshot(Path snapshotFile, Path dbPath) throws IOException {
    fsync(snapshotFile);
    Files.move(
        snapshotFile, dbPath, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    fsyncDirectory(dbPath);
  }

  private static void fsync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /** Makes a rename into {@code file}'s directory durable (the new entry is directory data). */
  private static void fsyncDirectory(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
        ch.force(true);
      }
    }
  }

  /** The buffer proxy actually in use (BYTE_BUFFER falls back when unavailable). */
  public BufferKind bufferKind() {
    return codec instanceof Codec.DirectCodec ? BufferKind.BYTE_BUFFER : BufferKind.BYTE_ARRAY;
  }

  @Override
  public BatchTx batchTx() {
    return writer;
  }

  @Override
  public ReadTx readTx() {
    return concurrentReadTx();
  }

  @Override
  public ReadTx concurrentReadTx() {
    checkState(!closed.get(), "backend closed");
    long stamp = readStamp();
    try {
      LmdbStore.Reader disk;
      WriteOverlay view;
      long seen;
      synchronized (viewLock) {
        disk = store.beginRead();
        view = overlay;
        seen = published;
      }
      openReadTx.incrementAndGet();
      return new SnapshotReadTx(new MergedView(disk, view, seen), disk, stamp);
    } catch (RuntimeException e) {
      envLock.unlockRead(stamp);
      throw e;
    }
  }

  @Override
  public void forceCommit() {
    writer.commit();
  }

  @Override
  public void setPreCommitHook(PreCommitHook hook) {
    this.hook = hook;
  }

  @Override
  public BackendSnapshot snapshot() throws IOException {
    forceCommit();
    Path tmp = tempPath("snapshot");
    long stamp = readStamp();
    try {
      // close() may have run to the end since forceCommit; lmdbjava's Env.copy does not check
      // for a closed environment and would hand LMDB freed memory (a JVM crash).
      checkState(!closed.get(), "backend closed");
      store.copyTo(tmp);
    } catch (RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    } finally {
      envLock.unlockRead(stamp);
    }
    return new FileSnapshot(tmp);
  }

  @Override
  public int hash(Set<IgnoreKey> ignores) {
    Set<Bucket> ignoredBuckets = new HashSet<>();
    ignores.forEach(k -> ignoredBuckets.add(k.bucket()));
    CRC32C crc = new CRC32C();
    long stamp = readStamp();
    try (LmdbStore.Reader disk = store.beginRead()) {
      for (Bucket b : disk.buckets()) {
        crc.update(b.nameBytes());
        boolean check = ignoredBuckets.contains(b);
        disk.scan(
            b,
            EMPTY,
            null,
            (k, v) -> {
              if (!check || !ignores.contains(IgnoreKey.of(b, k))) {
                crc.update(k);
                crc.update(v);
              }
              return true;
            });
      }
    } finally {
      envLock.unlockRead(stamp);
    }
    return (int) crc.getValue();
  }

  @Override
  public long size() {
    try {
      return Files.size(path);
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public long sizeInUse() {
    long stamp = readStamp();
    try {
      return store.sizeInUse();
    } finally {
      envLock.unlockRead(stamp);
    }
  }

  @Override
  public long openReadTxN() {
    return openReadTx.get();
  }

  @Override
  public long commits() {
    return commits.get();
  }

  /** Current LMDB map size in bytes. */
  public long mapSize() {
    long stamp = readStamp();
    try {
      // Under the read stamp so defrag or close cannot free the environment mid-call.
      checkState(!closed.get(), "backend closed");
      return store.mapSize();
    } finally {
      envLock.unlockRead(stamp);
    }
  }

  @Override
  public void defrag() throws IOException {
    checkState(!closed.get(), "backend closed");
    long start = System.nanoTime();
    batchLock.lock();
    try {
      commitLocked();
      long size1 = size();
      long inUse1 = sizeInUse();
      LOG.info("defragmenting {} (size {} bytes, in use {} bytes)", path, size1, inUse1);
      Path tmp = tempPath("defrag");
      writerDisk.close();
      long stamp = writeStamp();
      try {
        long mapSize = Math.max(config.mapSize(), store.mapSize());
        try {
          store.copyTo(tmp);
          // mdb_env_copy2 only write()s and close()s the copy: without an fsync a power loss
          // after the rename could leave a truncated file in place of the database.
          fsync(tmp);
        } catch (RuntimeException | IOException e) {
          Files.deleteIfExists(tmp);
          throw e;
        }
        store.close();
        try {
          Files.move(
              tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          fsyncDirectory(path);
        } finally {
          // Reopen whichever file is now in place so the backend stays usable.
          store = TypedLmdbStore.open(path, mapSize, config.maxReaders(), codec);
        }
      } finally {
        envLock.unlockWrite(stamp);
        writerDisk = store.beginRead();
        writerView = new MergedView(writerDisk, overlay, Long.MAX_VALUE);
      }
      LOG.info(
          "defragmented {} (size {} -> {} bytes, in use {} -> {} bytes, took {} ms)",
          path,
          size1,
          size(),
          inUse1,
          sizeInUse(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    } finally {
      batchLock.unlock();
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    timer.cancel(false);
    if (ownsExecutor) {
      executor.shutdown();
    }
    batchLock.lock();
    try {
      closing = true;
      try {
        commitLocked();
      } finally {
        closing = false;
      }
      writerDisk.close();
      long stamp = writeStamp();
      try {
        store.close();
      } finally {
        envLock.unlockWrite(stamp);
      }
    } finally {
      batchLock.unlock();
    }
    // Only once the environment is really closed (a failed final commit leaves it open).
    OPEN_FILES.remove(path.toAbsolutePath().normalize());
    LOG.info("closed backend {}", path);
  }

  private long readStamp() {
    envGate.lock();
    try {
      return envLock.readLock();
    } finally {
      envGate.unlock();
    }
  }

  private long writeStamp() {
    envGate.lock();
    try {
      return envLock.writeLock();
    } finally {
      envGate.unlock();
    }
  }

  private void commitIfPending() {
    if (closed.get()) {
      return;
    }
    batchLock.lock();
    try {
      if (!closed.get()) {
        commitLocked();
      }
    } catch (RuntimeException e) {
      LOG.error("batch commit failed on {}", path, e);
    } finally {
      batchLock.unlock();
    }
  }

  private Path tempPath(String what) {
    Path dir = path.toAbsolutePath().getParent();
    String name = "db.tmp." + what + "." + System.nanoTime() + "." + tempCounter.incrementAndGet();
    return dir == null ? Path.of(name) : dir.resolve(name);
  }

  /** Writes the batch to disk (etcd's {@code batchTxBuffered.unsafeCommit}). */
  @GuardedBy("batchLock")
  private void commitLocked() {
    if (pending == 0) {
      return;
    }
    PreCommitHook h = hook;
    if (h != null) {
      session = published + 1;
      h.onPreCommit(writer);
      published = session;
    }
    WriteOverlay batch = overlay;
    while (true) {
      try {
        store.write(batch);
        break;
      } catch (LmdbStore.MapFullException e) {
        growMap();
      }
    }
    synchronized (viewLock) {
      overlay = new WriteOverlay();
    }
    writerDisk.refresh();
    writerView = new MergedView(writerDisk, overlay, Long.MAX_VALUE);
    pending = 0;
    session = published + 1;
    commits.incrementAndGet();
  }

  /**
   * Doubles the LMDB map after {@code MDB_MAP_FULL}. LMDB allows resizing only with no active
   * transaction in this process, so this waits for every open ReadTx to close.
   */
  @GuardedBy("batchLock")
  private void growMap() {
    long current = store.mapSize();
    long next = Math.multiplyExact(current, 2);
    LOG.warn("backend {} map full at {} bytes; growing to {} bytes", path, current, next);
    writerDisk.close();
    long stamp = writeStamp();
    try {
      store.setMapSize(next);
    } finally {
      envLock.unlockWrite(stamp);
      writerDisk = store.beginRead();
      writerView = new MergedView(writerDisk, overlay, Long.MAX_VALUE);
    }
  }

  /**
   * The single writer (etcd's {@code batchTxBuffered}); see {@link BatchTx} for threading. Every
   * method checks at run time that the calling thread holds {@code batchLock}, which Error Prone
   * cannot follow.
   */
  @SuppressWarnings("GuardedBy")
  private final class Writer implements BatchTx {
    @Override
    public void lock() {
      batchLock.lock();
      if (closed.get() && batchLock.getHoldCount() == 1 && !closing) {
        batchLock.unlock();
        throw new IllegalStateException("backend closed");
      }
      if (batchLock.getHoldCount() == 1) {
        session = published + 1;
        wroteInSession = false;
      }
    }

    @Override
    public void unlock() {
      checkHeld();
      try {
        if (batchLock.getHoldCount() == 1) {
          if (wroteInSession) {
            published = session;
            wroteInSession = false;
          }
          if (pending >= config.batchLimit()) {
            commitLocked();
          }
        }
      } finally {
        batchLock.unlock();
      }
    }

    @Override
    public void unsafeCreateBucket(Bucket bucket) {
      checkHeld();
      if (!bucketExists(bucket)) {
        overlay.createBucket(bucket);
        pending++;
      }
    }

    @Override
    public void unsafePut(Bucket bucket, byte[] key, byte[] value) {
      write(bucket, key, value.clone());
    }

    @Override
    public void unsafeSeqPut(Bucket bucket, byte[] key, byte[] value) {
      write(bucket, key, value.clone());
    }

    @Override
    public void unsafeDelete(Bucket bucket, byte[] key) {
      write(bucket, key, null);
    }

    private void write(Bucket bucket, byte[] key, byte[] value) {
      checkHeld();
      checkArgument(
          key.length > 0 && key.length <= maxKeySize,
          "key size %s out of range [1, %s]",
          key.length,
          maxKeySize);
      if (!bucketExists(bucket)) {
        throw new IllegalStateException("bucket " + bucket + " does not exist");
      }
      overlay.write(bucket, key.clone(), value, session);
      wroteInSession = true;
      pending++;
    }

    @GuardedBy("batchLock")
    private boolean bucketExists(Bucket bucket) {
      return store.buckets().contains(bucket) || overlay.isCreated(bucket);
    }

    @Override
    public RangeResult unsafeRange(Bucket bucket, byte[] key, byte[] endKey, long limit) {
      checkHeld();
      return writerView.unsafeRange(bucket, key, endKey, limit);
    }

    @Override
    public void unsafeForEach(Bucket bucket, BiConsumer<byte[], byte[]> visitor) {
      checkHeld();
      writerView.unsafeForEach(bucket, visitor);
    }

    @Override
    public void commit() {
      lock();
      try {
        commitLocked();
      } finally {
        unlock();
      }
    }

    @Override
    public int pending() {
      checkHeld();
      return pending;
    }

    private void checkHeld() {
      checkState(batchLock.isHeldByCurrentThread(), "batch tx lock not held");
    }
  }

  /** A snapshot read transaction; see {@link ReadTx} for threading. */
  private final class SnapshotReadTx implements ReadTx {
    private final MergedView view;
    private final LmdbStore.Reader disk;
    private final long stamp;
    private boolean closedTx;

    SnapshotReadTx(MergedView view, LmdbStore.Reader disk, long stamp) {
      this.view = view;
      this.disk = disk;
      this.stamp = stamp;
    }

    @Override
    public RangeResult unsafeRange(Bucket bucket, byte[] key, byte[] endKey, long limit) {
      checkState(!closedTx, "read tx closed");
      return view.unsafeRange(bucket, key, endKey, limit);
    }

    @Override
    public void unsafeForEach(Bucket bucket, BiConsumer<byte[], byte[]> visitor) {
      checkState(!closedTx, "read tx closed");
      view.unsafeForEach(bucket, visitor);
    }

    @Override
    public void close() {
      if (closedTx) {
        return;
      }
      closedTx = true;
      try {
        disk.close();
      } finally {
        openReadTx.decrementAndGet();
        envLock.unlockRead(stamp);
      }
    }
  }
}
