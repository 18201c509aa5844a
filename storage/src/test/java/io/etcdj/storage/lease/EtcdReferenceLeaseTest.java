package io.etcdj.storage.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcdj.storage.testing.RealEtcd;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The minimum and maximum TTL rules checked against a real etcd 3.4.23 started with an unusual raft
 * timing (5 election ticks of 500 ms), where etcd's integer arithmetic gives a 4 s minimum.
 */
class EtcdReferenceLeaseTest {
  private static final Pattern GRANTED = Pattern.compile("granted with TTL\\((\\d+)s\\)");

  private static RealEtcd etcd;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd =
        RealEtcd.named("ref").flags("--heartbeat-interval=500", "--election-timeout=2500").start();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
  }

  private static long grantedTtl(String output) {
    Matcher m = GRANTED.matcher(output);
    assertThat(m.find()).as("etcdctl output: %s", output).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void shortTtlIsRaisedToTheSameMinimumAsEtcd() throws Exception {
    long etcdTtl = grantedTtl(etcd.etcdctl("lease", "grant", "1"));

    long min = LessorConfig.minLeaseTtlFor(5, Duration.ofMillis(500));
    LessorImpl le =
        new LessorImpl(
            new MemoryLeaseBucket(), LessorConfig.withMinLeaseTtl(min), new FakeNanoClock());
    try {
      assertThat(le.grant(1, 1).ttl()).isEqualTo(etcdTtl).isEqualTo(4);
      // A TTL above the minimum is kept as asked, by both.
      assertThat(grantedTtl(etcd.etcdctl("lease", "grant", "5"))).isEqualTo(le.grant(2, 5).ttl());
    } finally {
      le.close();
    }
  }

  @Test
  void ttlAboveTheMaximumIsRejectedLikeEtcd() throws Exception {
    assertThatThrownBy(
            () -> etcd.etcdctl("lease", "grant", String.valueOf(Lessor.MAX_LEASE_TTL + 1)))
        .hasMessageContaining("etcdserver: too large lease TTL");
    assertThat(grantedTtl(etcd.etcdctl("lease", "grant", String.valueOf(Lessor.MAX_LEASE_TTL))))
        .isEqualTo(Lessor.MAX_LEASE_TTL);
  }
}
