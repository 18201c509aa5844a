package io.etcdj.storage.bbolt;

import static io.etcdj.storage.bbolt.BboltLayout.BRANCH_PAGE;
import static io.etcdj.storage.bbolt.BboltLayout.BUCKET_HEADER;
import static io.etcdj.storage.bbolt.BboltLayout.BUCKET_LEAF;
import static io.etcdj.storage.bbolt.BboltLayout.ELEMENT;
import static io.etcdj.storage.bbolt.BboltLayout.LEAF_PAGE;
import static io.etcdj.storage.bbolt.BboltLayout.META_CHECKSUM_AT;
import static io.etcdj.storage.bbolt.BboltLayout.PAGE_HEADER;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads a bbolt file (one Go's etcd 3.4 wrote, or {@link BboltWriter}'s) bucket by bucket and key
 * by key, in order, one page in memory at a time: the newest valid meta page picks the root, and
 * every top-level bucket's tree is walked depth first. Nested buckets below the top level are not
 * used by etcd and are refused.
 *
 * <p>Errors name what is wrong ({@code bbolt: invalid database}, a page out of bounds, a checksum
 * mismatch), so a truncated or foreign file never half-loads silently.
 *
 * <p>Threading: confined to the caller.
 */
public final class BboltReader implements AutoCloseable {
  /** Receives the file's contents in order. */
  public interface Sink {
    void bucket(byte[] name) throws IOException;

    void entry(byte[] key, byte[] value) throws IOException;
  }

  /** What the chosen meta page says. */
  public record Meta(int pageSize, long rootPage, long freelistPage, long highWater, long txid) {}

  private final FileChannel ch;
  private final Meta meta;

  private BboltReader(FileChannel ch, Meta meta) {
    this.ch = ch;
    this.meta = meta;
  }

  /** Opens {@code file} and picks its meta page, as bbolt's {@code Open} does. */
  public static BboltReader open(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    try {
      return new BboltReader(ch, chooseMeta(ch));
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  public Meta meta() {
    return meta;
  }

  private static Meta chooseMeta(FileChannel ch) throws IOException {
    Meta best = null;
    // Meta 1 sits one page after meta 0; the page size is read from meta 0 first, as bbolt does,
    // falling back to the OS page size when meta 0 is damaged.
    Meta m0 = readMeta(ch, 0);
    int pageSize = m0 != null ? m0.pageSize() : BboltLayout.PAGE_SIZE;
    Meta m1 = readMeta(ch, pageSize);
    for (Meta m : new Meta[] {m0, m1}) {
      if (m != null && (best == null || m.txid() > best.txid())) {
        best = m;
      }
    }
    if (best == null) {
      throw new IOException("bbolt: invalid database");
    }
    return best;
  }

  private static Meta readMeta(FileChannel ch, long at) throws IOException {
    byte[] b = new byte[PAGE_HEADER + 64];
    ByteBuffer buf = ByteBuffer.wrap(b);
    while (buf.hasRemaining()) {
      if (ch.read(buf, at + buf.position()) < 0) {
        return null;
      }
    }
    ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int m = PAGE_HEADER;
    if (le.getInt(m) != BboltLayout.MAGIC || le.getInt(m + 4) != BboltLayout.VERSION) {
      return null;
    }
    if (le.getLong(m + META_CHECKSUM_AT) != BboltLayout.fnv64a(b, m, META_CHECKSUM_AT)) {
      return null;
    }
    return new Meta(
        le.getInt(m + 8),
        le.getLong(m + 16),
        le.getLong(m + 32),
        le.getLong(m + 40),
        le.getLong(m + 48));
  }

  /** Walks every top-level bucket and its keys in byte order. */
  public void read(Sink sink) throws IOException {
    walkBuckets(page(meta.rootPage()), sink);
  }

  private void walkBuckets(ByteBuffer page, Sink sink) throws IOException {
    int flags = page.getShort(8) & 0xffff;
    int count = page.getShort(10) & 0xffff;
    if ((flags & BRANCH_PAGE) != 0) {
      for (int i = 0; i < count; i++) {
        walkBuckets(page(page.getLong(PAGE_HEADER + ELEMENT * i + 8)), sink);
      }
      return;
    }
    for (int i = 0; i < count; i++) {
      int at = PAGE_HEADER + ELEMENT * i;
      if ((page.getInt(at) & BUCKET_LEAF) == 0) {
        throw new IOException("bbolt: a plain key in the root bucket");
      }
      byte[] name = slice(page, at + page.getInt(at + 4), page.getInt(at + 8));
      byte[] value = slice(page, at + page.getInt(at + 4) + name.length, page.getInt(at + 12));
      sink.bucket(name);
      ByteBuffer v = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
      long root = v.getLong(0);
      ByteBuffer tree =
          root == 0
              ? ByteBuffer.wrap(Arrays.copyOfRange(value, BUCKET_HEADER, value.length))
                  .order(ByteOrder.LITTLE_ENDIAN)
              : page(root);
      walkKeys(tree, sink);
    }
  }

  private void walkKeys(ByteBuffer page, Sink sink) throws IOException {
    int flags = page.getShort(8) & 0xffff;
    int count = page.getShort(10) & 0xffff;
    if ((flags & BRANCH_PAGE) != 0) {
      for (int i = 0; i < count; i++) {
        walkKeys(page(page.getLong(PAGE_HEADER + ELEMENT * i + 8)), sink);
      }
      return;
    }
    if ((flags & LEAF_PAGE) == 0) {
      throw new IOException("bbolt: page " + page.getLong(0) + " is neither branch nor leaf");
    }
    for (int i = 0; i < count; i++) {
      int at = PAGE_HEADER + ELEMENT * i;
      if ((page.getInt(at) & BUCKET_LEAF) != 0) {
        throw new IOException("bbolt: nested buckets are not used by etcd");
      }
      int pos = at + page.getInt(at + 4);
      int ksize = page.getInt(at + 8);
      sink.entry(slice(page, pos, ksize), slice(page, pos + ksize, page.getInt(at + 12)));
    }
  }

  /** Page {@code id} with its overflow pages, checked against the high-water mark. */
  private ByteBuffer page(long id) throws IOException {
    if (id < 2 || id >= meta.highWater()) {
      throw new IOException("bbolt: page " + id + " out of bounds: " + meta.highWater());
    }
    long at = id * meta.pageSize();
    ByteBuffer head = ByteBuffer.allocate(PAGE_HEADER).order(ByteOrder.LITTLE_ENDIAN);
    readFully(head, at);
    if (head.getLong(0) != id) {
      throw new IOException("bbolt: page " + id + " has id " + head.getLong(0));
    }
    long overflow = head.getInt(12) & 0xffffffffL;
    long size = (overflow + 1) * meta.pageSize();
    if (size > Integer.MAX_VALUE) {
      throw new IOException("bbolt: page " + id + " too large");
    }
    ByteBuffer p = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    readFully(p, at);
    return p;
  }

  private void readFully(ByteBuffer b, long at) throws IOException {
    while (b.hasRemaining()) {
      if (ch.read(b, at + b.position()) < 0) {
        throw new IOException("bbolt: unexpected end of file at " + (at + b.position()));
      }
    }
  }

  private static byte[] slice(ByteBuffer b, int from, int len) throws IOException {
    if (from < 0 || len < 0 || from + len > b.limit()) {
      throw new IOException("bbolt: element out of its page");
    }
    byte[] out = new byte[len];
    b.get(from, out);
    return out;
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }
}
