package io.etcdj.storage.mvcc;

import io.etcdj.proto.mvccpb.Event;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/** The concurrency suite over the in-memory fake history. */
class FakeWatchConcurrencyTest extends WatchConcurrencyTest {
  @Override
  Target newTarget() {
    FakeKv kv = new FakeKv();
    return new Target() {
      @Override
      public WatchableStore start(WatchOptions options, ScheduledExecutorService loops) {
        WatchableStore s = new WatchableStore(kv, options, loops, System::nanoTime);
        kv.attach(s);
        s.start();
        return s;
      }

      @Override
      public void put(String key, String value) {
        kv.put(key, value);
      }

      @Override
      public void delete(String key, String end) {
        kv.delete(key, end);
      }

      @Override
      public void txn(String a, String b, String c, String value) {
        kv.txn().put(a, value).put(b, value).delete(c, null).end();
      }

      @Override
      public void compact(long rev) {
        if (rev > kv.compactRevision()) {
          kv.compact(rev);
        }
      }

      @Override
      public long rev() {
        return kv.rev();
      }

      @Override
      public long compactRev() {
        return kv.compactRevision();
      }

      @Override
      public List<Event> history(long from) {
        return kv.fullHistoryFrom(from);
      }

      @Override
      public void close() {}
    };
  }
}
