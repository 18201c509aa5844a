package io.etcdj.storage.mvcc;

import static io.etcdj.storage.mvcc.WatchTesting.bs;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Behaviours of etcd's {@code pkg/adt} interval tree that watcher groups rely on. */
class IntervalTreeTest {

  private static List<String> stab(IntervalTree<String> t, String point) {
    List<String> out = new ArrayList<>();
    t.stab(bs(point), out::add);
    out.sort(null);
    return out;
  }

  @Test
  void stabFindsEveryIntervalContainingThePoint() {
    IntervalTree<String> t = new IntervalTree<>();
    t.put(bs("a"), bs("c"), "a-c");
    t.put(bs("b"), bs("d"), "b-d");
    t.put(bs("c"), bs("e"), "c-e");
    t.put(bs("x"), bs(""), "x-inf");
    assertThat(stab(t, "a")).containsExactly("a-c");
    assertThat(stab(t, "b")).containsExactly("a-c", "b-d");
    assertThat(stab(t, "c")).containsExactly("b-d", "c-e"); // end is exclusive
    assertThat(stab(t, "e")).isEmpty();
    assertThat(stab(t, "x")).containsExactly("x-inf");
    assertThat(stab(t, "\u00ff\u00ff")).containsExactly("x-inf");
    assertThat(t.intersects(bs("e"))).isFalse();
    assertThat(t.intersects(bs("d"))).isTrue();
  }

  @Test
  void emptyBeginSortsLastSoSuchAnIntervalContainsNothing() {
    IntervalTree<String> t = new IntervalTree<>();
    t.put(bs(""), bs("m"), "weird");
    assertThat(stab(t, "a")).isEmpty();
  }

  @Test
  void keysCompareAsUnsignedBytes() {
    IntervalTree<String> t = new IntervalTree<>();
    ByteString high = ByteString.copyFrom(new byte[] {(byte) 0x80});
    ByteString higher = ByteString.copyFrom(new byte[] {(byte) 0x90});
    t.put(high, higher, "hi");
    List<String> out = new ArrayList<>();
    t.stab(ByteString.copyFrom(new byte[] {(byte) 0x85}), out::add);
    assertThat(out).containsExactly("hi");
    out.clear();
    t.stab(bs("a"), out::add);
    assertThat(out).isEmpty();
  }

  @Test
  void findPutAndDeleteWorkOnExactIntervals() {
    IntervalTree<String> t = new IntervalTree<>();
    t.put(bs("a"), bs("b"), "1");
    t.put(bs("a"), bs("c"), "2");
    t.put(bs("a"), bs("b"), "1'");
    assertThat(t.size()).isEqualTo(2);
    assertThat(t.find(bs("a"), bs("b"))).isEqualTo("1'");
    assertThat(t.delete(bs("a"), bs("b"))).isTrue();
    assertThat(t.delete(bs("a"), bs("b"))).isFalse();
    assertThat(t.find(bs("a"), bs("b"))).isNull();
    assertThat(t.find(bs("a"), bs("c"))).isEqualTo("2");
  }

  /** Random inserts and deletes checked against a brute-force list (bounded, seeded). */
  @Test
  void agreesWithBruteForceUnderRandomOperations() {
    Random rnd = new Random(7);
    IntervalTree<String> t = new IntervalTree<>();
    Map<String, String[]> model = new HashMap<>();
    for (int op = 0; op < 3000; op++) {
      String b = key(rnd);
      String e = rnd.nextInt(10) == 0 ? "" : key(rnd);
      String name = b + "|" + e;
      if (rnd.nextInt(3) == 0 && !model.isEmpty()) {
        String victim = new ArrayList<>(model.keySet()).get(rnd.nextInt(model.size()));
        String[] iv = model.remove(victim);
        assertThat(t.delete(bs(iv[0]), bs(iv[1]))).isTrue();
      } else {
        model.put(name, new String[] {b, e});
        t.put(bs(b), bs(e), name);
      }
      assertThat(t.size()).isEqualTo(model.size());
      String p = key(rnd);
      List<String> want = new ArrayList<>();
      for (Map.Entry<String, String[]> en : model.entrySet()) {
        if (IntervalTree.contains(bs(en.getValue()[0]), bs(en.getValue()[1]), bs(p))) {
          want.add(en.getKey());
        }
      }
      want.sort(null);
      assertThat(stab(t, p)).as("stab %s after op %d", p, op).isEqualTo(want);
      assertThat(t.intersects(bs(p))).isEqualTo(!want.isEmpty());
    }
  }

  private static String key(Random rnd) {
    int len = 1 + rnd.nextInt(3);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      sb.append((char) ('a' + rnd.nextInt(6)));
    }
    return sb.toString();
  }
}
