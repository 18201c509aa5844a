package io.etcdj.storage.wal;

import io.etcdj.proto.walpb.Record;
import io.etcdj.storage.util.MemberLogger;
import io.etcdj.storage.util.UninterruptibleFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Truncates a torn last record off a WAL ({@code wal/repair.go}). Only an unexpected end of the
 * last segment is repaired; any other decoding failure is corruption and is left for a human.
 *
 * <p>Stateless; call before opening the WAL (it locks the last segment while it works).
 */
final class WalRepair {
  private WalRepair() {}

  static boolean repair(Path dir, long memberId) {
    return repair(dir, true, memberId);
  }

  static boolean repair(Path dir, boolean fsync) {
    return repair(dir, fsync, 0);
  }

  /** {@code fsync=false} only for tests that repair thousands of throw-away images. */
  static boolean repair(Path dir, boolean fsync, long memberId) {
    MemberLogger log = MemberLogger.of(WalRepair.class, memberId);
    Segment last;
    try {
      List<String> names = WalNames.read(dir);
      last = Segment.openLocked(dir.resolve(names.get(names.size() - 1)), false);
    } catch (IOException e) {
      log.warn("cannot repair WAL {}: {}", dir, e.getMessage());
      return false;
    }
    try (last) {
      log.info("repairing {}", last.path());
      RecordDecoder d = new RecordDecoder(List.of(last));
      while (true) {
        long lastGood = d.lastOffset();
        Record rec;
        try {
          rec = d.decode();
        } catch (WalException e) {
          if (e.error() != WalError.UNEXPECTED_EOF) {
            log.warn("failed to repair {}: {}", last.path(), e.getMessage());
            return false;
          }
          truncate(last, lastGood, fsync, log);
          log.info("repaired {} (torn tail cut at offset {})", last.path(), lastGood);
          return true;
        }
        if (rec == null) {
          log.info("repaired {} (nothing to cut)", last.path());
          return true;
        }
        if (rec.getType() == RecordType.CRC) {
          int expected = d.crc();
          if (expected != 0 && rec.getCrc() != expected) {
            log.warn("failed to repair {}: {}", last.path(), WalError.CRC_MISMATCH.text());
            return false;
          }
          d.updateCrc(rec.getCrc());
        }
      }
    } catch (IOException e) {
      log.warn("failed to repair WAL {}", dir, e);
      return false;
    }
  }

  private static void truncate(Segment seg, long offset, boolean fsync, MemberLogger log)
      throws IOException {
    Path broken = seg.path().resolveSibling(seg.name() + ".broken");
    // Copy through the locked descriptor: opening the file again would drop its lock on close.
    // Both files are uninterruptible, like the WAL's own I/O.
    Files.deleteIfExists(broken);
    try (UninterruptibleFile out = UninterruptibleFile.openOrCreatePrivate(broken)) {
      byte[] buf = new byte[64 * 1024];
      long pos = 0;
      for (int r = seg.read(buf, 0, buf.length, pos);
          r > 0;
          r = seg.read(buf, 0, buf.length, pos)) {
        out.write(buf, 0, r, pos);
        pos += r;
      }
      if (fsync) {
        out.sync();
      }
    }
    seg.truncate(offset);
    if (fsync) {
      seg.sync();
    }
    log.info("kept the torn segment as {}", broken);
  }
}
