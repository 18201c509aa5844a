package io.etcdj.storage.mvcc;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A fake lessor: known lease ids, key attachments, and a log of calls. Thread-safe (synchronized).
 */
final class RecordingLeases implements KeyLeases {
  final Set<Long> known = new HashSet<>();
  final Map<ByteString, Long> attached = new HashMap<>();
  final List<String> calls = new ArrayList<>();

  RecordingLeases(long... ids) {
    for (long id : ids) {
      known.add(id);
    }
  }

  @Override
  public synchronized long leaseOf(byte[] key) {
    return attached.getOrDefault(ByteString.copyFrom(key), NO_LEASE);
  }

  @Override
  public synchronized boolean attach(long leaseId, byte[] key) {
    calls.add("attach " + leaseId + " " + new String(key, java.nio.charset.StandardCharsets.UTF_8));
    if (!known.contains(leaseId)) {
      return false;
    }
    attached.put(ByteString.copyFrom(key), leaseId);
    return true;
  }

  @Override
  public synchronized boolean detach(long leaseId, byte[] key) {
    calls.add("detach " + leaseId + " " + new String(key, java.nio.charset.StandardCharsets.UTF_8));
    if (!known.contains(leaseId)) {
      return false;
    }
    attached.remove(ByteString.copyFrom(key));
    return true;
  }
}
