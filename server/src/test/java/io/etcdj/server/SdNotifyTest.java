package io.etcdj.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainDatagramSocketAddress;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify against a fake systemd: a unix datagram socket bound where NOTIFY_SOCKET points. */
class SdNotifyTest {

  @TempDir Path dir;

  @BeforeAll
  static void nativeTransport() {
    Epoll.ensureAvailability();
  }

  private static String receive(Socket s) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(4096);
    DomainDatagramSocketAddress from = s.recvFromDomainSocket(buf, 0, buf.capacity());
    assertThat(from).as("a datagram was waiting").isNotNull();
    byte[] b = new byte[from.receivedAmount()];
    buf.get(0, b);
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void readySendsReadyOneToTheSocket() throws Exception {
    Path path = dir.resolve("notify.sock");
    Socket systemd = Socket.newSocketDomainDgram();
    try {
      systemd.bind(new DomainSocketAddress(path.toString()));
      SdNotify n = SdNotify.fromEnvironment(Map.of(SdNotify.ENV, path.toString()));
      assertThat(n.enabled()).isTrue();
      assertThat(n.ready()).isTrue();
      assertThat(receive(systemd)).isEqualTo("READY=1");
      assertThat(n.stopping()).isTrue();
      assertThat(receive(systemd)).isEqualTo("STOPPING=1");
    } finally {
      systemd.close();
    }
  }

  @Test
  void abstractSocketNamesStartWithAt() throws Exception {
    String name = "etcdj-sdnotify-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    Socket systemd = Socket.newSocketDomainDgram();
    try {
      systemd.bind(
          new DomainSocketAddress(
              new String(SdNotify.address("@" + name), StandardCharsets.UTF_8)));
      assertThat(new SdNotify("@" + name).ready()).isTrue();
      assertThat(receive(systemd)).isEqualTo("READY=1");
    } finally {
      systemd.close();
    }
  }

  @Test
  void withoutNotifySocketNothingIsSent() throws Exception {
    SdNotify n = SdNotify.fromEnvironment(Map.of());
    assertThat(n.enabled()).isFalse();
    assertThat(n.ready()).isFalse();
  }

  @Test
  void anAbsentSocketIsAnError() {
    SdNotify n = new SdNotify(dir.resolve("missing.sock").toString());
    assertThatThrownBy(n::ready).isInstanceOf(IOException.class);
  }

  @Test
  void theCommandHandsTheNotifierFromTheEnvironmentToTheLauncher() {
    Cli cli = new Cli().env(SdNotify.ENV, "/run/systemd/notify");
    assertThat(cli.run()).isZero();
    assertThat(cli.notify.enabled()).isTrue();
  }
}
