package io.etcdj.storage.mvcc;

import com.google.protobuf.ByteString;
import java.util.Comparator;
import java.util.function.Consumer;

/**
 * A map from half-open key intervals {@code [begin, end)} to values that answers "which intervals
 * contain this key" in {@code O(log n + matches)}: an AVL tree ordered by (begin, end) where each
 * node also records the largest end in its subtree (the textbook augmented interval tree).
 *
 * <p>Keys compare as etcd's {@code adt.StringAffineComparable} does: unsigned byte order, except
 * that the empty string sorts after every other key. That makes an empty {@code end} mean "to the
 * end of the keyspace" (the {@code WithFromKey} watch), and, as in etcd, an interval whose begin is
 * empty contains nothing.
 *
 * <p>Not thread-safe; owned by its {@link WatcherGroup}, which the watchable store's lock guards.
 */
final class IntervalTree<V> {

  private static final Comparator<ByteString> BYTES =
      ByteString.unsignedLexicographicalComparator();

  private static final class Node<V> {
    final ByteString begin;
    final ByteString end;
    V value;
    Node<V> left;
    Node<V> right;
    int height = 1;
    ByteString maxEnd;

    Node(ByteString begin, ByteString end, V value) {
      this.begin = begin;
      this.end = end;
      this.value = value;
      this.maxEnd = end;
    }
  }

  private Node<V> root;
  private int size;

  /** Compares keys with the empty key treated as larger than every other key. */
  static int compareAffine(ByteString a, ByteString b) {
    if (a.isEmpty()) {
      return b.isEmpty() ? 0 : 1;
    }
    if (b.isEmpty()) {
      return -1;
    }
    return BYTES.compare(a, b);
  }

  /** True if the non-empty {@code point} lies in {@code [begin, end)} under affine order. */
  static boolean contains(ByteString begin, ByteString end, ByteString point) {
    return compareAffine(begin, point) <= 0 && compareAffine(point, end) < 0;
  }

  int size() {
    return size;
  }

  /** The value stored for exactly {@code [begin, end)}, or null. */
  V find(ByteString begin, ByteString end) {
    Node<V> n = root;
    while (n != null) {
      int c = compareIntervals(begin, end, n);
      if (c == 0) {
        return n.value;
      }
      n = c < 0 ? n.left : n.right;
    }
    return null;
  }

  /** Stores {@code value} for {@code [begin, end)}, replacing any value already there. */
  void put(ByteString begin, ByteString end, V value) {
    root = insert(root, begin, end, value);
  }

  /** Removes {@code [begin, end)}; returns whether it was present. */
  boolean delete(ByteString begin, ByteString end) {
    int before = size;
    root = remove(root, begin, end);
    return size < before;
  }

  /** Calls {@code sink} with the value of every interval that contains {@code point}. */
  void stab(ByteString point, Consumer<? super V> sink) {
    stab(root, point, sink);
  }

  /** Whether any interval contains {@code point}. */
  boolean intersects(ByteString point) {
    return anyContaining(root, point);
  }

  private static int compareIntervals(ByteString begin, ByteString end, Node<?> n) {
    int c = compareAffine(begin, n.begin);
    return c != 0 ? c : compareAffine(end, n.end);
  }

  private void stab(Node<V> n, ByteString point, Consumer<? super V> sink) {
    // Every end below n is <= maxEnd: if that does not pass the point, nothing below can hold it.
    if (n == null || compareAffine(n.maxEnd, point) <= 0) {
      return;
    }
    stab(n.left, point, sink);
    if (compareAffine(n.begin, point) > 0) {
      return; // the right subtree begins even later
    }
    if (compareAffine(point, n.end) < 0) {
      sink.accept(n.value);
    }
    stab(n.right, point, sink);
  }

  private boolean anyContaining(Node<V> n, ByteString point) {
    if (n == null || compareAffine(n.maxEnd, point) <= 0) {
      return false;
    }
    if (anyContaining(n.left, point)) {
      return true;
    }
    if (compareAffine(n.begin, point) > 0) {
      return false;
    }
    return compareAffine(point, n.end) < 0 || anyContaining(n.right, point);
  }

  private Node<V> insert(Node<V> n, ByteString begin, ByteString end, V value) {
    if (n == null) {
      size++;
      return new Node<>(begin, end, value);
    }
    int c = compareIntervals(begin, end, n);
    if (c == 0) {
      n.value = value;
      return n;
    }
    if (c < 0) {
      n.left = insert(n.left, begin, end, value);
    } else {
      n.right = insert(n.right, begin, end, value);
    }
    return rebalance(n);
  }

  private Node<V> remove(Node<V> n, ByteString begin, ByteString end) {
    if (n == null) {
      return null;
    }
    int c = compareIntervals(begin, end, n);
    if (c < 0) {
      n.left = remove(n.left, begin, end);
    } else if (c > 0) {
      n.right = remove(n.right, begin, end);
    } else {
      size--;
      if (n.left == null) {
        return n.right;
      }
      if (n.right == null) {
        return n.left;
      }
      Node<V> successor = n.right;
      while (successor.left != null) {
        successor = successor.left;
      }
      Node<V> rightWithoutSuccessor = removeMin(n.right);
      successor.right = rightWithoutSuccessor;
      successor.left = n.left;
      return rebalance(successor);
    }
    return rebalance(n);
  }

  private Node<V> removeMin(Node<V> n) {
    if (n.left == null) {
      return n.right;
    }
    n.left = removeMin(n.left);
    return rebalance(n);
  }

  private static int height(Node<?> n) {
    return n == null ? 0 : n.height;
  }

  private static void update(Node<?> n) {
    n.height = 1 + Math.max(height(n.left), height(n.right));
    ByteString max = n.end;
    if (n.left != null && compareAffine(n.left.maxEnd, max) > 0) {
      max = n.left.maxEnd;
    }
    if (n.right != null && compareAffine(n.right.maxEnd, max) > 0) {
      max = n.right.maxEnd;
    }
    n.maxEnd = max;
  }

  private Node<V> rebalance(Node<V> n) {
    update(n);
    int balance = height(n.left) - height(n.right);
    if (balance > 1) {
      if (height(n.left.left) < height(n.left.right)) {
        n.left = rotateLeft(n.left);
      }
      return rotateRight(n);
    }
    if (balance < -1) {
      if (height(n.right.right) < height(n.right.left)) {
        n.right = rotateRight(n.right);
      }
      return rotateLeft(n);
    }
    return n;
  }

  private Node<V> rotateRight(Node<V> n) {
    Node<V> l = n.left;
    n.left = l.right;
    l.right = n;
    update(n);
    update(l);
    return l;
  }

  private Node<V> rotateLeft(Node<V> n) {
    Node<V> r = n.right;
    n.right = r.left;
    r.left = n;
    update(n);
    update(r);
    return r;
  }
}
