package io.etcdj.storage.mvcc;

import io.etcdj.storage.backend.BackendConfig;
import io.etcdj.storage.backend.LmdbBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the LMDB backend; reopen closes and reopens the file (a restart). */
class LmdbKvStoreTest extends KvStoreContractTest {
  @TempDir Path dir;

  private final List<LmdbBackend> open = new ArrayList<>();
  private final IdentityHashMap<KvBackend, Path> paths = new IdentityHashMap<>();
  private int n;

  private KvBackend openAt(Path path) {
    LmdbBackend b = LmdbBackend.open(BackendConfig.builder(path).mapSize(64L << 20).build());
    open.add(b);
    KvBackend kb = new BackendKv(b);
    paths.put(kb, path);
    return kb;
  }

  @Override
  KvBackend newBackend() {
    return openAt(dir.resolve("db" + n++));
  }

  @Override
  KvBackend reopen(KvBackend b) {
    ((BackendKv) b).backend().close();
    return openAt(paths.get(b));
  }

  @Override
  long commits(KvBackend b) {
    return ((BackendKv) b).backend().commits();
  }

  @Override
  void closeBackends() {
    for (LmdbBackend b : open) {
      b.close();
    }
  }
}
