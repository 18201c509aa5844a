package io.etcdj.storage.backend;

import java.nio.ByteBuffer;
import org.lmdbjava.BufferProxy;
import org.lmdbjava.ByteBufferProxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves bytes between {@code byte[]} and one lmdbjava buffer type.
 *
 * <p>Threading: the byte-array codec is stateless; the direct-buffer codec allocates a fresh buffer
 * per call, so both are thread-safe.
 */
interface Codec<T> {
  Logger LOG = LoggerFactory.getLogger(Codec.class);

  BufferProxy<T> proxy();

  /** A buffer holding {@code bytes} for LMDB to read. */
  T in(byte[] bytes);

  /** A private copy of the bytes in an LMDB-returned buffer. */
  byte[] out(T buffer);

  static Codec<?> forKind(BufferKind kind) {
    if (kind == BufferKind.AUTO) {
      kind = nioOpen() ? BufferKind.BYTE_BUFFER : BufferKind.BYTE_ARRAY;
    }
    if (kind == BufferKind.BYTE_BUFFER) {
      try {
        BufferProxy<ByteBuffer> proxy = ByteBufferProxy.PROXY_OPTIMAL;
        return new DirectCodec(proxy);
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("ByteBuffer proxy unavailable ({}); using the byte-array proxy", e.toString());
      }
    }
    return new ArrayCodec();
  }

  /**
   * Whether {@code --add-opens java.base/java.nio=...} reaches this module: lmdbjava's optimal
   * ByteBuffer proxy reads {@code Buffer.address} reflectively and fails without it.
   */
  static boolean nioOpen() {
    return java.nio.Buffer.class.getModule().isOpen("java.nio", Codec.class.getModule());
  }

  /**
   * Byte arrays through {@link PinnedByteArrayProxy} (not lmdbjava 0.9.1's {@code PROXY_BA}, which
   * can hand LMDB freed memory); the proxy already copies out into fresh arrays.
   */
  final class ArrayCodec implements Codec<byte[]> {
    private final PinnedByteArrayProxy proxy = new PinnedByteArrayProxy();

    @Override
    public BufferProxy<byte[]> proxy() {
      return proxy;
    }

    @Override
    public byte[] in(byte[] bytes) {
      return bytes;
    }

    @Override
    public byte[] out(byte[] buffer) {
      return buffer;
    }
  }

  /** Direct {@link ByteBuffer}s; LMDB returns buffers pointing into the map, so we copy out. */
  final class DirectCodec implements Codec<ByteBuffer> {
    private final BufferProxy<ByteBuffer> proxy;

    DirectCodec(BufferProxy<ByteBuffer> proxy) {
      this.proxy = proxy;
    }

    @Override
    public BufferProxy<ByteBuffer> proxy() {
      return proxy;
    }

    @Override
    public ByteBuffer in(byte[] bytes) {
      ByteBuffer b = ByteBuffer.allocateDirect(Math.max(1, bytes.length));
      b.put(bytes).flip();
      return b;
    }

    @Override
    public byte[] out(ByteBuffer buffer) {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      return bytes;
    }
  }
}
