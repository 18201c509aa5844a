package io.etcdj.storage.wal;

/** The WAL's error conditions, each with etcd's exact error text ({@code wal/wal.go}). */
public enum WalError {
  METADATA_CONFLICT("wal: conflicting metadata found"),
  FILE_NOT_FOUND("wal: file not found"),
  CRC_MISMATCH("wal: crc mismatch"),
  SNAPSHOT_MISMATCH("wal: snapshot mismatch"),
  SNAPSHOT_NOT_FOUND("wal: snapshot not found"),
  SLICE_OUT_OF_RANGE("wal: slice bounds out of range"),
  MAX_ENTRY_SIZE_LIMIT_EXCEEDED("wal: max entry size limit exceeded"),
  DECODER_NOT_FOUND("wal: decoder not found"),
  /** {@code walpb.ErrCRCMismatch}: one record's own checksum is wrong (corruption). */
  RECORD_CRC_MISMATCH("walpb: crc mismatch"),
  /**
   * Go's {@code io.ErrUnexpectedEOF}: the tail ends in a torn (partially written) record; {@link
   * Wal#repair} can truncate it.
   */
  UNEXPECTED_EOF("unexpected EOF"),
  /** A record that is not valid protobuf and does not look torn. */
  CORRUPT_RECORD("wal: corrupt record"),
  UNEXPECTED_BLOCK_TYPE("unexpected block type"),
  /** {@link Wal#create} into a directory that already holds {@code .wal} files. */
  FILE_EXISTS("wal: file already exists"),
  /** Go's {@code fileutil.ErrLocked}: another opener holds the WAL's file lock. */
  LOCKED("fileutil: file already locked"),
  BAD_WAL_NAME("bad wal name");

  private final String text;

  WalError(String text) {
    this.text = text;
  }

  /** etcd's error text for this condition. */
  public String text() {
    return text;
  }
}
