package io.etcdj.storage.backend;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

/**
 * etcdj's own snapshot stream format, version 1. All integers are big-endian.
 *
 * <pre>
 * header   "ETCDJSNP" (8 bytes), version u32 = 1
 * bucket   0x01, name length u16, name
 * entry    0x02, key length u32, key, value length u32, value   (belongs to the last bucket)
 * end      0x00, CRC-32C u32 over every byte before this checksum
 * padding  zero bytes up to a multiple of 4096
 * </pre>
 *
 * <p>Why the padding: {@code etcdctl snapshot save} appends a 32-byte sha256 and its restore checks
 * {@code size % 512 == 32}, as it does for bbolt's whole pages.
 *
 * <p>Threading: stateless; each pass or decode is confined to its caller.
 */
public final class EtcdjStreamFormat {
  /** The first eight bytes of every etcdj stream snapshot. */
  public static final byte[] MAGIC = "ETCDJSNP".getBytes(StandardCharsets.US_ASCII);

  static final int VERSION = 1;
  static final int PAD = 4096;
  private static final int END = 0;
  private static final int BUCKET = 1;
  private static final int ENTRY = 2;

  /** The encoder of this format. */
  public static final SnapshotEncoder ENCODER =
      new SnapshotEncoder() {
        @Override
        public String format() {
          return "etcdj-stream-v1";
        }

        @Override
        public Pass begin(OutputStream out) throws IOException {
          return new EncodePass(out);
        }
      };

  private EtcdjStreamFormat() {}

  /** Receives the decoded contents of a stream. */
  interface Sink {
    void bucket(Bucket bucket) throws IOException;

    void entry(byte[] key, byte[] value) throws IOException;
  }

  /** True when {@code head} starts with {@link #MAGIC}. */
  static boolean matches(byte[] head) {
    return head.length >= MAGIC.length && Arrays.equals(head, 0, MAGIC.length, MAGIC, 0, 8);
  }

  /**
   * Decodes a whole stream into {@code sink}, checking the version and the checksum; throws
   * IOException on a malformed or truncated stream.
   */
  static void decode(InputStream raw, Sink sink) throws IOException {
    CRC32C crc = new CRC32C();
    DataInputStream in = new DataInputStream(new CheckedInputStream(raw, crc));
    byte[] magic = new byte[MAGIC.length];
    in.readFully(magic);
    if (!matches(magic)) {
      throw new IOException("not an etcdj snapshot stream");
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException("unsupported etcdj snapshot stream version " + version);
    }
    boolean inBucket = false;
    try {
      while (true) {
        int tag = in.readUnsignedByte();
        if (tag == END) {
          long want = crc.getValue();
          int got = new DataInputStream(raw).readInt();
          if ((int) want != got) {
            throw new IOException("etcdj snapshot stream checksum mismatch");
          }
          return;
        } else if (tag == BUCKET) {
          byte[] name = new byte[in.readUnsignedShort()];
          in.readFully(name);
          sink.bucket(Bucket.fromNameBytes(name));
          inBucket = true;
        } else if (tag == ENTRY) {
          if (!inBucket) {
            throw new IOException("etcdj snapshot stream: entry before any bucket");
          }
          byte[] key = readBlock(in);
          byte[] value = readBlock(in);
          sink.entry(key, value);
        } else {
          throw new IOException("etcdj snapshot stream: bad record tag " + tag);
        }
      }
    } catch (EOFException e) {
      throw new IOException("etcdj snapshot stream truncated", e);
    }
  }

  private static byte[] readBlock(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("etcdj snapshot stream: bad length " + n);
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  private static final class EncodePass implements SnapshotEncoder.Pass {
    private final OutputStream out;
    private final CRC32C crc = new CRC32C();
    private final byte[] word = new byte[4];
    private long written;

    EncodePass(OutputStream out) throws IOException {
      this.out = out;
      write(MAGIC, 0, MAGIC.length);
      writeInt(VERSION);
    }

    @Override
    public void bucket(byte[] name) throws IOException {
      writeByte(BUCKET);
      writeByte(name.length >>> 8);
      writeByte(name.length);
      write(name, 0, name.length);
    }

    @Override
    public void entry(byte[] key, byte[] value) throws IOException {
      writeByte(ENTRY);
      writeInt(key.length);
      write(key, 0, key.length);
      writeInt(value.length);
      write(value, 0, value.length);
    }

    @Override
    public void finish() throws IOException {
      writeByte(END);
      writeInt((int) crc.getValue());
      int pad = (int) ((PAD - written % PAD) % PAD);
      byte[] zeros = new byte[pad];
      out.write(zeros);
    }

    private void writeByte(int b) throws IOException {
      word[0] = (byte) b;
      write(word, 0, 1);
    }

    private void writeInt(int v) throws IOException {
      word[0] = (byte) (v >>> 24);
      word[1] = (byte) (v >>> 16);
      word[2] = (byte) (v >>> 8);
      word[3] = (byte) v;
      write(word, 0, 4);
    }

    private void write(byte[] b, int off, int len) throws IOException {
      crc.update(b, off, len);
      out.write(b, off, len);
      written += len;
    }
  }
}
