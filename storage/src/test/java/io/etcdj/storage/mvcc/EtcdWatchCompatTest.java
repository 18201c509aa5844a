package io.etcdj.storage.mvcc;

import static io.etcdj.storage.mvcc.WatchTesting.bs;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcdj.proto.mvccpb.Event;
import io.etcdj.proto.mvccpb.KeyValue;
import io.etcdj.storage.testing.RealEtcd;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The events our watchable store delivers equal those real etcd 3.4.23 sends {@code etcdctl watch}
 * after the same history: puts, overwrites, single and prefix deletes and a multi-op txn, replayed
 * from revision 1 (catch-up from the backend) and seen live; and a watch from a compacted revision
 * reports the same compact revision.
 *
 * <p>Starts {@code /usr/bin/etcd} on 127.0.0.1 with free ports and a temp dir; skipped if absent.
 */
@Timeout(120)
class EtcdWatchCompatTest {
  private static final Pattern EVENT =
      Pattern.compile("\\{(?:\"type\":(\\d+),)?\"kv\":\\{([^}]*)\\}");
  private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(\"[^\"]*\"|-?\\d+)");
  private static final Pattern COMPACT = Pattern.compile("\"CompactRevision\":(\\d+)");

  private static RealEtcd etcd;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = RealEtcd.named("watchcompat").flags("--logger=zap").start();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
  }

  private static String run(String stdin, String... args) throws Exception {
    return etcd.etcdctlWithInput(stdin, args);
  }

  /**
   * Runs {@code etcdctl watch ... -w json} until it printed {@code wantEvents} events or a line
   * with a compact revision, then stops it. Returns the JSON lines.
   */
  private static List<String> watchJson(int wantEvents, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("watch", "-w", "json"));
    cmd.addAll(List.of(args));
    Process p = etcd.etcdctlCommand(cmd.toArray(new String[0])).redirectErrorStream(true).start();
    p.getOutputStream().close();
    // A watch never ends by itself: stop it after a while even if the events we wait for never
    // come.
    Thread watchdog =
        new Thread(
            () -> {
              try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                  p.destroyForcibly();
                }
              } catch (InterruptedException e) {
                p.destroyForcibly();
              }
            });
    watchdog.setDaemon(true);
    watchdog.start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      int events = 0;
      String line;
      while (events < wantEvents && (line = r.readLine()) != null) {
        if (!line.startsWith("{")) {
          continue;
        }
        lines.add(line);
        events += parseEvents(line).size();
        Matcher c = COMPACT.matcher(line);
        if (c.find() && !c.group(1).equals("0")) {
          break;
        }
      }
    } finally {
      p.destroy();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    return lines;
  }

  /** The events of one etcdctl JSON watch response, as mvccpb events. */
  private static List<Event> parseEvents(String json) {
    List<Event> out = new ArrayList<>();
    Matcher m = EVENT.matcher(json);
    while (m.find()) {
      KeyValue.Builder kv = KeyValue.newBuilder();
      Matcher f = FIELD.matcher(m.group(2));
      while (f.find()) {
        String v = f.group(2);
        switch (f.group(1)) {
          case "key" -> kv.setKey(b64(v));
          case "value" -> kv.setValue(b64(v));
          case "create_revision" -> kv.setCreateRevision(Long.parseLong(v));
          case "mod_revision" -> kv.setModRevision(Long.parseLong(v));
          case "version" -> kv.setVersion(Long.parseLong(v));
          case "lease" -> kv.setLease(Long.parseLong(v));
          default -> throw new IllegalArgumentException("unexpected field " + f.group(1));
        }
      }
      boolean delete = "1".equals(m.group(1));
      out.add(
          Event.newBuilder()
              .setType(delete ? Event.EventType.DELETE : Event.EventType.PUT)
              .setKv(kv)
              .build());
    }
    return out;
  }

  private static ByteString b64(String quoted) {
    return ByteString.copyFrom(
        Base64.getDecoder().decode(quoted.substring(1, quoted.length() - 1)));
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<Event> all(List<WatchResponse> rs) {
    List<Event> out = new ArrayList<>();
    rs.forEach(r -> out.addAll(r.events()));
    return out;
  }

  @Test
  void sameHistoryGivesTheSameEventsAndCompactRevision() throws Exception {
    try (KvStore kv =
        KvStore.open(
            new MemKvBackend(), KeyLeases.NONE, null, new StoreConfig(1000, 0, Runnable::run))) {
      WatchableStore store = WatchableStore.wrap(kv, null, WatchOptions.DEFAULT, null);
      WatchStream live = store.newWatchStream();
      live.watch(0, bs("\0"), bs(""), 0);

      run(null, "put", "foo", "bar");
      store.put(b("foo"), b("bar"), 0);
      run(null, "put", "foo", "baz");
      store.put(b("foo"), b("baz"), 0);
      run(null, "put", "fop", "");
      store.put(b("fop"), b(""), 0);
      run(null, "del", "foo");
      store.deleteRange(b("foo"), null);
      run("\nput a 1\nput b 2\ndel fop\n\n\n", "txn"); // compares, success ops, failure ops
      try (TxnWrite tw = store.write()) {
        tw.put(b("a"), b("1"), 0);
        tw.put(b("b"), b("2"), 0);
        tw.deleteRange(b("fop"), null);
      }
      run(null, "put", "a", "again");
      store.put(b("a"), b("again"), 0);
      run(null, "del", "--prefix", "");
      store.deleteRange(b("\0"), new byte[0]);
      run(null, "put", "foo", "back");
      store.put(b("foo"), b("back"), 0);

      List<Event> liveEvents = all(WatchTesting.drain(live));
      List<Event> etcdAll = new ArrayList<>();
      for (String line : watchJson(liveEvents.size(), "--rev=1", "--prefix", "")) {
        etcdAll.addAll(parseEvents(line));
      }
      assertThat(liveEvents).isEqualTo(etcdAll);

      WatchStream ws = store.newWatchStream();
      ws.watch(0, bs("\0"), bs(""), 1);
      store.syncWatchers();
      assertThat(all(WatchTesting.drain(ws))).isEqualTo(etcdAll);

      // One key, from the middle of the history.
      List<Event> etcdFoo = new ArrayList<>();
      List<Event> ourFoo;
      ws.watch(0, bs("foo"), null, 3);
      store.syncWatchers();
      ourFoo = all(WatchTesting.drain(ws));
      for (String line : watchJson(ourFoo.size(), "--rev=3", "foo")) {
        etcdFoo.addAll(parseEvents(line));
      }
      assertThat(ourFoo).isEqualTo(etcdFoo).isNotEmpty();

      // From below a compaction.
      run(null, "compaction", "6");
      kv.compact(6).get();
      long id = ws.watch(0, bs("foo"), null, 2);
      store.syncWatchers();
      List<String> etcdCompacted = watchJson(1, "--rev=2", "foo");
      Matcher c = COMPACT.matcher(etcdCompacted.get(0));
      assertThat(c.find()).isTrue();
      assertThat(ws.poll())
          .isEqualTo(new WatchResponse(id, List.of(), 0, Long.parseLong(c.group(1))));
    }
  }
}
