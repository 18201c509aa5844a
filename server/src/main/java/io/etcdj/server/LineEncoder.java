package io.etcdj.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;

/**
 * A Logback encoder writing one self-contained line per event, with no header or footer (what both
 * of etcd's log formats are).
 *
 * <p>Threading: Logback calls it under the appender's lock.
 */
abstract class LineEncoder extends EncoderBase<ILoggingEvent> {
  private static final byte[] NONE = new byte[0];

  @Override
  public final byte[] headerBytes() {
    return NONE;
  }

  @Override
  public final byte[] footerBytes() {
    return NONE;
  }
}
