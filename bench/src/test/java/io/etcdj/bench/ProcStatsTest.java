package io.etcdj.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcStatsTest {
  @Test
  void readsThisJvmsResidentMemoryAndCpuTime() throws Exception {
    ProcStats self = new ProcStats(ProcessHandle.current().pid(), ProcStats.clockTicksPerSecond());

    assertThat(self.rssBytes()).isGreaterThan(10L * 1024 * 1024);
    assertThat(self.pssBytes()).isGreaterThan(0);
    // This JVM compiled and ran the test runner already.
    assertThat(self.cpuSeconds()).isGreaterThan(0.0);
  }

  @Test
  void clockTicksPerSecondIsKnown() {
    assertThat(ProcStats.clockTicksPerSecond()).isPositive();
  }
}
