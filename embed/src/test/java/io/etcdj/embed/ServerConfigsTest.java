package io.etcdj.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.etcdserver.HousekeepingConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class ServerConfigsTest {
  private final Advertised adv =
      new Advertised(
          List.of(URI.create("http://localhost:2380")),
          List.of(URI.create("http://localhost:2379")),
          "default=http://localhost:2380");

  @Test
  void noDataDirMeansNameDotEtcdAsEtcd() throws Exception {
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor();
    try {
      assertThat(ServerConfigs.from(new Config(), adv, s).dataDir())
          .isEqualTo(Path.of("default.etcd"));
      assertThat(ServerConfigs.from(new Config().name("abc"), adv, s).dataDir())
          .isEqualTo(Path.of("abc.etcd"));
      assertThat(ServerConfigs.from(new Config().dataDir("/x/y"), adv, s).dataDir())
          .isEqualTo(Path.of("/x/y"));
    } finally {
      s.shutdownNow();
    }
  }

  /** etcd embed/etcd.go parseCompactionRetention. */
  @Test
  void aPlainNumberIsHoursForPeriodicAndRevisionsForRevisionMode() throws Exception {
    assertThat(ServerConfigs.compactionRetention("periodic", "1")).isEqualTo(Duration.ofHours(1));
    assertThat(ServerConfigs.compactionRetention("periodic", "30m"))
        .isEqualTo(Duration.ofMinutes(30));
    assertThat(ServerConfigs.compactionRetention("revision", "1000"))
        .isEqualTo(Duration.ofNanos(1000));
    assertThat(ServerConfigs.compactionRetention("periodic", "0")).isEqualTo(Duration.ZERO);
    assertThat(ServerConfigs.compactionRetention("", "5")).isEqualTo(Duration.ZERO);
    assertThatThrownBy(() -> ServerConfigs.compactionRetention("periodic", "-1"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("error parsing CompactionRetention: time: missing unit in duration \"-1\"");
    assertThatThrownBy(() -> ServerConfigs.compactionRetention("periodic", "1x"))
        .hasMessage(
            "error parsing CompactionRetention: time: unknown unit \"x\" in duration \"1x\"");
  }

  @Test
  void theHousekeepingFlagsReachTheServer() throws Exception {
    Config c =
        new Config()
            .autoCompactionMode("revision")
            .autoCompactionRetention("100")
            .maxSnapFiles(3)
            .maxWalFiles(0)
            .experimentalCorruptCheckTime(Duration.ofMinutes(1))
            .experimentalInitialCorruptCheck(true)
            .experimentalEnableLeaseCheckpoint(true)
            .experimentalWatchProgressNotifyInterval(Duration.ofSeconds(2));
    HousekeepingConfig hk = ServerConfigs.housekeeping(c);
    assertThat(hk.autoCompactionMode()).isEqualTo("revision");
    assertThat(hk.autoCompactionRetention()).isEqualTo(Duration.ofNanos(100));
    assertThat(hk.maxSnapFiles()).isEqualTo(3);
    assertThat(hk.maxWalFiles()).isZero();
    assertThat(hk.corruptCheckTime()).isEqualTo(Duration.ofMinutes(1));
    assertThat(hk.initialCorruptCheck()).isTrue();
    assertThat(hk.enableLeaseCheckpoint()).isTrue();
    assertThat(hk.leaseCheckpointPersist()).isFalse();
    assertThat(hk.watchProgressNotifyInterval()).isEqualTo(Duration.ofSeconds(2));
  }
}
