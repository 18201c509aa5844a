package io.etcdj.storage.mvcc;

import io.etcdj.proto.etcdserverpb.ResponseHeader;
import io.etcdj.proto.mvccpb.Event;
import java.util.List;

/**
 * One message on a {@link WatchStream}: etcd's {@code mvcc.WatchResponse}.
 *
 * <p>For an event response {@code revision} is the store revision the watcher has seen up to: the
 * last event's revision when it was delivered live, or a later revision for a catch-up batch. A
 * progress notification has no events. A response with {@code compactRevision != 0} tells the
 * watcher that the revisions it asked for were compacted away; the watcher is gone afterwards.
 *
 * <p>Immutable.
 *
 * @param watchId the watcher the response belongs to ({@link WatchStream#INVALID_WATCH_ID} for a
 *     stream-wide progress notification)
 * @param events revision-ordered events, never null
 * @param revision the store revision this response reflects
 * @param compactRevision the compacted revision when the watcher was cancelled by compaction, else
 *     0
 */
public record WatchResponse(long watchId, List<Event> events, long revision, long compactRevision) {

  public WatchResponse {
    events = List.copyOf(events);
  }

  static WatchResponse ofEvents(long watchId, List<Event> events, long revision) {
    return new WatchResponse(watchId, events, revision, 0);
  }

  static WatchResponse progress(long watchId, long revision) {
    return new WatchResponse(watchId, List.of(), revision, 0);
  }

  static WatchResponse compacted(long watchId, long compactRevision) {
    return new WatchResponse(watchId, List.of(), 0, compactRevision);
  }

  /**
   * This response as etcd's v3rpc send loop puts it on the wire: the header's revision is {@link
   * #revision()} (0 for a compaction notice, as etcd sends it), and a compaction notice is also
   * {@code canceled}. Prev-kv, if wanted, must be filled in first ({@link WatchStream#withPrevKv}).
   */
  public io.etcdj.proto.etcdserverpb.WatchResponse toProto(
      long clusterId, long memberId, long raftTerm) {
    return io.etcdj.proto.etcdserverpb.WatchResponse.newBuilder()
        .setHeader(
            ResponseHeader.newBuilder()
                .setClusterId(clusterId)
                .setMemberId(memberId)
                .setRevision(revision)
                .setRaftTerm(raftTerm))
        .setWatchId(watchId)
        .addAllEvents(events)
        .setCompactRevision(compactRevision)
        .setCanceled(compactRevision != 0)
        .build();
  }

  /** True for a response without events that is not a compaction notice. */
  public boolean isProgressNotify() {
    return events.isEmpty() && compactRevision == 0;
  }
}
