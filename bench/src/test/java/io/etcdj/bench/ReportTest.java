package io.etcdj.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {
  @Test
  void sectionReplacesOnlyTheTextBetweenTheMarkers() {
    String old = "intro\n" + Report.BEGIN + "\nold table\n" + Report.END + "\nafter\n";
    String section = Report.BEGIN + "\nnew table\n" + Report.END + "\n";

    assertThat(ReadmeSection.replace(old, section))
        .isEqualTo("intro\n" + Report.BEGIN + "\nnew table\n" + Report.END + "\nafter\n");
  }

  @Test
  void sectionIsAppendedAfterABlankLineWhenTheFileHasNoMarkers() {
    String section = Report.BEGIN + "\nt\n" + Report.END + "\n";

    assertThat(ReadmeSection.replace("text\n", section)).isEqualTo("text\n\n" + section);
    assertThat(ReadmeSection.replace("", section)).isEqualTo(section);
  }

  @Test
  void medianOfEvenCountIsTheMeanOfTheMiddleTwoAndNaNsAreLeftOut() {
    assertThat(Report.median(List.of(3.0, 1.0, 2.0), Double::doubleValue)).isEqualTo(2.0);
    assertThat(Report.median(List.of(4.0, 1.0, 2.0, 3.0), Double::doubleValue)).isEqualTo(2.5);
    assertThat(Report.median(List.of(Double.NaN, 5.0), Double::doubleValue)).isEqualTo(5.0);
    assertThat(Report.median(List.<Double>of(), Double::doubleValue)).isNaN();
  }

  @Test
  void percentilesAreNearestRank() {
    long[] sorted = new long[1000];
    for (int i = 0; i < sorted.length; i++) {
      sorted[i] = (i + 1) * 1_000_000L;
    }

    assertThat(Latencies.percentileMillis(sorted, 0.5)).isEqualTo(500.0);
    assertThat(Latencies.percentileMillis(sorted, 0.99)).isEqualTo(990.0);
    assertThat(Latencies.percentileMillis(sorted, 0.999)).isEqualTo(999.0);
    assertThat(Latencies.percentileMillis(new long[] {7_000_000L}, 0.999)).isEqualTo(7.0);
    assertThat(Latencies.percentileMillis(new long[0], 0.5)).isNaN();
  }

  @Test
  void figuresKeepAboutThreeSignificantDigits() {
    assertThat(Report.fmt(12345.6)).isEqualTo("12346");
    assertThat(Report.fmt(12.345)).isEqualTo("12.3");
    assertThat(Report.fmt(1.2345)).isEqualTo("1.23");
    assertThat(Report.fmt(0.012345)).isEqualTo("0.012");
    assertThat(Report.fmt(Double.NaN)).isEqualTo("-");
  }

  @Test
  void quickModeIsOneShortRoundAndTheDefaultThreeLongOnes() {
    Options quick = Options.parse(new String[] {"--quick", "--etcdj", "/x"});
    Options full = Options.parse(new String[] {"--etcdj", "/x"});

    assertThat(quick.rounds()).isEqualTo(1);
    assertThat(quick.window().measure().toMillis()).isEqualTo(300);
    assertThat(full.rounds()).isEqualTo(3);
    assertThat(full.window().measure().toMillis()).isEqualTo(4000);
    assertThat(full.etcd().toString()).isEqualTo("/usr/bin/etcd");
  }

  @Test
  void javaOptsGoToEtcdjOnlyWhenGiven() {
    Options plain = Options.parse(new String[] {"--etcdj", "/x"});
    Options profiled =
        Options.parse(new String[] {"--etcdj", "/x", "--etcdj-java-opts", "-XX:+UseG1GC"});

    assertThat(plain.etcdjJavaOpts()).isEmpty();
    assertThat(profiled.etcdjJavaOpts()).isEqualTo("-XX:+UseG1GC");
  }

  @Test
  void theDistributionPathIsRequired() {
    assertThatThrownBy(() -> Options.parse(new String[] {"--quick"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--etcdj is required");
  }
}
