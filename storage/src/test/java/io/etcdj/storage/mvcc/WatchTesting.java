package io.etcdj.storage.mvcc;

import com.google.protobuf.ByteString;
import io.etcdj.proto.mvccpb.Event;
import java.util.ArrayList;
import java.util.List;

/** Small helpers shared by the watch tests. */
final class WatchTesting {

  private WatchTesting() {}

  static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  /** A fake KV with a watchable store on top whose loops are not started. */
  static WatchableStore newStore(FakeKv kv, WatchOptions options) {
    WatchableStore s = new WatchableStore(kv, options, null, System::nanoTime);
    kv.attach(s);
    return s;
  }

  static WatchableStore newStore(FakeKv kv) {
    return newStore(kv, WatchOptions.DEFAULT);
  }

  /** Everything queued on {@code ws} right now. */
  static List<WatchResponse> drain(WatchStream ws) {
    List<WatchResponse> out = new ArrayList<>();
    for (WatchResponse r = ws.poll(); r != null; r = ws.poll()) {
      out.add(r);
    }
    return out;
  }

  static List<Long> revisions(List<WatchResponse> responses) {
    List<Long> out = new ArrayList<>();
    for (WatchResponse r : responses) {
      for (Event e : r.events()) {
        out.add(e.getKv().getModRevision());
      }
    }
    return out;
  }
}
