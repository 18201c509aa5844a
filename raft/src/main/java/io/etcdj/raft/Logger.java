package io.etcdj.raft;

import com.google.errorprone.annotations.FormatMethod;
import com.google.errorprone.annotations.FormatString;

/**
 * The tiny logging hook the raft library writes through (etcd {@code raft/logger.go}). The core has
 * no logging framework; the embedding server adapts this to SLF4J. Messages use {@link
 * String#format} templates and carry the same facts etcd logs (member IDs in hex, term, index).
 *
 * <p>Implementations must be safe to call from the thread that owns the raft state; {@link Node}
 * also calls {@link #warn} from caller threads when it drops a tick.
 */
public interface Logger {

  /** Discards everything. */
  Logger NOOP =
      new Logger() {
        @Override
        public void debug(String format, Object... args) {}

        @Override
        public void info(String format, Object... args) {}

        @Override
        public void warn(String format, Object... args) {}

        @Override
        public void error(String format, Object... args) {}
      };

  @FormatMethod
  void debug(@FormatString String format, Object... args);

  @FormatMethod
  void info(@FormatString String format, Object... args);

  @FormatMethod
  void warn(@FormatString String format, Object... args);

  @FormatMethod
  void error(@FormatString String format, Object... args);
}
