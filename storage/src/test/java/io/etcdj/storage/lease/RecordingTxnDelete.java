package io.etcdj.storage.lease;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A {@link TxnDelete} that records each call into a shared log as {@code "deleteRange key_end"} and
 * {@code "end"}, like etcd's {@code fakeDeleter}. Not thread-safe.
 */
final class RecordingTxnDelete implements TxnDelete {
  private final List<String> log;

  RecordingTxnDelete(List<String> log) {
    this.log = log;
    log.add("begin");
  }

  @Override
  public long deleteRange(byte[] key, byte[] end) {
    String e = end == null ? "" : new String(end, StandardCharsets.ISO_8859_1);
    log.add("deleteRange " + new String(key, StandardCharsets.ISO_8859_1) + "_" + e);
    return 1;
  }

  @Override
  public void end() {
    log.add("end");
  }
}
