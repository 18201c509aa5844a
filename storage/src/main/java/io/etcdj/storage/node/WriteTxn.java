package io.etcdj.storage.node;

import com.google.protobuf.ByteString;
import io.etcdj.storage.mvcc.TxnWrite;

/**
 * The mvcc write txn of one raft entry ({@link ApplyTxn#txn()}): all its changes share one new
 * revision and reach watchers together when it ends. Ranges see its own changes. Same range
 * conventions as {@link ReadTxn}.
 *
 * <p>Not thread-safe: the apply thread uses it; it holds the backend's batch lock until it ends.
 */
public final class WriteTxn extends ReadTxn {
  private final TxnWrite tw;
  private boolean ended;

  WriteTxn(TxnWrite tw) {
    super(tw);
    this.tw = tw;
  }

  /**
   * Puts a key; {@code lease} 0 = none. The lease must exist (the server checks, as etcd's applier
   * does before writing). Returns the revision of the change.
   */
  public long put(ByteString key, ByteString value, long lease) {
    return tw.put(key.toByteArray(), value.toByteArray(), lease);
  }

  /** Deletes the keys of the range (etcd conventions, see {@link KeyRange}); returns how many. */
  public long deleteRange(ByteString key, ByteString rangeEnd) {
    return tw.deleteRange(key.toByteArray(), KeyRange.end(rangeEnd)).deleted();
  }

  /** The revision before this txn (etcd {@code beginRev}). */
  @Override
  public long rev() {
    return tw.rev();
  }

  /**
   * The revision for the response header (etcd {@code txn.Rev()} after {@code End}): the new
   * revision if the txn changed anything, else the unchanged current one. Valid before and after
   * {@link #end()}.
   */
  public long headerRevision() {
    return tw.changes().isEmpty() ? tw.rev() : tw.rev() + 1;
  }

  /** Whether the txn changed anything so far. */
  public boolean changed() {
    return !tw.changes().isEmpty();
  }

  /**
   * Ends the txn: its changes become visible and are handed to watchers. {@link ApplyTxn#close()}
   * ends it if the caller did not. Idempotent.
   */
  public void end() {
    if (!ended) {
      ended = true;
      tw.end();
    }
  }

  boolean ended() {
    return ended;
  }

  @Override
  public void close() {
    end();
  }
}
