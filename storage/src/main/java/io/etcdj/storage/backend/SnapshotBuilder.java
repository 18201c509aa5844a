package io.etcdj.storage.backend;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Builds a complete, fsynced LMDB data file from a received snapshot file, whatever its {@link
 * SnapshotFormat}: an etcdj stream is decoded into a fresh environment; a raw LMDB file is linked
 * (or copied) as it is. The received file is left in place.
 *
 * <p>Threading: stateless; runs on the installing thread and touches no open environment.
 */
final class SnapshotBuilder {
  /** Entries per LMDB write transaction while loading a stream. */
  private static final int LOAD_BATCH = 10_000;

  private SnapshotBuilder() {}

  /** Writes the database held by {@code received} to {@code target}, which must not exist. */
  static void build(Path received, Path target, long mapSize, int maxReaders, Codec<?> codec)
      throws IOException {
    SnapshotFormat format = SnapshotFormat.detect(received);
    try {
      switch (format) {
        case ETCDJ_STREAM -> load(received, target, mapSize, maxReaders, codec);
        case LMDB -> {
          try {
            Files.createLink(target, received);
          } catch (IOException | UnsupportedOperationException e) {
            Files.copy(received, target, StandardCopyOption.COPY_ATTRIBUTES);
          }
        }
        case BBOLT ->
            throw new IOException(
                "snapshot " + received + " is a bbolt file; etcdj cannot read bbolt yet");
        default -> throw new IOException("snapshot " + received + " has an unknown format");
      }
      fsync(target);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(target);
      Files.deleteIfExists(target.resolveSibling(target.getFileName() + "-lock"));
      throw e;
    }
  }

  private static void load(Path received, Path target, long mapSize, int maxReaders, Codec<?> codec)
      throws IOException {
    LmdbStore store = TypedLmdbStore.open(target, mapSize, maxReaders, codec);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(received), 1 << 16)) {
      Loader loader = new Loader(store);
      EtcdjStreamFormat.decode(in, loader);
      loader.flush();
    } finally {
      store.close();
      Files.deleteIfExists(target.resolveSibling(target.getFileName() + "-lock"));
    }
  }

  static void fsync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /** Writes decoded entries in batches, growing the map when it fills (no readers exist). */
  private static final class Loader implements EtcdjStreamFormat.Sink {
    private final LmdbStore store;
    private WriteOverlay batch = new WriteOverlay();
    private Bucket bucket;
    private int n;

    Loader(LmdbStore store) {
      this.store = store;
    }

    @Override
    public void bucket(Bucket b) {
      bucket = b;
      batch.createBucket(b);
    }

    @Override
    public void entry(byte[] key, byte[] value) {
      batch.write(bucket, key, value, 1);
      if (++n >= LOAD_BATCH) {
        flush();
      }
    }

    void flush() {
      while (true) {
        try {
          store.write(batch);
          break;
        } catch (LmdbStore.MapFullException e) {
          store.setMapSize(Math.multiplyExact(store.mapSize(), 2));
        }
      }
      batch = new WriteOverlay();
      if (bucket != null) {
        batch.createBucket(bucket);
      }
      n = 0;
    }
  }
}
