package io.etcdj.transport;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.PreferHeapByteBufAllocator;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;

/**
 * grpc's server channel in a {@link GrpcEndpoint}. grpc-netty sets {@code SO_KEEPALIVE} on every
 * accepted channel, and Netty warns once per connection when a channel type has no such option, as
 * in-JVM channels have not; the relay connections accepted here take it silently. They also
 * remember the loop of the client connection they serve, so {@link AdoptingEventLoopGroup}
 * registers them there and a relayed frame crosses no thread.
 */
final class GrpcLocalServerChannel extends LocalServerChannel {
  @Override
  protected LocalChannel newLocalChannel(LocalChannel peer) {
    return new Accepted(this, peer);
  }

  private static final class Accepted extends LocalChannel {
    private final ChannelConfig config;

    Accepted(LocalServerChannel parent, LocalChannel peer) {
      super(parent, peer);
      DefaultChannelConfig c =
          new DefaultChannelConfig(this) {
            @Override
            public <T> boolean setOption(ChannelOption<T> option, T value) {
              return option == ChannelOption.SO_KEEPALIVE || super.setOption(option, value);
            }
          };
      // As LocalChannel's own config: heap buffers preferred.
      c.setAllocator(new PreferHeapByteBufAllocator(c.getAllocator()));
      this.config = c;
    }

    @Override
    public ChannelConfig config() {
      return config == null ? super.config() : config; // null only inside super's constructor
    }
  }
}
