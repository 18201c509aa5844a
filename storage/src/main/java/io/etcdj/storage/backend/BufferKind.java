package io.etcdj.storage.backend;

/** Which lmdbjava buffer proxy moves bytes between Java and LMDB. */
public enum BufferKind {
  /** {@code ByteArrayProxy.PROXY_BA}: works on any JVM without flags; the default. */
  BYTE_ARRAY,
  /**
   * {@code ByteBufferProxy.PROXY_OPTIMAL} with direct buffers: faster, may need {@code --add-opens
   * java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED}; falls back to
   * {@link #BYTE_ARRAY} with a warning when unavailable.
   */
  BYTE_BUFFER
}
