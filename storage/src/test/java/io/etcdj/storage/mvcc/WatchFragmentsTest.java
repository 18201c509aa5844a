package io.etcdj.storage.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcdj.proto.etcdserverpb.ResponseHeader;
import io.etcdj.proto.etcdserverpb.WatchResponse;
import io.etcdj.proto.mvccpb.Event;
import io.etcdj.proto.mvccpb.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fragmentation as in etcd's v3rpc {@code sendFragments} (tested there by TestV3WatchFragment*).
 */
class WatchFragmentsTest {

  private static Event event(int i, int valueSize) {
    return Event.newBuilder()
        .setKv(
            KeyValue.newBuilder()
                .setKey(ByteString.copyFromUtf8("key" + i))
                .setValue(ByteString.copyFrom(new byte[valueSize]))
                .setModRevision(10 + i))
        .build();
  }

  private static WatchResponse response(int events, int valueSize) {
    WatchResponse.Builder b =
        WatchResponse.newBuilder()
            .setHeader(ResponseHeader.newBuilder().setClusterId(7).setRevision(99))
            .setWatchId(3);
    for (int i = 0; i < events; i++) {
      b.addEvents(event(i, valueSize));
    }
    return b.build();
  }

  /** etcd's algorithm verbatim in behaviour: re-measure the whole fragment after each append. */
  private static List<WatchResponse> reference(WatchResponse wr, int max) {
    if (wr.getSerializedSize() < max || wr.getEventsCount() < 2) {
      return List.of(wr);
    }
    List<WatchResponse> out = new ArrayList<>();
    int idx = 0;
    while (true) {
      WatchResponse.Builder cur = wr.toBuilder().clearEvents().setFragment(true);
      for (int i = idx; i < wr.getEventsCount(); i++) {
        cur.addEvents(wr.getEvents(i));
        if (cur.getEventsCount() > 1 && cur.build().getSerializedSize() >= max) {
          cur.removeEvents(cur.getEventsCount() - 1);
          break;
        }
        idx++;
      }
      if (idx == wr.getEventsCount()) {
        cur.setFragment(false);
      }
      out.add(cur.build());
      if (!cur.getFragment()) {
        return out;
      }
    }
  }

  @Test
  void storeResponseMapsToTheWireAsV3rpcDoes() {
    io.etcdj.storage.mvcc.WatchResponse events =
        io.etcdj.storage.mvcc.WatchResponse.ofEvents(4, List.of(event(1, 3)), 11);
    WatchResponse wire = events.toProto(7, 8, 9);
    assertThat(wire.getHeader())
        .isEqualTo(
            ResponseHeader.newBuilder()
                .setClusterId(7)
                .setMemberId(8)
                .setRevision(11)
                .setRaftTerm(9)
                .build());
    assertThat(wire.getWatchId()).isEqualTo(4);
    assertThat(wire.getEventsList()).containsExactly(event(1, 3));
    assertThat(wire.getCanceled()).isFalse();

    WatchResponse compacted = io.etcdj.storage.mvcc.WatchResponse.compacted(4, 5).toProto(7, 8, 9);
    assertThat(compacted.getCompactRevision()).isEqualTo(5);
    assertThat(compacted.getCanceled()).isTrue();
    assertThat(compacted.getHeader().getRevision()).isZero();
  }

  @Test
  void smallResponseIsSentWhole() {
    WatchResponse wr = response(3, 10);
    assertThat(WatchFragments.split(wr, 10_000)).containsExactly(wr);
  }

  @Test
  void singleHugeEventIsNeverSplit() {
    WatchResponse wr = response(1, 5000);
    assertThat(WatchFragments.split(wr, 100)).containsExactly(wr);
  }

  @Test
  void largeResponseIsSplitUnderTheLimitWithFragmentFlagOnAllButTheLast() {
    WatchResponse wr = response(10, 100);
    List<WatchResponse> parts = WatchFragments.split(wr, 400);
    assertThat(parts).hasSizeGreaterThan(1);
    List<Event> joined = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      WatchResponse p = parts.get(i);
      assertThat(p.getFragment()).isEqualTo(i < parts.size() - 1);
      assertThat(p.getWatchId()).isEqualTo(3);
      assertThat(p.getHeader()).isEqualTo(wr.getHeader());
      if (p.getEventsCount() > 1) {
        assertThat(p.getSerializedSize()).isLessThan(400);
      }
      joined.addAll(p.getEventsList());
    }
    assertThat(joined).isEqualTo(wr.getEventsList());
  }

  @Test
  void matchesEtcdsAlgorithmOnRandomResponses() {
    Random rnd = new Random(42);
    for (int round = 0; round < 200; round++) {
      WatchResponse.Builder b = WatchResponse.newBuilder().setWatchId(rnd.nextInt(5));
      int n = rnd.nextInt(12);
      for (int i = 0; i < n; i++) {
        b.addEvents(event(i, rnd.nextInt(300)));
      }
      WatchResponse wr = b.build();
      int max = 20 + rnd.nextInt(1200);
      assertThat(WatchFragments.split(wr, max)).as("round %d", round).isEqualTo(reference(wr, max));
    }
  }
}
