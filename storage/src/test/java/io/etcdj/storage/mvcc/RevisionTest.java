package io.etcdj.storage.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.io.BaseEncoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RevisionTest {

  /** etcd TestRevision: byte order of encoded revisions equals revision order. */
  @Test
  void encodedRevisionsSortLikeRevisions() {
    List<Revision> revs =
        List.of(
            new Revision(0, 0),
            new Revision(1, 0),
            new Revision(1, 1),
            new Revision(2, 0),
            new Revision(Long.MAX_VALUE, Long.MAX_VALUE));
    for (int i = 0; i < revs.size() - 1; i++) {
      byte[] a = revs.get(i).toBytes();
      byte[] b = revs.get(i + 1).toBytes();
      assertThat(Arrays.compareUnsigned(a, b)).isNegative();
      assertThat(revs.get(i + 1).greaterThan(revs.get(i))).isTrue();
    }
    for (Revision r : revs) {
      assertThat(Revision.fromBytes(r.toBytes())).isEqualTo(r);
      assertThat(Revision.fromBytes(r.toTombstoneBytes())).isEqualTo(r);
    }
    List<Revision> sorted = new ArrayList<>(revs);
    java.util.Collections.reverse(sorted);
    java.util.Collections.sort(sorted);
    assertThat(sorted).isEqualTo(revs);
  }

  /** Fact sheet 7.4: key 0000000000000003 5f 0000000000000000, tombstone + 74. */
  @Test
  void encodingMatchesEtcdBucketKeys() {
    BaseEncoding hex = BaseEncoding.base16().lowerCase();
    assertThat(hex.encode(new Revision(3, 0).toBytes()))
        .isEqualTo("00000000000000035f0000000000000000");
    byte[] tomb = new Revision(4, 0).toTombstoneBytes();
    assertThat(hex.encode(tomb)).isEqualTo("00000000000000045f000000000000000074");
    assertThat(Revision.isTombstone(tomb)).isTrue();
    assertThat(Revision.isTombstone(new Revision(4, 0).toBytes())).isFalse();
  }

  @Test
  void errorTextsAreEtcds() {
    assertThat(new MvccException(MvccError.COMPACTED))
        .hasMessage("mvcc: required revision has been compacted");
    assertThat(new MvccException(MvccError.FUTURE_REV))
        .hasMessage("mvcc: required revision is a future revision");
    assertThat(new MvccException(MvccError.CANCELED)).hasMessage("mvcc: watcher is canceled");
    assertThat(new MvccException(MvccError.CLOSED)).hasMessage("mvcc: closed");
  }
}
