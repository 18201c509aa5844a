package io.etcdj.storage.backend;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The formats a received snapshot file may be in, recognised by their first bytes.
 *
 * <p>Threading: stateless.
 */
public enum SnapshotFormat {
  /** {@link EtcdjStreamFormat}: what {@link Backend#snapshot()} produces. */
  ETCDJ_STREAM,
  /** A raw LMDB data file: what etcdj sent before the stream format, and defrag copies. */
  LMDB,
  /** A bbolt file from a Go peer or {@code etcdctl}; recognised, not yet readable. */
  BBOLT,
  UNKNOWN;

  /** LMDB's {@code MDB_MAGIC}, in the meta page after the 16-byte page header. */
  private static final int LMDB_MAGIC = 0xBEEFC0DE;

  /** bbolt's meta magic, in the meta page after its 16-byte page header. */
  private static final int BBOLT_MAGIC = 0xED0CDAED;

  private static final int HEAD = 20;

  /** Detects the format of {@code file} from its first bytes. */
  public static SnapshotFormat detect(Path file) throws IOException {
    byte[] head = new byte[HEAD];
    int n;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      n = in.readNBytes(head, 0, HEAD);
    }
    if (n >= EtcdjStreamFormat.MAGIC.length && EtcdjStreamFormat.matches(head)) {
      return ETCDJ_STREAM;
    }
    if (n < HEAD) {
      return UNKNOWN;
    }
    int magic = ByteBuffer.wrap(head, 16, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (magic == LMDB_MAGIC) {
      return LMDB;
    }
    if (magic == BBOLT_MAGIC) {
      return BBOLT;
    }
    return UNKNOWN;
  }
}
