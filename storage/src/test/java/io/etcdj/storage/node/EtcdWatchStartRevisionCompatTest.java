package io.etcdj.storage.node;

import static io.etcdj.storage.node.NodeStoreFixture.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.proto.etcdserverpb.WatchCreateRequest;
import io.etcdj.storage.mvcc.WatchResponse;
import io.etcdj.storage.mvcc.WatchStream;
import io.etcdj.storage.testing.RealEtcd;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watch start revisions, zero and negative, against real etcd 3.4.23 ({@code etcdctl watch --rev}):
 * the first response, compaction notice or live event, is the same on both sides.
 *
 * <p>Starts {@code /usr/bin/etcd} on 127.0.0.1 with free ports and a temp dir; fails if absent.
 */
@Timeout(120)
class EtcdWatchStartRevisionCompatTest {
  private static final Pattern COMPACT = Pattern.compile("\"CompactRevision\":(-?\\d+)");
  private static final Pattern CANCELED = Pattern.compile("\"Canceled\":(true|false)");
  private static final Pattern MOD = Pattern.compile("\"mod_revision\":(\\d+)");

  private static RealEtcd etcd;

  @TempDir Path dir;

  @BeforeAll
  static void startEtcd() throws Exception {
    RealEtcd.assumeInstalled();
    etcd = RealEtcd.named("watchstart").start();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
  }

  /** The first JSON response of {@code etcdctl watch -w json foo --rev=rev}, after {@code then}. */
  private static String firstResponse(long rev, Runnable then) throws Exception {
    Process p =
        etcd.etcdctlCommand("watch", "-w", "json", "foo", "--rev=" + rev)
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      then.run();
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("{")) {
          return line;
        }
      }
      throw new AssertionError("etcdctl watch printed no response");
    } finally {
      p.destroy();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Puts {@code foo} every 100 ms until interrupted. */
  private static Thread etcdPutter() {
    // etcdctl says nothing when its watch is created, so put until the watcher reports one (a real
    // process cannot be driven by a fake clock).
    return new Thread(
        () -> {
          for (int i = 0; i < 100; i++) {
            try {
              etcd.etcdctl("put", "foo", "live");
              Thread.sleep(100);
            } catch (InterruptedException e) {
              return;
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
        });
  }

  private static String group(Pattern p, String json) {
    Matcher m = p.matcher(json);
    assertThat(m.find()).as("%s in %s", p, json).isTrue();
    return m.group(1);
  }

  @Test
  void negativeAndZeroStartRevisionsAnswerAsEtcd() throws Exception {
    try (NodeStore s = new NodeStoreFixture().open(dir);
        WatchStream ws = s.newWatchStream()) {
      // Never compacted: etcd's compacted revision is -1, so -5 is "compacted" with -1 ...
      String etcdMinus5 = firstResponse(-5, () -> {});
      ws.watch(start(-5));
      s.watchable().syncWatchers();
      WatchResponse ours = ws.poll();
      assertThat(ours.compactRevision()).isEqualTo(Long.parseLong(group(COMPACT, etcdMinus5)));
      assertThat(ours.toProto(0, 0, 0).getCanceled())
          .isEqualTo(Boolean.parseBoolean(group(CANCELED, etcdMinus5)));

      // ... while -1 watches from now on: the first response is a later put.
      ws.watch(start(-1));
      s.watchable().syncWatchers();
      assertThat(ws.poll()).isNull();
      Thread putter = etcdPutter();
      String etcdMinus1 = firstResponse(-1, putter::start);
      putter.interrupt();
      putter.join();
      assertThat(group(COMPACT, etcdMinus1)).isEqualTo("0");
      put(s, 1, "foo", "live");
      WatchResponse live = ws.poll();
      assertThat(live.compactRevision()).isZero();
      assertThat(live.events()).hasSize(1);
      assertThat(group(MOD, etcdMinus1)).isNotNull();

      // After a compaction every negative start gets the compacted revision.
      long etcdRev = etcdRevision();
      etcd.etcdctl("compaction", Long.toString(etcdRev));
      put(s, 2, "foo", "again");
      try (ApplyTxn a = s.beginApply(3)) {
        a.compact(s.rev()).get();
      }
      String etcdAfter = firstResponse(-1, () -> {});
      NodeStoreTest.drain(ws); // the live watcher's "again"
      ws.watch(start(-1));
      s.watchable().syncWatchers();
      WatchResponse after = ws.poll();
      assertThat(group(COMPACT, etcdAfter)).isEqualTo(Long.toString(etcdRev));
      assertThat(after.compactRevision()).isEqualTo(s.compactRev());
      assertThat(after.toProto(0, 0, 0).getCanceled())
          .isEqualTo(Boolean.parseBoolean(group(CANCELED, etcdAfter)));
    }
  }

  private static long etcdRevision() throws Exception {
    String json = etcd.etcdctl("endpoint", "status", "-w", "json");
    Matcher m = Pattern.compile("\"revision\":(\\d+)").matcher(json);
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static WatchCreateRequest start(long rev) {
    return WatchCreateRequest.newBuilder()
        .setKey(NodeStoreFixture.bs("foo"))
        .setStartRevision(rev)
        .build();
  }
}
