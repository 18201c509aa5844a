package io.etcdj.storage.wal;

import java.io.IOException;

/**
 * Named places in the WAL's write path where a crash test can stop the process (our counterpart of
 * etcd's gofail points). Called on the WAL's owner thread.
 */
@FunctionalInterface
interface FaultPoints {
  FaultPoints NONE = name -> {};

  void reach(String name) throws IOException;
}
