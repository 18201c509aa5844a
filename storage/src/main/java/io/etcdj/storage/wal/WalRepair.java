package io.etcdj.storage.wal;

import io.etcdj.proto.walpb.Record;
import io.etcdj.storage.util.MemberLogger;
import java.io.IOException;
import java.nio.channels.FileChannel;
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
      RecordDecoder d = new RecordDecoder(List.of(last.channel()));
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
    // Copy through the locked channel: opening the file again would drop its lock on close.
    try (FileChannel out =
        FileChannel.open(
            broken,
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.WRITE,
            java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
      FileChannel in = seg.channel();
      long size = in.size();
      long pos = 0;
      while (pos < size) {
        pos += in.transferTo(pos, size - pos, out);
      }
      if (fsync) {
        out.force(true);
      }
    }
    seg.channel().truncate(offset);
    if (fsync) {
      seg.channel().force(true);
    }
    if (Files.exists(broken)) {
      log.info("kept the torn segment as {}", broken);
    }
  }
}
