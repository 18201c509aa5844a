package io.etcdj.transport;

import io.etcdj.transport.http.HttpServerHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * etcd's cmux on a plaintext port, decided from the first bytes of a connection:
 *
 * <ul>
 *   <li>the HTTP/2 client preface ({@code cmux.HTTP2()}) goes to gRPC, adopted by grpc-java's own
 *       connection handler ({@link GrpcEndpoint#adopt}); a non-gRPC HTTP/2 request there is refused
 *       by gRPC, as etcd's grpc-go refuses it;
 *   <li>on a client port, a first line that parses as an HTTP/1.x request line ({@code
 *       cmux.HTTP1()}, read from at most 4096 bytes) goes to the HTTP/1.1 pipeline and anything
 *       else is closed unanswered, as etcd's cmux closes unmatched connections;
 *   <li>on a peer port everything else goes to the HTTP/1.1 pipeline ({@code cmux.Any()}), where a
 *       malformed request gets Go's "400 Bad Request".
 * </ul>
 *
 * <p>Replaces itself once it has decided. Runs on the channel's event loop.
 */
final class PlaintextSniffer extends ByteToMessageDecoder {
  static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /** cmux's maxHTTPRead. */
  static final int MAX_HTTP1_SNIFF = 4096;

  private final PortPipeline port;
  private boolean handingOff;

  PlaintextSniffer(PortPipeline port) {
    this.port = port;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (handingOff) {
      return;
    }
    int n = Math.min(in.readableBytes(), PREFACE.length);
    boolean prefaceSoFar = true;
    for (int i = 0; i < n && prefaceSoFar; i++) {
      prefaceSoFar = in.getByte(in.readerIndex() + i) == PREFACE[i];
    }
    if (prefaceSoFar && n < PREFACE.length) {
      return; // wait for the whole preface
    }
    if (prefaceSoFar && port.grpc() != null) {
      handingOff = true;
      ctx.channel().config().setAutoRead(false);
      port.grpc()
          .adopt(
              ctx.channel(),
              () -> {
                ctx.pipeline().remove(this); // releases the held bytes to grpc's handler
                ctx.channel().config().setAutoRead(true);
              });
      return;
    }
    if (port.role() == Listener.Role.PEER) {
      toHttp1(ctx);
      return;
    }
    int eol = in.indexOf(in.readerIndex(), in.readerIndex() + in.readableBytes(), (byte) '\n');
    if (eol < 0) {
      if (in.readableBytes() >= MAX_HTTP1_SNIFF) {
        ctx.close();
      }
      return;
    }
    if (eol - in.readerIndex() >= MAX_HTTP1_SNIFF
        || !isHttp1RequestLine(
            in.toString(in.readerIndex(), eol - in.readerIndex(), StandardCharsets.ISO_8859_1))) {
      in.skipBytes(in.readableBytes());
      ctx.close();
      return;
    }
    toHttp1(ctx);
  }

  private void toHttp1(ChannelHandlerContext ctx) {
    port.addHttp1(ctx.pipeline(), ctx.name());
    ctx.pipeline().remove(this); // the bytes read so far go on to the HTTP codec
  }

  /**
   * cmux's {@code HTTP1()}: "METHOD SP URI SP HTTP/1.x", Go's parseRequestLine + ParseHTTPVersion.
   */
  static boolean isHttp1RequestLine(String line) {
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    int s1 = line.indexOf(' ');
    int s2 = s1 < 0 ? -1 : line.indexOf(' ', s1 + 1);
    if (s1 < 0 || s2 < 0) {
      return false;
    }
    String proto = line.substring(s2 + 1);
    if (proto.equals("HTTP/1.0") || proto.equals("HTTP/1.1")) {
      return true;
    }
    if (!proto.startsWith("HTTP/")) {
      return false;
    }
    int dot = proto.indexOf('.');
    if (dot < 0) {
      return false;
    }
    String major = proto.substring(5, dot);
    String minor = proto.substring(dot + 1);
    return isDecimal(major)
        && isDecimal(minor)
        && Integer.parseInt(major) == 1
        && minor.length() <= 6;
  }

  private static boolean isDecimal(String s) {
    if (s.isEmpty() || s.length() > 6) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i)) || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == HttpServerHandler.Drain.INSTANCE && !handingOff) {
      ctx.close(); // undecided: nothing in flight
      return;
    }
    super.userEventTriggered(ctx, evt);
  }
}
