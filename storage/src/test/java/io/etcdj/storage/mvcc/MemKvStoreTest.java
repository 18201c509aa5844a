package io.etcdj.storage.mvcc;

/** The store contract on the in-memory backend. */
class MemKvStoreTest extends KvStoreContractTest {
  @Override
  KvBackend newBackend() {
    return new MemKvBackend();
  }

  @Override
  KvBackend reopen(KvBackend b) {
    return b;
  }

  @Override
  long commits(KvBackend b) {
    return ((MemKvBackend) b).commits.get();
  }

  @Override
  void closeBackends() {}
}
