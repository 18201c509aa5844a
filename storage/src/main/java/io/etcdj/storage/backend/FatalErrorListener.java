package io.etcdj.storage.backend;

/**
 * Told once when the backend latches a {@link BackendFatalException}; the owner (the server) stops
 * the node with the exception's message.
 *
 * <p>Threading: called on the thread whose commit failed (the apply thread, the batch timer, a
 * compaction or lessor thread), possibly while that thread holds the batch tx lock: it must not
 * block, nor call back into the backend; hand the stop to another thread.
 */
@FunctionalInterface
public interface FatalErrorListener {
  void onFatalError(BackendFatalException error);
}
