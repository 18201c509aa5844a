package io.etcdj.storage.mvcc;

import com.google.protobuf.CodedOutputStream;
import io.etcdj.proto.etcdserverpb.WatchResponse;
import io.etcdj.proto.mvccpb.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a wire {@code WatchResponse} that is too big for one gRPC message into fragments, as
 * etcd's v3rpc {@code sendFragments} does for watchers created with {@code fragment=true}: every
 * fragment carries the same header and ids, holds as many events as fit under the limit (at least
 * one), and has {@code fragment=true} except the last. A response under the limit, or with fewer
 * than two events, is returned as it is.
 *
 * <p>Stateless; safe from any thread.
 */
public final class WatchFragments {

  private WatchFragments() {}

  /**
   * The fragments of {@code response} for a limit of {@code maxRequestBytes} (etcd passes the
   * server's {@code --max-request-bytes} plus its 512-byte gRPC overhead allowance).
   */
  public static List<WatchResponse> split(WatchResponse response, int maxRequestBytes) {
    List<Event> events = response.getEventsList();
    if (response.getSerializedSize() < maxRequestBytes || events.size() < 2) {
      return List.of(response);
    }
    WatchResponse shell = response.toBuilder().clearEvents().setFragment(true).build();
    int shellSize = shell.getSerializedSize();
    List<WatchResponse> out = new ArrayList<>();
    int next = 0;
    while (next < events.size()) {
      WatchResponse.Builder fragment = shell.toBuilder();
      int size = shellSize;
      int taken = 0;
      while (next < events.size()) {
        int eventSize =
            CodedOutputStream.computeMessageSize(
                WatchResponse.EVENTS_FIELD_NUMBER, events.get(next));
        // Same rule as etcd: the first event always goes in, a later one only while the fragment
        // (counted with fragment=true) stays under the limit.
        if (taken >= 1 && size + eventSize >= maxRequestBytes) {
          break;
        }
        fragment.addEvents(events.get(next));
        size += eventSize;
        taken++;
        next++;
      }
      if (next == events.size()) {
        fragment.setFragment(false);
      }
      out.add(fragment.build());
    }
    return out;
  }
}
