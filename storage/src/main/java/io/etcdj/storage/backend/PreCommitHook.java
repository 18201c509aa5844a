package io.etcdj.storage.backend;

/**
 * Called with the writer lock held just before a non-empty batch is written to disk, so a layer
 * above can add its own entries (e.g. mvcc's {@code meta/consistent_index}) to the very same disk
 * transaction. Writes made through {@code tx} are part of the committing batch.
 *
 * <p>Runs on whichever thread commits (the writer, the batch timer, or a {@code forceCommit}
 * caller); it must not block or open a {@link ReadTx}.
 */
@FunctionalInterface
public interface PreCommitHook {
  void onPreCommit(BatchTx tx);
}
