package io.etcdj.etcdserver.v3compactor;

import io.etcdj.storage.mvcc.MvccError;
import io.etcdj.storage.mvcc.MvccException;
import java.util.concurrent.CompletionException;

/** How the compactors read a failed compaction. Stateless. */
final class CompactionErrors {
  private CompactionErrors() {}

  static Throwable cause(Throwable err) {
    Throwable e = err;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** {@code mvcc: required revision has been compacted}: someone compacted further; done. */
  static boolean isCompacted(Throwable err) {
    return cause(err) instanceof MvccException m && m.error() == MvccError.COMPACTED;
  }
}
