package io.etcdj.storage.backend;

/**
 * Every LMDB reader slot is taken ({@code MDB_READERS_FULL}): too many read transactions and
 * snapshots are open at once. bbolt has no such limit; raise {@link BackendConfig#maxReaders()} or
 * close read transactions sooner. The read was not started; retrying later may succeed.
 *
 * <p>Immutable; thread-safe.
 */
public final class ReadersFullException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  ReadersFullException(int maxReaders, Throwable cause) {
    super(
        "mdb_txn_begin: MDB_READERS_FULL: Environment maxreaders limit reached (max readers "
            + maxReaders
            + "); raise the backend's max readers",
        cause);
  }
}
