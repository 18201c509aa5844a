package io.etcdj.storage.bbolt;

import static io.etcdj.storage.bbolt.BboltLayout.BRANCH_PAGE;
import static io.etcdj.storage.bbolt.BboltLayout.BUCKET_HEADER;
import static io.etcdj.storage.bbolt.BboltLayout.BUCKET_LEAF;
import static io.etcdj.storage.bbolt.BboltLayout.ELEMENT;
import static io.etcdj.storage.bbolt.BboltLayout.LEAF_PAGE;
import static io.etcdj.storage.bbolt.BboltLayout.MAX_INLINE_BUCKET;
import static io.etcdj.storage.bbolt.BboltLayout.PAGE_HEADER;
import static io.etcdj.storage.bbolt.BboltLayout.PAGE_SIZE;

import io.etcdj.storage.backend.SnapshotEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a backend walk as a bbolt file that Go's bbolt 1.3 (etcd 3.4, {@code etcdctl snapshot
 * status|restore}) opens: two meta pages, then each bucket's B+tree written bottom-up (its leaves
 * in key order, then its branch levels, its root last), then the root bucket's leaf, which is the
 * last page. No freelist page: etcd opens bbolt with {@code NoFreelistSync}, and bbolt rebuilds the
 * free list by scanning when the meta page says none is stored.
 *
 * <p>The meta pages come first but name the root page and the page count, which are known only
 * after the walk, so this encoder needs one planning pass: {@link
 * io.etcdj.storage.backend.BackendSnapshot#size()} is that pass (every pass writes the same number
 * of bytes), after which passes write the real meta pages. Memory: one leaf's entries and the first
 * key of every page of the bucket being written, never the data.
 *
 * <p>Buckets small enough are inlined in the root leaf as bbolt does itself; leaves are packed full
 * (bbolt splits at half, but any fill reads the same).
 *
 * <p>Threading: one instance per snapshot ({@link #forSnapshot()}); passes run one at a time.
 */
public final class BboltWriter implements SnapshotEncoder {
  /** The txid of meta page 0; page 1 holds txid - 1, as bbolt's {@code Tx.WriteTo} writes them. */
  static final long TXID = 2;

  private volatile long plannedPages = -1;

  /** A writer for one snapshot; its planning state is its own. */
  public static BboltWriter create() {
    return new BboltWriter();
  }

  private BboltWriter() {}

  @Override
  public String format() {
    return "bbolt";
  }

  @Override
  public SnapshotEncoder forSnapshot() {
    return new BboltWriter();
  }

  @Override
  public boolean needsPlanningPass() {
    return true;
  }

  @Override
  public Pass begin(OutputStream out) throws IOException {
    return new WritePass(out, plannedPages);
  }

  /** One entry of a page being built: a key and either a value or a child page. */
  private record Element(byte[] key, byte[] value, long child, int flags) {
    int dataSize() {
      return key.length + (value == null ? 0 : value.length);
    }
  }

  private final class WritePass implements Pass {
    private final OutputStream out;
    private final long planned; // -1 while planning: the meta pages are placeholders
    private long nextPage = 2;

    private final List<Element> rootEntries = new ArrayList<>();
    private byte[] bucketName;
    private final List<Element> leaf = new ArrayList<>();
    private int leafBytes;
    private boolean bucketHasPages;
    private final List<Element> children = new ArrayList<>(); // first key → page, this bucket

    WritePass(OutputStream out, long planned) throws IOException {
      this.out = out;
      this.planned = planned;
      long pages = planned < 0 ? 0 : planned;
      long root = planned < 0 ? 0 : planned - 1;
      out.write(BboltLayout.metaPage(0, root, pages, TXID));
      out.write(BboltLayout.metaPage(1, root, pages, TXID - 1));
    }

    @Override
    public void bucket(byte[] name) throws IOException {
      endBucket();
      bucketName = name;
    }

    @Override
    public void entry(byte[] key, byte[] value) throws IOException {
      int add = ELEMENT + key.length + value.length;
      if (!leaf.isEmpty() && PAGE_HEADER + leafBytes + add > PAGE_SIZE) {
        flushLeaf();
      }
      leaf.add(new Element(key, value, 0, 0));
      leafBytes += add;
    }

    private void flushLeaf() throws IOException {
      long id = writePage(LEAF_PAGE, leaf);
      children.add(new Element(leaf.get(0).key(), null, id, 0));
      leaf.clear();
      leafBytes = 0;
      bucketHasPages = true;
    }

    private void endBucket() throws IOException {
      if (bucketName == null) {
        return;
      }
      byte[] header = new byte[BUCKET_HEADER];
      if (!bucketHasPages && PAGE_HEADER + leafBytes <= MAX_INLINE_BUCKET) {
        // bbolt's inline bucket: root 0, then the leaf page itself (page ID 0) in the value.
        byte[] page = pageBytes(0, LEAF_PAGE, leaf, PAGE_HEADER + leafBytes);
        byte[] v = new byte[BUCKET_HEADER + page.length];
        System.arraycopy(page, 0, v, BUCKET_HEADER, page.length);
        rootEntries.add(new Element(bucketName, v, 0, BUCKET_LEAF));
      } else {
        flushLeaf();
        List<Element> level = new ArrayList<>(children);
        while (level.size() > 1) {
          level = writeBranchLevel(level);
        }
        BboltLayout.le(header).putLong(0, level.get(0).child());
        rootEntries.add(new Element(bucketName, header, 0, BUCKET_LEAF));
      }
      bucketName = null;
      leaf.clear();
      leafBytes = 0;
      children.clear();
      bucketHasPages = false;
    }

    private List<Element> writeBranchLevel(List<Element> level) throws IOException {
      List<Element> up = new ArrayList<>();
      List<Element> page = new ArrayList<>();
      int bytes = 0;
      for (Element c : level) {
        int add = ELEMENT + c.key().length;
        if (!page.isEmpty() && PAGE_HEADER + bytes + add > PAGE_SIZE) {
          up.add(new Element(page.get(0).key(), null, writePage(BRANCH_PAGE, page), 0));
          page.clear();
          bytes = 0;
        }
        page.add(c);
        bytes += add;
      }
      up.add(new Element(page.get(0).key(), null, writePage(BRANCH_PAGE, page), 0));
      return up;
    }

    @Override
    public void finish() throws IOException {
      endBucket();
      long root = writePage(LEAF_PAGE, rootEntries);
      if (planned < 0) {
        plannedPages = nextPage;
      } else if (nextPage != planned || root != planned - 1) {
        throw new IOException(
            "bbolt snapshot changed between passes: " + nextPage + " pages, planned " + planned);
      }
    }

    /** Writes {@code elements} as one page (plus overflow pages) and returns its ID. */
    private long writePage(int flags, List<Element> elements) throws IOException {
      int size = PAGE_HEADER;
      for (Element e : elements) {
        size += ELEMENT + e.dataSize();
      }
      long id = nextPage;
      byte[] p = pageBytes(id, flags, elements, size);
      out.write(p);
      nextPage += p.length / PAGE_SIZE;
      return id;
    }

    /**
     * A page image: header, the elements' headers, then their keys and values in order. {@code
     * size} is the used size; page ID 0 with {@code size} under a page means an inline page, which
     * is not padded.
     */
    private byte[] pageBytes(long id, int flags, List<Element> elements, int size) {
      boolean inline = id == 0;
      int pages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
      byte[] p = new byte[inline ? size : Math.max(1, pages) * PAGE_SIZE];
      ByteBuffer b = BboltLayout.le(p);
      b.putLong(0, id);
      b.putShort(8, (short) flags);
      b.putShort(10, (short) elements.size());
      b.putInt(12, inline ? 0 : Math.max(1, pages) - 1);
      int data = PAGE_HEADER + ELEMENT * elements.size();
      for (int i = 0; i < elements.size(); i++) {
        Element e = elements.get(i);
        int at = PAGE_HEADER + ELEMENT * i;
        if (flags == BRANCH_PAGE) {
          b.putInt(at, data - at);
          b.putInt(at + 4, e.key().length);
          b.putLong(at + 8, e.child());
        } else {
          b.putInt(at, e.flags());
          b.putInt(at + 4, data - at);
          b.putInt(at + 8, e.key().length);
          b.putInt(at + 12, e.value().length);
        }
        System.arraycopy(e.key(), 0, p, data, e.key().length);
        data += e.key().length;
        if (e.value() != null) {
          System.arraycopy(e.value(), 0, p, data, e.value().length);
          data += e.value().length;
        }
      }
      return p;
    }
  }
}
