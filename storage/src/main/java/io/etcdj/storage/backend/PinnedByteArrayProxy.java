package io.etcdj.storage.backend;

import java.util.Comparator;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.provider.MemoryManager;
import org.lmdbjava.BufferProxy;
import org.lmdbjava.ByteArrayProxy;

/**
 * A byte-array buffer proxy that keeps the native copy of each key/value alive until LMDB has used
 * it.
 *
 * <p>Why: lmdbjava 0.9.1's {@code ByteArrayProxy.in} copies the array into jnr-allocated native
 * memory and keeps only its address; the owning {@code Pointer} is then unreachable, so a GC before
 * the {@code mdb_put}/{@code mdb_get} call frees the memory and LMDB reads freed memory. We saw it
 * segfault in {@code mdb_node_search} under allocation pressure (the benchmark). 0.9.2 fixed it by
 * returning the pointer. Here each thread pins its last few allocations in a small ring; one LMDB
 * call uses at most two (key and value), so a ring of 8 outlives every call.
 *
 * <p>Threading: thread-safe; the pins are per thread.
 */
final class PinnedByteArrayProxy extends BufferProxy<byte[]> {
  private static final int RING = 8;

  private final MemoryManager memory = Runtime.getSystemRuntime().getMemoryManager();
  private final ThreadLocal<Ring> pins = ThreadLocal.withInitial(Ring::new);

  /** The last {@link #RING} native copies made on one thread. */
  private static final class Ring {
    final Pointer[] slots = new Pointer[RING];
    int next;

    void pin(Pointer p) {
      slots[next] = p;
      next = (next + 1) % RING;
    }
  }

  @Override
  protected byte[] allocate() {
    return new byte[0];
  }

  @Override
  protected void deallocate(byte[] buffer) {
    // nothing pooled
  }

  @Override
  protected byte[] getBytes(byte[] buffer) {
    return buffer.clone();
  }

  @Override
  protected Comparator<byte[]> getSignedComparator() {
    return ByteArrayProxy::compareArraysSigned;
  }

  @Override
  protected Comparator<byte[]> getUnsignedComparator() {
    return ByteArrayProxy::compareArrays;
  }

  @Override
  protected void in(byte[] buffer, Pointer ptr, long ptrAddr) {
    Pointer copy = memory.allocateDirect(Math.max(1, buffer.length));
    copy.put(0, buffer, 0, buffer.length);
    pins.get().pin(copy);
    ptr.putLong(STRUCT_FIELD_OFFSET_SIZE, buffer.length);
    ptr.putAddress(STRUCT_FIELD_OFFSET_DATA, copy.address());
  }

  @Override
  protected void in(byte[] buffer, int size, Pointer ptr, long ptrAddr) {
    // only used by MDB_RESERVE, which the backend never asks for
  }

  @Override
  protected byte[] out(byte[] buffer, Pointer ptr, long ptrAddr) {
    long address = ptr.getAddress(STRUCT_FIELD_OFFSET_DATA);
    int size = (int) ptr.getLong(STRUCT_FIELD_OFFSET_SIZE);
    byte[] bytes = new byte[size];
    memory.newPointer(address, size).get(0, bytes, 0, size);
    return bytes;
  }
}
