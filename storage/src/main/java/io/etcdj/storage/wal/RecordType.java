package io.etcdj.storage.wal;

/** The {@code walpb.Record.type} values etcd writes ({@code wal/wal.go}). */
final class RecordType {
  static final long METADATA = 1;
  static final long ENTRY = 2;
  static final long STATE = 3;
  static final long CRC = 4;
  static final long SNAPSHOT = 5;

  private RecordType() {}
}
