package io.etcdj.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A workload's gRPC connections to the server, as etcd's benchmark {@code --conns}: client {@code
 * i} uses connection {@code i % count}. Each channel is one HTTP/2 connection; responses are
 * handled on the shared event loops (direct executor), which the load loops never block.
 */
final class Connections implements AutoCloseable {
  private final List<ManagedChannel> channels = new ArrayList<>();

  Connections(EventLoopGroup group, InetSocketAddress address, int count) {
    for (int i = 0; i < count; i++) {
      channels.add(channel(group, address));
    }
  }

  /** One plaintext channel whose callbacks run on {@code group}'s event loops. */
  static ManagedChannel channel(EventLoopGroup group, InetSocketAddress address) {
    return NettyChannelBuilder.forAddress(address)
        .eventLoopGroup(group)
        .channelType(NioSocketChannel.class)
        .usePlaintext()
        .directExecutor()
        .build();
  }

  ManagedChannel forClient(int client) {
    return channels.get(client % channels.size());
  }

  int size() {
    return channels.size();
  }

  @Override
  public void close() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
    for (ManagedChannel c : channels) {
      c.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
