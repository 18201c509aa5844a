package io.etcdj.etcdserver.v3rpc;

import com.google.protobuf.ByteString;
import io.etcdj.etcdserver.BackendQuota;
import io.etcdj.proto.etcdserverpb.SnapshotResponse;
import io.etcdj.storage.backend.Backend;
import io.etcdj.storage.backend.BackendSnapshot;
import io.etcdj.storage.bbolt.BboltWriter;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Maintenance.Snapshot} ({@code v3rpc/maintenance.go}): the backend as a bbolt file, so Go's
 * {@code etcdctl snapshot save|status|restore} and etcd itself can use it, in 32 KiB messages
 * carrying the bytes still to come, then one more message with the sha256 of all of them, which
 * {@code etcdctl snapshot restore} checks.
 *
 * <p>Each request gets its own sender thread, as etcd gives each a goroutine: the file is produced
 * by walking a pinned read of the backend (a whole pass first, to plan bbolt's meta pages), which
 * may take a while on a large db and must hold neither a Netty event loop nor a store thread. The
 * thread waits on gRPC's flow control (onReady) between messages, so a slow client costs no memory.
 */
final class SnapshotSender implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotSender.class);

  /** etcd's {@code snapshotSendBufferSize}. */
  static final int SEND_BUFFER = 32 * 1024;

  private final BackendSnapshot snap;
  private final ServerCallStreamObserver<SnapshotResponse> out;
  private final Object ready = new Object();
  private volatile boolean cancelled;

  private SnapshotSender(BackendSnapshot snap, ServerCallStreamObserver<SnapshotResponse> out) {
    this.snap = snap;
    this.out = out;
  }

  /** Takes the snapshot now (O(1)) and starts sending it; called on the gRPC call's thread. */
  static void start(Backend backend, StreamObserver<SnapshotResponse> observer) {
    ServerCallStreamObserver<SnapshotResponse> out =
        (ServerCallStreamObserver<SnapshotResponse>) observer;
    BackendSnapshot snap;
    try {
      snap = backend.snapshot(BboltWriter.create());
    } catch (IOException | RuntimeException e) {
      out.onError(GrpcErrors.toStatus(e).asRuntimeException());
      return;
    }
    SnapshotSender s = new SnapshotSender(snap, out);
    out.setOnReadyHandler(s::wake);
    out.setOnCancelHandler(
        () -> {
          s.cancelled = true;
          s.wake();
        });
    Thread t = new Thread(s, "etcdj-snapshot-send");
    t.setDaemon(true);
    t.start();
  }

  private void wake() {
    synchronized (ready) {
      ready.notifyAll();
    }
  }

  @Override
  public void run() {
    try (snap) {
      send();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out.onError(Status.CANCELLED.withDescription("snapshot send interrupted").asException());
    } catch (Exception e) {
      if (!cancelled) {
        LOG.warn("failed to send database snapshot to client", e);
        out.onError(GrpcErrors.toStatus(e).asRuntimeException());
      }
    }
  }

  private void send() throws IOException, InterruptedException, NoSuchAlgorithmException {
    long total = snap.size();
    LOG.info(
        "sending database snapshot to client (total-bytes {}, size {})",
        total,
        BackendQuota.humanBytes(total));
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[SEND_BUFFER];
    long sent = 0;
    try (ReadableByteChannel ch = snap.newChannel()) {
      while (total - sent > 0) {
        int n = readFull(ch, buf);
        sent += n;
        sha.update(buf, 0, n);
        awaitReady();
        if (cancelled) {
          return;
        }
        out.onNext(
            SnapshotResponse.newBuilder()
                .setRemainingBytes(total - sent)
                .setBlob(ByteString.copyFrom(buf, 0, n))
                .build());
        if (n == 0) {
          throw new IOException("snapshot ended after " + sent + " of " + total + " bytes");
        }
      }
    }
    byte[] digest = sha.digest();
    LOG.info(
        "sending database sha256 checksum to client (total-bytes {}, checksum-size {})",
        total,
        digest.length);
    awaitReady();
    if (cancelled) {
      return;
    }
    out.onNext(
        SnapshotResponse.newBuilder()
            .setRemainingBytes(0)
            .setBlob(ByteString.copyFrom(digest))
            .build());
    out.onCompleted();
    LOG.info(
        "successfully sent database snapshot to client (total-bytes {}, size {})",
        total,
        BackendQuota.humanBytes(total));
  }

  private void awaitReady() throws InterruptedException {
    synchronized (ready) {
      while (!cancelled && !out.isReady()) {
        ready.wait(1000); // onReady wakes us; the timeout only guards a missed signal
      }
    }
  }

  /** Like Go's io.ReadFull: fills {@code buf} unless the channel ends first. */
  private static int readFull(ReadableByteChannel ch, byte[] buf) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(buf);
    while (b.hasRemaining()) {
      if (ch.read(b) < 0) {
        break;
      }
    }
    return b.position();
  }
}
