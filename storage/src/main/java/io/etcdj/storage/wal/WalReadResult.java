package io.etcdj.storage.wal;

import com.google.protobuf.ByteString;
import io.etcdj.proto.raftpb.Entry;
import io.etcdj.proto.raftpb.HardState;
import java.util.List;

/**
 * What {@link Wal#readAll()} recovered.
 *
 * @param metadata the metadata recorded at the head of every segment (for etcd a marshaled {@code
 *     etcdserverpb.Metadata}); empty if the WAL holds none
 * @param state the last HardState saved (the default instance if none)
 * @param entries the entries after the snapshot the WAL was opened at, in index order, with later
 *     writes of an index replacing earlier ones and everything after them
 */
public record WalReadResult(ByteString metadata, HardState state, List<Entry> entries) {
  public WalReadResult {
    entries = List.copyOf(entries);
  }
}
