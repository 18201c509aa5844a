package io.etcdj.storage.mvcc;

import io.etcdj.proto.etcdserverpb.WatchCreateRequest;
import io.etcdj.proto.mvccpb.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * Drops events a watcher does not want (etcd's {@code mvcc.FilterFunc}). The filters a client can
 * ask for are {@link #NO_PUT} and {@link #NO_DELETE} ({@code WatchCreateRequest.filters}).
 *
 * <p>Implementations must be stateless: they run on whichever thread delivers events.
 */
@FunctionalInterface
public interface WatchFilter {

  /** Returns true if {@code event} must not be delivered. */
  boolean filterOut(Event event);

  WatchFilter NO_PUT = e -> e.getType() == Event.EventType.PUT;
  WatchFilter NO_DELETE = e -> e.getType() == Event.EventType.DELETE;

  /**
   * The filters named by a create request, as etcd's v3rpc {@code FiltersFromRequest} maps them.
   */
  static WatchFilter[] fromRequest(WatchCreateRequest request) {
    List<WatchFilter> filters = new ArrayList<>();
    for (WatchCreateRequest.FilterType type : request.getFiltersList()) {
      switch (type) {
        case NOPUT -> filters.add(NO_PUT);
        case NODELETE -> filters.add(NO_DELETE);
        default -> {
          // Unknown filter numbers are ignored, as etcd does.
        }
      }
    }
    return filters.toArray(new WatchFilter[0]);
  }
}
