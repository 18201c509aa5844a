package io.etcdj.transport.bench;

import io.etcdj.transport.EventLoops;
import io.etcdj.transport.Listener;
import io.etcdj.transport.PortServer;
import io.etcdj.transport.TestGrpc;
import io.etcdj.transport.tls.EtcdServerTls;
import io.etcdj.transport.tls.SelfCert;
import io.etcdj.transport.tls.TlsInfo;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What sharing a port costs gRPC (docs/decisions/0003): one blocking unary call (64-byte echo) per
 * operation, against the same service served
 *
 * <ul>
 *   <li>{@code plain-mux}: by {@link PortServer} on a plaintext listener (sniffed, adopted by
 *       grpc's own handler);
 *   <li>{@code plain-own}: by grpc-java on its own port, same epoll loops and socket type;
 *   <li>{@code tls-mux}: by {@link PortServer} over TLS (ALPN h2, per-stream relay in-JVM);
 *   <li>{@code tls-own}: by grpc-java with its own TLS on its own port, same certificate.
 * </ul>
 *
 * The figure to read is mux/own per transport. One client channel, one caller thread.
 *
 * <p>Run: {@code java -cp <test classpath> org.openjdk.jmh.Main PortMuxBench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class PortMuxBench {
  @Param({"plain-mux", "plain-own", "tls-mux", "tls-own"})
  public String target;

  private EventLoops loops;
  private EpollEventLoopGroup clientLoop;
  private PortServer mux;
  private Server own;
  private ManagedChannel channel;
  private Path dir;
  private final byte[] payload = new byte[64];

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    loops = EventLoops.create("bench", 2, true);
    clientLoop = new EpollEventLoopGroup(1);
    dir = Files.createTempDirectory("port-mux-bench");
    TlsInfo info = SelfCert.selfCert(dir, List.of("127.0.0.1"));
    boolean tls = target.startsWith("tls");
    int port;
    if (target.endsWith("mux")) {
      Listener.Builder lb =
          Listener.builder(URI.create((tls ? "https" : "http") + "://127.0.0.1:0"));
      if (tls) {
        lb.tls(EtcdServerTls.forClientPort(info));
      }
      mux = PortServer.builder(lb.bind(loops)).grpc(b -> b.addService(TestGrpc.echoOnly())).start();
      port = mux.listener().port();
    } else {
      NettyServerBuilder b =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              .channelType(EpollServerSocketChannel.class)
              .bossEventLoopGroup(loops.worker())
              .workerEventLoopGroup(loops.worker())
              .addService(TestGrpc.echoOnly());
      if (tls) {
        b.sslContext(
            GrpcSslContexts.forServer(new File(info.certFile()), new File(info.keyFile())).build());
      }
      own = b.build().start();
      port = ((InetSocketAddress) own.getListenSockets().get(0)).getPort();
    }
    NettyChannelBuilder cb =
        NettyChannelBuilder.forAddress("127.0.0.1", port)
            .eventLoopGroup(clientLoop)
            .channelType(EpollSocketChannel.class);
    if (tls) {
      // The JDK provider: BoringSSL's client offers no signature scheme for etcd's P-521 self cert.
      cb.sslContext(
          GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
              .trustManager(InsecureTrustManagerFactory.INSTANCE)
              .build());
    } else {
      cb.usePlaintext();
    }
    channel = cb.build();
    TestGrpc.call(channel, TestGrpc.ECHO, payload);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    if (mux != null) {
      mux.close();
    }
    if (own != null) {
      own.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    loops.close();
  }

  @Benchmark
  public byte[] unaryEcho() {
    return TestGrpc.call(channel, TestGrpc.ECHO, payload);
  }
}
