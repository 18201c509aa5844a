package io.etcdj.storage.util;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * A running CRC-32C (Castagnoli) that can start from any previous value, matching Go's {@code
 * crc32.Update(prev, crc32.MakeTable(crc32.Castagnoli), data)} and etcd's {@code pkg/crc.New(prev,
 * table)}.
 *
 * <p>etcd chains one checksum across every WAL record and segment, so the WAL needs to continue
 * from a value read from disk, which {@link CRC32C} (a JVM intrinsic: one instruction per 8 bytes)
 * cannot be told. We seed it instead: for any value {@code v} there is exactly one 4-byte message
 * whose CRC-32C is {@code v} (over 4 bytes the CRC is an invertible affine map), and a fresh {@link
 * CRC32C} fed those 4 bytes is in the same state as Go's hash started at {@code v}. Computing that
 * message runs the CRC's bit steps backwards, 32 of them, once per seed. After that every update is
 * the intrinsic, with no per-record combine step.
 *
 * <p>Values passed in and returned are finished (post-inverted) checksums, as in Go, so a CRC
 * continued from {@code value()} over {@code b} equals the CRC over everything fed so far plus
 * {@code b}, and a fresh instance (seed 0) is the plain CRC-32C.
 *
 * <p>Instances are not thread-safe (one per encoder or decoder); the static methods are.
 */
public final class Crc32c {
  /** The Castagnoli polynomial, bit-reversed, as the reflected CRC uses it. */
  private static final int POLY_REVERSED = 0x82F63B78;

  private final CRC32C crc = new CRC32C();
  private final ByteOutput sink = new CrcSink();

  /** A running CRC whose current value is {@code seed} (0: a plain CRC-32C). */
  public Crc32c(int seed) {
    reset(seed);
  }

  /** Restarts the chain so that {@link #value()} is {@code seed}. */
  public void reset(int seed) {
    crc.reset();
    if (seed != 0) {
      crc.update(preimage(seed));
    }
  }

  /** The running checksum. */
  public int value() {
    return (int) crc.getValue();
  }

  public void update(byte[] b, int off, int len) {
    crc.update(b, off, len);
  }

  /** Feeds {@code bytes} without copying them (the chunks of a rope are fed one by one). */
  public void update(ByteString bytes) {
    try {
      UnsafeByteOperations.unsafeWriteTo(bytes, sink);
    } catch (IOException e) {
      throw new UncheckedIOException("a CRC sink does not fail", e);
    }
  }

  /** The CRC-32C of {@code data} continued from {@code prev} (0 starts a fresh CRC). */
  public static int update(int prev, byte[] data) {
    return update(prev, data, 0, data.length);
  }

  /** The CRC-32C of {@code data[off, off+len)} continued from {@code prev}. */
  public static int update(int prev, byte[] data, int off, int len) {
    Crc32c c = new Crc32c(prev);
    c.update(data, off, len);
    return c.value();
  }

  /**
   * The 4 bytes whose CRC-32C, from a fresh start, is {@code value}. A fresh CRC's register is all
   * ones; feeding a little-endian word {@code w} xors it in and then steps the register 32 times,
   * each step a shift right that xors in the polynomial when the bit shifted out was 1. A step is
   * undone from its result: the polynomial's top bit is 1 and a shift right leaves the top bit 0,
   * so the result's top bit tells whether the polynomial was xored in, and the bit shifted out.
   */
  static byte[] preimage(int value) {
    int c = ~value; // the register after the 4 bytes
    for (int i = 0; i < 32; i++) {
      int out = c >>> 31;
      if (out != 0) {
        c ^= POLY_REVERSED;
      }
      c = (c << 1) | out;
    }
    int w = c ^ 0xFFFFFFFF; // undo the initial all-ones register
    return new byte[] {(byte) w, (byte) (w >>> 8), (byte) (w >>> 16), (byte) (w >>> 24)};
  }

  /** Feeds whatever a ByteString hands out into the CRC. */
  private final class CrcSink extends ByteOutput {
    @Override
    public void write(byte value) {
      crc.update(value);
    }

    @Override
    public void write(byte[] value, int offset, int length) {
      crc.update(value, offset, length);
    }

    @Override
    public void writeLazy(byte[] value, int offset, int length) {
      crc.update(value, offset, length);
    }

    @Override
    public void write(ByteBuffer value) {
      crc.update(value);
    }

    @Override
    public void writeLazy(ByteBuffer value) {
      crc.update(value);
    }
  }
}
