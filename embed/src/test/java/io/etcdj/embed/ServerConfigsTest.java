package io.etcdj.embed;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
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
  void noDataDirMeansNameDotEtcdAsEtcd() {
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
}
