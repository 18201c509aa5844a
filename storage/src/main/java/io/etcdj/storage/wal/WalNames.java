package io.etcdj.storage.wal;

import io.etcdj.storage.util.Files2;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WAL segment names {@code %016x-%016x.wal} = (sequence, raft index of the first entry the segment
 * may hold), and the selection rules over them ({@code wal/util.go}).
 *
 * <p>Stateless and thread-safe.
 */
final class WalNames {
  private static final Logger log = LoggerFactory.getLogger(WalNames.class);

  private WalNames() {}

  static String name(long seq, long index) {
    return String.format(Locale.ROOT, "%016x-%016x.wal", seq, index);
  }

  /** A parsed segment name. */
  record Parsed(long seq, long index) {}

  /** Parses a segment name; null when {@code name} is not one. */
  static Parsed parse(String name) {
    if (name.length() != 16 + 1 + 16 + 4 || !name.endsWith(".wal") || name.charAt(16) != '-') {
      return null;
    }
    try {
      long seq = Long.parseUnsignedLong(name.substring(0, 16), 16);
      long index = Long.parseUnsignedLong(name.substring(17, 33), 16);
      return new Parsed(seq, index);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static Parsed mustParse(String name) throws WalException {
    Parsed p = parse(name);
    if (p == null) {
      throw new WalException(WalError.BAD_WAL_NAME, name);
    }
    return p;
  }

  /** The sorted segment names in {@code dir}; throws {@link WalError#FILE_NOT_FOUND} if none. */
  static List<String> read(Path dir) throws IOException {
    List<String> all;
    try {
      all = Files2.sortedNames(dir);
    } catch (NoSuchFileException e) {
      throw new WalException(WalError.FILE_NOT_FOUND, dir.toString(), e);
    }
    List<String> names = new ArrayList<>();
    for (String n : all) {
      if (parse(n) != null) {
        names.add(n);
      } else if (!n.endsWith(".tmp")) {
        log.warn("ignored file in WAL directory: {}", dir.resolve(n));
      }
    }
    if (names.isEmpty()) {
      throw new WalException(WalError.FILE_NOT_FOUND, dir.toString());
    }
    return names;
  }

  /**
   * The position of the last name whose start index is at most {@code index} (the segment that
   * holds the record for that index), or -1.
   */
  static int searchIndex(List<String> names, long index) throws WalException {
    for (int i = names.size() - 1; i >= 0; i--) {
      if (Long.compareUnsigned(index, mustParse(names.get(i)).index()) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** Whether the sequence numbers increase by exactly one from name to name. */
  static boolean isValidSeq(List<String> names) throws WalException {
    long last = 0;
    for (String n : names) {
      long seq = mustParse(n).seq();
      if (last != 0 && last != seq - 1) {
        return false;
      }
      last = seq;
    }
    return true;
  }

  /** Whether {@code dir} holds at least one {@code .wal} file (Go's {@code wal.Exist}). */
  static boolean exist(Path dir) {
    try {
      for (String n : Files2.sortedNames(dir)) {
        if (n.endsWith(".wal")) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }
}
