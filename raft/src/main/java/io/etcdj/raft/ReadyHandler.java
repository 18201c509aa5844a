package io.etcdj.raft;

/**
 * Handles each {@link Ready} on the {@link Node}'s loop thread (the server's raft thread), the
 * counterpart of the body of etcd's {@code raftNode.start()} loop ({@code etcdserver/raft.go}).
 *
 * <p>Contract: the handler must call {@link Node#advance()} exactly once per Ready, either before
 * returning (on the loop thread; the advance then runs inline, without a queue hop) or later from
 * any thread. Until it does, the loop keeps serving proposals, messages, ticks, conf changes and
 * status requests but emits no new Ready. A handler that must wait for the apply thread (a follower
 * whose committed entries hold a conf change) must therefore NOT block: the apply thread calls
 * {@link Node#applyConfChange}, which runs on this same loop thread. Return instead and let the
 * apply thread call {@link Node#advance()}.
 *
 * <p>A handler may block on disk I/O (WAL save and fsync): inputs queue meanwhile and are handled
 * as one batch afterwards. A thrown exception stops the node; every pending and later call fails
 * with a {@link StoppedException} whose cause is that exception.
 */
@FunctionalInterface
public interface ReadyHandler {
  void handleReady(Node node, Ready rd) throws Exception;
}
