package io.etcdj.bench;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.SettableFuture;
import com.google.protobuf.ByteString;
import io.etcdj.proto.etcdserverpb.KVGrpc;
import io.etcdj.proto.etcdserverpb.LeaseGrantRequest;
import io.etcdj.proto.etcdserverpb.LeaseGrpc;
import io.etcdj.proto.etcdserverpb.LeaseKeepAliveRequest;
import io.etcdj.proto.etcdserverpb.LeaseKeepAliveResponse;
import io.etcdj.proto.etcdserverpb.PutRequest;
import io.etcdj.proto.etcdserverpb.RangeRequest;
import io.etcdj.proto.etcdserverpb.RequestOp;
import io.etcdj.proto.etcdserverpb.TxnRequest;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The workloads, after etcd 3.4's tools/benchmark commands and their defaults: {@code put}
 * (--key-size 8, --val-size 8, --key-space-size 1, so every put writes the key of eight zero
 * bytes), {@code range foo} with --consistency l and s, a txn-mixed of 4 reads to 1 write (one
 * Range or Put per Txn, on the put key), {@code lease keepalive} (one LeaseGrant with TTL 100 per
 * client, then a fresh LeaseKeepAlive stream per request, as clientv3's KeepAliveOnce) and {@code
 * watch} (10 streams of 100 watchers on one key).
 */
final class Workloads {
  /** etcd's benchmark: {@code binary.PutVarint(k, 0)} into 8 zero bytes. */
  static final ByteString PUT_KEY = ByteString.copyFrom(new byte[8]);

  static final ByteString RANGE_KEY = ByteString.copyFromUtf8("foo");
  private static final long DEADLINE_SECONDS = 30;

  private Workloads() {}

  /** All workloads in run order; {@code random} draws the put value once, as etcd does. */
  static List<Workload> all(Random random) {
    byte[] value = new byte[8];
    random.nextBytes(value);
    PutRequest put =
        PutRequest.newBuilder().setKey(PUT_KEY).setValue(ByteString.copyFrom(value)).build();
    RangeRequest linearizable = RangeRequest.newBuilder().setKey(RANGE_KEY).build();
    RangeRequest serializable = linearizable.toBuilder().setSerializable(true).build();
    RangeRequest readPutKey = RangeRequest.newBuilder().setKey(PUT_KEY).build();
    TxnRequest txnRead =
        TxnRequest.newBuilder()
            .addSuccess(RequestOp.newBuilder().setRequestRange(readPutKey))
            .build();
    TxnRequest txnWrite =
        TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestPut(put)).build();
    RequestWorkload.Setup nothing = c -> {};
    RequestWorkload.Setup writeKeys =
        c -> {
          KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(c.forClient(0));
          kv.put(
              PutRequest.newBuilder()
                  .setKey(RANGE_KEY)
                  .setValue(ByteString.copyFromUtf8("bar"))
                  .build());
          kv.put(put);
        };
    return List.of(
        new RequestWorkload(
            "put-1", "put, 1 client, 1 conn", 1, 1, nothing, (c, i) -> putCall(c, i, put)),
        new RequestWorkload(
            "put-100",
            "put, 100 clients, 10 conns",
            100,
            10,
            nothing,
            (c, i) -> putCall(c, i, put)),
        new RequestWorkload(
            "range-l",
            "range linearizable, 100 clients, 10 conns",
            100,
            10,
            writeKeys,
            (c, i) -> rangeCall(c, i, linearizable)),
        new RequestWorkload(
            "range-s",
            "range serializable, 100 clients, 10 conns",
            100,
            10,
            writeKeys,
            (c, i) -> rangeCall(c, i, serializable)),
        new RequestWorkload(
            "txn-mixed",
            "txn-mixed 4 reads : 1 write, 100 clients, 10 conns",
            100,
            10,
            writeKeys,
            (c, i) -> {
              KVGrpc.KVFutureStub kv = KVGrpc.newFutureStub(c.forClient(i));
              return seq ->
                  kv.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                      .txn(seq % 5 == 4 ? txnWrite : txnRead);
            }),
        new RequestWorkload(
            "lease-keepalive",
            "lease keepalive, 100 clients, 10 conns",
            100,
            10,
            nothing,
            Workloads::keepAliveCall),
        new WatchFanout(10, 100));
  }

  private static ClosedLoop.Call putCall(Connections c, int i, PutRequest put) {
    KVGrpc.KVFutureStub kv = KVGrpc.newFutureStub(c.forClient(i));
    return seq -> kv.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).put(put);
  }

  private static ClosedLoop.Call rangeCall(Connections c, int i, RangeRequest range) {
    KVGrpc.KVFutureStub kv = KVGrpc.newFutureStub(c.forClient(i));
    return seq -> kv.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).range(range);
  }

  private static ClosedLoop.Call keepAliveCall(Connections c, int i) {
    long id =
        LeaseGrpc.newBlockingStub(c.forClient(i))
            .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
            .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(100).build())
            .getID();
    LeaseKeepAliveRequest request = LeaseKeepAliveRequest.newBuilder().setID(id).build();
    LeaseGrpc.LeaseStub lease = LeaseGrpc.newStub(c.forClient(i));
    return seq -> keepAliveOnce(lease, request);
  }

  // One stream per keepalive: send the request, take the first answer, half-close.
  private static ListenableFuture<LeaseKeepAliveResponse> keepAliveOnce(
      LeaseGrpc.LeaseStub lease, LeaseKeepAliveRequest request) {
    SettableFuture<LeaseKeepAliveResponse> answer = SettableFuture.create();
    KeepAliveObserver observer = new KeepAliveObserver(answer);
    StreamObserver<LeaseKeepAliveRequest> requests =
        lease.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).leaseKeepAlive(observer);
    observer.requests = requests;
    requests.onNext(request);
    return answer;
  }

  /** The answer side of one keepalive stream; called on the stream's event loop. */
  private static final class KeepAliveObserver implements StreamObserver<LeaseKeepAliveResponse> {
    private final SettableFuture<LeaseKeepAliveResponse> answer;
    volatile StreamObserver<LeaseKeepAliveRequest> requests;

    KeepAliveObserver(SettableFuture<LeaseKeepAliveResponse> answer) {
      this.answer = answer;
    }

    @Override
    public void onNext(LeaseKeepAliveResponse response) {
      if (answer.set(response)) {
        requests.onCompleted();
      }
    }

    @Override
    public void onError(Throwable t) {
      answer.setException(t);
    }

    @Override
    public void onCompleted() {
      answer.setException(new IllegalStateException("keepalive stream closed without an answer"));
    }
  }
}
