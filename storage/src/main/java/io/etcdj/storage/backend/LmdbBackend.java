package io.etcdj.storage.backend;

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
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
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
 * <p>The open LMDB environment is a {@link Generation}. Defrag and {@link #installSnapshot(Path)}
 * build a new file, open it as the next generation and swap it in under the batch lock; readers
 * already open finish on the old generation, which closes when its last reader does. This object
 * stays valid throughout, so the rest of storage never holds a closed backend.
 *
 * <p>Threading and locks, always taken in this order:
 *
 * <ol>
 *   <li>{@code batchLock}: the writer lock; owns the overlay's contents, the {@link Writer}'s
 *       session state, the writer's LMDB reader and the {@code current} generation reference.
 *   <li>the generation's remap lock ({@link Generation#readStamp()}): each open ReadTx holds a read
 *       stamp for its whole life, a snapshot only per chunk; map growth takes the write stamp.
 *   <li>{@code viewLock}: makes (generation, LMDB snapshot, overlay, published session) one atomic
 *       capture for a new ReadTx against the overlay swap at the end of a commit and the generation
 *       swap of defrag and install.
 * </ol>
 *
 * <p>Every public method may be called from any thread; see {@link Backend} for which block.
 */
public final class LmdbBackend implements Backend {
  private static final Logger LOG = LoggerFactory.getLogger(LmdbBackend.class);
  private static final byte[] EMPTY = new byte[0];

  /**
   * The pages every commit copies (the main database's leaf, the meta bucket's leaf holding the
   * consistent index, the free-page database's leaf) that LMDB keeps one commit longer than bbolt
   * for its second meta page; {@link #size()} leaves them out.
   */
  static final int RETAINED_PAGES = 3;

  /**
   * Data files open in this process. The one piece of static state here, because the rule it
   * enforces is per process: LMDB must not have an environment open twice in one process (both
   * opens share {@code db-lock}; the second re-initialises it under the first and corrupts both
   * views).
   */
  private static final Set<Path> OPEN_FILES = ConcurrentHashMap.newKeySet();

  final BackendConfig config;
  private final Path path;
  private final Codec<?> codec;
  private final UnaryOperator<LmdbStore> storeWrapper;

  /** {@code "[local-member-id=…] "} or empty: prefixes every log line. */
  final String who;

  final ReentrantLock batchLock = new ReentrantLock();
  private final Object viewLock = new Object();
  final Writer writer;
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong openReadTx = new AtomicLong();
  private final AtomicLong tempCounter = new AtomicLong();
  final AtomicBoolean closed = new AtomicBoolean();
  private final ScheduledExecutorService executor;
  private final boolean ownsExecutor;
  private final ScheduledFuture<?> timer;

  /** Every generation not yet closed, so close() can wait for the retired ones too. */
  private final List<Generation> live = new CopyOnWriteArrayList<>();

  /** Replaced only under batchLock and viewLock. */
  private volatile Generation current;

  /** The current batch; replaced under viewLock (and batchLock) after each commit. */
  volatile WriteOverlay overlay = new WriteOverlay();

  /** The newest lock session whose writes readers may see. */
  volatile long published;

  private volatile @Nullable PreCommitHook hook;

  private volatile @Nullable FatalErrorListener fatalListener;

  /** The first failed commit; latched for good (C6). */
  private volatile @Nullable BackendFatalException fatal;

  @GuardedBy("batchLock")
  private LmdbStore.Reader writerDisk;

  /** {@link #size()} as of the last commit, defrag or install, read without a txn (etcd's too). */
  private volatile long size;

  @GuardedBy("batchLock")
  MergedView writerView;

  final int maxKeySize;

  private LmdbBackend(
      BackendConfig config, Generation gen, Codec<?> codec, UnaryOperator<LmdbStore> storeWrapper) {
    this.config = config;
    this.path = config.path();
    this.codec = codec;
    this.storeWrapper = storeWrapper;
    this.who = config.memberId() == null ? "" : "[local-member-id=" + config.memberId() + "] ";
    this.current = gen;
    this.live.add(gen);
    this.maxKeySize = gen.store.maxKeySize();
    this.writer = new Writer(this);
    batchLock.lock();
    try {
      this.writerDisk = beginRead(gen);
      this.writerView = new MergedView(writerDisk, overlay, Long.MAX_VALUE);
      refreshSize();
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
    return open(config, UnaryOperator.identity());
  }

  /** As {@link #open(BackendConfig)}; every LMDB store opened is passed through the wrapper. */
  static LmdbBackend open(BackendConfig config, UnaryOperator<LmdbStore> storeWrapper) {
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
      store =
          storeWrapper.apply(
              TypedLmdbStore.open(config.path(), config.mapSize(), config.maxReaders(), codec));
    } catch (RuntimeException | Error e) {
      OPEN_FILES.remove(file);
      throw e;
    }
    Generation gen = new Generation(store, config.path(), false);
    try {
      LmdbBackend be = new LmdbBackend(config, gen, codec, storeWrapper);
      LOG.info(
          "{}opened backend {} (map {} bytes, proxy {}, max readers {})",
          be.who,
          config.path(),
          store.mapSize(),
          codec.proxy().getClass().getSimpleName(),
          config.maxReaders());
      return be;
    } catch (RuntimeException | Error e) {
      store.close();
      OPEN_FILES.remove(file);
      throw e;
    }
  }

  /**
   * Builds the data file at {@code dbPath} from a received snapshot file (any {@link
   * SnapshotFormat} this backend reads), replacing what is there. The backend open at {@code
   * dbPath}, if any, must be closed before {@link #open} (LMDB allows one open per file per
   * process); a running backend installs with {@link #installSnapshot(Path)} instead. The received
   * file is left in place.
   */
  public static void installSnapshot(Path snapshotFile, Path dbPath) throws IOException {
    Path target = tempPath(dbPath, "install", System.nanoTime());
    SnapshotBuilder.build(
        snapshotFile,
        target,
        BackendConfig.DEFAULT_MAP_SIZE,
        BackendConfig.DEFAULT_MAX_READERS,
        Codec.forKind(BufferKind.BYTE_ARRAY));
    Files.move(target, dbPath, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    fsyncDirectory(dbPath);
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
    while (true) {
      checkState(!closed.get(), "backend closed");
      Generation gen = current;
      if (!gen.retain()) {
        continue; // retired and closed since we read it: a newer one is current
      }
      long stamp = gen.readStamp();
      try {
        LmdbStore.Reader disk;
        WriteOverlay view;
        long seen;
        synchronized (viewLock) {
          if (gen != current) {
            gen.unlockRead(stamp);
            gen.release();
            continue;
          }
          disk = beginRead(gen);
          view = overlay;
          seen = published;
        }
        openReadTx.incrementAndGet();
        return new SnapshotReadTx(new MergedView(disk, view, seen), disk, gen, stamp);
      } catch (RuntimeException e) {
        gen.unlockRead(stamp);
        gen.release();
        throw e;
      }
    }
  }

  /** Begins an LMDB read, mapping a full reader table to {@link ReadersFullException}. */
  private LmdbStore.Reader beginRead(Generation gen) {
    try {
      return gen.store.beginRead();
    } catch (LmdbStore.ReadersFull e) {
      ReadersFullException ex = new ReadersFullException(config.maxReaders(), e);
      LOG.warn("{}{}", who, ex.getMessage());
      throw ex;
    }
  }

  @Override
  public void forceCommit() {
    writer.commit();
  }

  @Override
  public void setPreCommitHook(@Nullable PreCommitHook hook) {
    this.hook = hook;
  }

  @Override
  public void setFatalErrorListener(@Nullable FatalErrorListener listener) {
    this.fatalListener = listener;
  }

  @Override
  public @Nullable BackendFatalException fatalError() {
    return fatal;
  }

  @Override
  public BackendSnapshot snapshot() throws IOException {
    return snapshot(EtcdjStreamFormat.ENCODER);
  }

  @Override
  @SuppressWarnings("GuardedBy") // writer.lock() takes batchLock
  public BackendSnapshot snapshot(SnapshotEncoder encoder) throws IOException {
    writer.lock();
    try {
      commitLocked();
      Generation gen = current;
      checkState(gen.retain(), "backend closed");
      long stamp = gen.readStamp();
      try {
        return new StreamSnapshot(gen, beginRead(gen), encoder);
      } catch (RuntimeException e) {
        gen.release();
        throw e;
      } finally {
        gen.unlockRead(stamp);
      }
    } finally {
      writer.unlock();
    }
  }

  @Override
  public int hash(Set<IgnoreKey> ignores) {
    Set<Bucket> ignoredBuckets = new HashSet<>();
    ignores.forEach(k -> ignoredBuckets.add(k.bucket()));
    CRC32C crc = new CRC32C();
    try (SnapshotReadTx tx = (SnapshotReadTx) concurrentReadTx()) {
      LmdbStore.Reader disk = tx.disk;
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
    }
    return (int) crc.getValue();
  }

  /**
   * The file's length less the {@link #RETAINED_PAGES} of the commit before last, never below
   * {@link #sizeInUse()}. Both bbolt and LMDB grow their file and never shrink it but in defrag;
   * LMDB also keeps the pages the last commit replaced, because its second meta page still names
   * them, so a tiny database settles a few pages bigger than bbolt's and etcd's quota tests, which
   * allow bbolt a 13-page database, would fail after a defrag. Those pages are not counted.
   */
  @Override
  public long size() {
    return size;
  }

  /** Recomputes {@link #size()}; the size changes only in a commit, a defrag or an install. */
  @GuardedBy("batchLock")
  private void refreshSize() {
    long file;
    try {
      file = Files.size(path);
    } catch (IOException e) {
      file = 0;
    }
    LmdbStore s = current.store;
    size = Math.max(s.sizeInUse(), file - RETAINED_PAGES * s.pageSize());
  }

  @Override
  public long sizeInUse() {
    return withCurrent(g -> g.store.sizeInUse());
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
    return withCurrent(g -> g.store.mapSize());
  }

  private interface GenCall {
    long call(Generation g);
  }

  /** Runs a short call on the current generation, kept open and unmapped meanwhile. */
  private long withCurrent(GenCall call) {
    while (true) {
      checkState(!closed.get(), "backend closed");
      Generation gen = current;
      if (!gen.retain()) {
        continue;
      }
      long stamp = gen.readStamp();
      try {
        return call.call(gen);
      } finally {
        gen.unlockRead(stamp);
        gen.release();
      }
    }
  }

  @Override
  @SuppressWarnings("GuardedBy") // writer.lock() takes batchLock
  public void defrag() throws IOException {
    long start = System.nanoTime();
    writer.lock();
    try {
      commitLocked();
      long size1 = size();
      long inUse1 = sizeInUse();
      LOG.info("{}defragmenting {} (size {} bytes, in use {} bytes)", who, path, size1, inUse1);
      Path tmp = tempPath(path, "defrag", tempCounter.incrementAndGet());
      Generation gen = current;
      long mapSize = Math.max(config.mapSize(), gen.store.mapSize());
      try {
        // mdb_env_copy2 runs its own read txn: readers and the map stay as they are meanwhile.
        gen.store.copyTo(tmp);
        SnapshotBuilder.fsync(tmp);
      } catch (RuntimeException | IOException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
      swapTo(tmp, mapSize);
      LOG.info(
          "{}defragmented {} (size {} -> {} bytes, in use {} -> {} bytes, took {} ms)",
          who,
          path,
          size1,
          size(),
          inUse1,
          sizeInUse(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    } finally {
      writer.unlock();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: the received file is decoded (or, for a raw LMDB file, linked) into {@code
   * db.tmp.install.*} beside the data file, fsynced, opened as a new environment, renamed over the
   * data file (then fsync of the directory), and swapped in. The batch pending in the old state is
   * committed to the old file first and then left behind with it, as etcd's applySnapshot leaves
   * the old bbolt db. The received file is not touched; the snap package removes it.
   */
  @Override
  @SuppressWarnings("GuardedBy") // writer.lock() takes batchLock
  public void installSnapshot(Path received) throws IOException {
    long start = System.nanoTime();
    writer.lock();
    try {
      commitLocked();
      Path tmp = tempPath(path, "install", tempCounter.incrementAndGet());
      long mapSize = Math.max(config.mapSize(), current.store.mapSize());
      SnapshotBuilder.build(received, tmp, mapSize, config.maxReaders(), codec);
      swapTo(tmp, mapSize);
      LOG.info(
          "{}installed snapshot {} as backend {} ({} format, {} bytes, took {} ms)",
          who,
          received,
          path,
          SnapshotFormat.detect(path),
          size(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    } finally {
      writer.unlock();
    }
  }

  /**
   * Opens the complete data file {@code built} as the next generation, renames it over the data
   * file and makes it current; the old generation closes when its last reader does.
   */
  @GuardedBy("batchLock")
  private void swapTo(Path built, long mapSize) throws IOException {
    LmdbStore store;
    try {
      store = storeWrapper.apply(TypedLmdbStore.open(built, mapSize, config.maxReaders(), codec));
    } catch (RuntimeException e) {
      Files.deleteIfExists(built);
      Files.deleteIfExists(built.resolveSibling(built.getFileName() + "-lock"));
      throw e;
    }
    Generation next = new Generation(store, built, true);
    try {
      Files.move(built, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      fsyncDirectory(path);
    } catch (IOException | RuntimeException e) {
      next.release();
      Files.deleteIfExists(built);
      throw e;
    }
    live.add(next);
    next.closedFuture().thenRun(() -> live.remove(next));
    Generation old = current;
    writerDisk.close();
    synchronized (viewLock) {
      current = next;
      overlay = new WriteOverlay();
    }
    writerDisk = beginRead(next);
    writerView = new MergedView(writerDisk, overlay, Long.MAX_VALUE);
    writer.resetPending();
    refreshSize();
    old.release();
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
      if (fatal == null) {
        writer.closing = true;
        try {
          commitLocked();
        } finally {
          writer.closing = false;
        }
      }
      writerDisk.close();
      current.release();
    } finally {
      batchLock.unlock();
    }
    // close() waits for open ReadTx and snapshots, as bbolt's Close waits for read txs.
    for (Generation g : live) {
      g.closedFuture().join();
    }
    OPEN_FILES.remove(path.toAbsolutePath().normalize());
    LOG.info("{}closed backend {}", who, path);
  }

  private void commitIfPending() {
    if (closed.get() || fatal != null) {
      return;
    }
    batchLock.lock();
    try {
      if (!closed.get()) {
        commitLocked();
      }
    } catch (BackendFatalException e) {
      // already latched and reported
    } finally {
      batchLock.unlock();
    }
  }

  private static Path tempPath(Path dbPath, String what, long n) {
    Path dir = dbPath.toAbsolutePath().getParent();
    String name = "db.tmp." + what + "." + System.nanoTime() + "." + n;
    return dir == null ? Path.of(name) : dir.resolve(name);
  }

  /** Throws the latched commit failure, if any. */
  void checkFatal() {
    BackendFatalException f = fatal;
    if (f != null) {
      throw f;
    }
  }

  /** Writes the batch to disk (etcd's {@code batchTxBuffered.unsafeCommit}). */
  @GuardedBy("batchLock")
  void commitLocked() {
    checkFatal();
    if (writer.pending() == 0) {
      return;
    }
    PreCommitHook h = hook;
    if (h != null) {
      writer.session = published + 1;
      h.onPreCommit(writer);
      published = writer.session;
    }
    WriteOverlay batch = overlay;
    while (true) {
      try {
        current.store.write(batch);
        break;
      } catch (LmdbStore.MapFullException e) {
        growMap();
      } catch (RuntimeException e) {
        throw latchFatal(e);
      }
    }
    synchronized (viewLock) {
      overlay = new WriteOverlay();
    }
    writerDisk.refresh();
    writerView = new MergedView(writerDisk, overlay, Long.MAX_VALUE);
    writer.resetPending();
    writer.session = published + 1;
    commits.incrementAndGet();
    refreshSize();
  }

  private BackendFatalException latchFatal(RuntimeException cause) {
    BackendFatalException f =
        new BackendFatalException(who + "failed to commit tx: " + cause.getMessage(), cause);
    fatal = f;
    LOG.error("{}failed to commit tx to {}; the backend refuses further writes", who, path, cause);
    FatalErrorListener l = fatalListener;
    if (l != null) {
      try {
        l.onFatalError(f);
      } catch (RuntimeException e) {
        LOG.error("{}fatal error listener failed", who, e);
      }
    }
    return f;
  }

  /**
   * Doubles the LMDB map after {@code MDB_MAP_FULL}. LMDB resizes only with no call in flight in
   * this process, so this waits for every open ReadTx of the current generation to close (a
   * snapshot holds off growth only for one chunk).
   */
  @GuardedBy("batchLock")
  private void growMap() {
    Generation gen = current;
    long size = gen.store.mapSize();
    long next = Math.multiplyExact(size, 2);
    LOG.warn("{}backend {} map full at {} bytes; growing to {} bytes", who, path, size, next);
    writerDisk.close();
    long stamp = gen.writeStamp();
    try {
      gen.store.setMapSize(next);
    } finally {
      gen.unlockWrite(stamp);
      writerDisk = beginRead(gen);
      writerView = new MergedView(writerDisk, overlay, Long.MAX_VALUE);
    }
  }

  /** Whether the bucket exists for the writer (committed or created in this batch). */
  @GuardedBy("batchLock")
  boolean bucketExists(Bucket bucket) {
    return current.store.buckets().contains(bucket) || overlay.isCreated(bucket);
  }

  /** A snapshot read transaction; see {@link ReadTx} for threading. */
  private final class SnapshotReadTx implements ReadTx {
    private final MergedView view;
    final LmdbStore.Reader disk;
    private final Generation gen;
    private final long stamp;
    private boolean closedTx;

    SnapshotReadTx(MergedView view, LmdbStore.Reader disk, Generation gen, long stamp) {
      this.view = view;
      this.disk = disk;
      this.gen = gen;
      this.stamp = stamp;
    }

    @Override
    public RangeResult unsafeRange(Bucket bucket, byte[] key, byte[] endKey, long limit) {
      checkState(!closedTx, "read tx closed");
      return view.unsafeRange(bucket, key, endKey, limit);
    }

    @Override
    public void unsafeForEach(Bucket bucket, java.util.function.BiConsumer<byte[], byte[]> v) {
      checkState(!closedTx, "read tx closed");
      view.unsafeForEach(bucket, v);
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
        gen.unlockRead(stamp);
        gen.release();
      }
    }
  }
}
