package io.etcdj.storage.backend;

/** Which lmdbjava buffer proxy moves bytes between Java and LMDB. */
public enum BufferKind {
  /** Byte arrays (a pinned variant of {@code ByteArrayProxy}): works on any JVM without flags. */
  BYTE_ARRAY,
  /**
   * {@code ByteBufferProxy.PROXY_OPTIMAL} with direct buffers: faster, may need {@code --add-opens
   * java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED}; falls back to
   * {@link #BYTE_ARRAY} with a warning when unavailable.
   */
  BYTE_BUFFER,
  /**
   * The default: {@link #BYTE_BUFFER} when this JVM opens {@code java.nio} to the backend (the
   * distribution's launcher passes the flags), otherwise {@link #BYTE_ARRAY}, silently.
   */
  AUTO
}
