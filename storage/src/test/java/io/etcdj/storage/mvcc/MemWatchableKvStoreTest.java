package io.etcdj.storage.mvcc;

/** The watchable store over the KV store on the in-memory backend. */
class MemWatchableKvStoreTest extends WatchableKvStoreContractTest {
  @Override
  KvBackend newBackend() {
    return new MemKvBackend();
  }

  @Override
  void closeBackends() {}
}
