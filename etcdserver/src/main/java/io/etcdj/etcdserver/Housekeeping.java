package io.etcdj.etcdserver;

import static java.util.Objects.requireNonNull;

import io.etcdj.etcdserver.v3compactor.Compactor;
import io.etcdj.storage.util.FilePurger;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's background duties besides raft and apply: the auto-compactor (paused unless this
 * member leads, etcd's {@code updateLeadership}), purging old snapshot and WAL files every 30 s
 * (etcd's {@code purgeFile}), and the leader's periodic corruption check (etcd's {@code
 * monitorKVHash}).
 *
 * <p>Threading: {@link #start}, {@link #leadershipChanged} and {@link #stop} from any thread.
 * Timers run on the member's scheduler and hand disk work (purging, hashing) to {@code background},
 * so a slow disk never holds up ticks.
 */
final class Housekeeping {
  private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);

  /** etcd's {@code purgeFileInterval}. */
  static final Duration PURGE_FILE_INTERVAL = Duration.ofSeconds(30);

  private final EtcdServerConfig cfg;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService background;
  private final Compactor compactor;
  private final Function<Executor, CompletableFuture<Void>> hashCheck;
  private final java.util.function.BooleanSupplier isLeader;
  private final Predicate<Path> walHeld;
  private final List<ScheduledFuture<?>> timers = new ArrayList<>();
  private final long memberId;
  private final java.util.concurrent.atomic.AtomicBoolean checking =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * @param compactor null without auto-compaction
   * @param hashCheck the leader's periodic corruption check, hashing on the given executor
   * @param walHeld whether a WAL file is still locked by this member's WAL
   */
  Housekeeping(
      EtcdServerConfig cfg,
      long memberId,
      ExecutorService background,
      Compactor compactor,
      Function<Executor, CompletableFuture<Void>> hashCheck,
      java.util.function.BooleanSupplier isLeader,
      Predicate<Path> walHeld) {
    this.cfg = cfg;
    this.memberId = memberId;
    this.scheduler = cfg.scheduler();
    this.background = requireNonNull(background, "background");
    this.compactor = compactor;
    this.hashCheck = requireNonNull(hashCheck, "hashCheck");
    this.isLeader = requireNonNull(isLeader, "isLeader");
    this.walHeld = requireNonNull(walHeld, "walHeld");
  }

  /** The compactor etcd's {@code NewServer} builds, or null when the retention is zero. */
  static Compactor compactorFor(
      EtcdServerConfig cfg,
      java.util.function.LongSupplier rev,
      Compactor.Compactable c,
      java.util.function.LongSupplier nanoClock) {
    HousekeepingConfig hk = cfg.housekeeping();
    if (hk.autoCompactionRetention().isZero()) {
      return null;
    }
    return Compactor.create(
        hk.autoCompactionMode(), hk.autoCompactionRetention(), rev, c, cfg.scheduler(), nanoClock);
  }

  synchronized void start() {
    HousekeepingConfig hk = cfg.housekeeping();
    if (compactor != null) {
      compactor.pause(); // until this member leads
      compactor.run();
    }
    if (hk.maxSnapFiles() > 0) {
      purge(cfg.snapDir(), "snap.db", hk.maxSnapFiles(), false, p -> false, "snap db");
      purge(cfg.snapDir(), "snap", hk.maxSnapFiles(), false, p -> false, "snap");
    }
    if (hk.maxWalFiles() > 0) {
      purge(cfg.walDir(), "wal", hk.maxWalFiles(), true, walHeld, "wal");
    }
    Duration t = hk.corruptCheckTime();
    if (!t.isZero()) {
      CorruptionCheck.logEnabled(memberId, t);
      timers.add(
          scheduler.scheduleWithFixedDelay(
              this::checkHashKv, t.toNanos(), t.toNanos(), TimeUnit.NANOSECONDS));
    }
  }

  private void checkHashKv() {
    if (!isLeader.getAsBoolean() || !checking.compareAndSet(false, true)) {
      return;
    }
    hashCheck
        .apply(background)
        .whenComplete(
            (ok, err) -> {
              checking.set(false);
              if (err != null) {
                LOG.atWarn()
                    .addKeyValue("error", Failures.message(err))
                    .log("failed to check hash KV");
              }
            });
  }

  /** etcd's {@code PurgeFile} for one directory and suffix; a failure stops that purger. */
  private void purge(
      Path dir, String suffix, long max, boolean flock, Predicate<Path> held, String what) {
    LOG.atInfo()
        .addKeyValue("dir", dir.toString())
        .addKeyValue("suffix", suffix)
        .addKeyValue("max", max)
        .addKeyValue("interval", PURGE_FILE_INTERVAL)
        .log("started to purge file");
    int keep = (int) Math.min(Integer.MAX_VALUE, max);
    ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
    Runnable pass =
        () -> {
          try {
            FilePurger.purgeOnce(dir, suffix, keep, held, flock);
          } catch (IOException e) {
            // etcd exits here (lg.Fatal); we stop purging and keep serving.
            LOG.atError()
                .addKeyValue("error", String.valueOf(e.getMessage()))
                .log("failed to purge " + what + " file");
            synchronized (this) {
              self[0].cancel(false);
            }
          }
        };
    synchronized (this) {
      self[0] =
          scheduler.scheduleWithFixedDelay(
              () -> background.execute(pass),
              0,
              PURGE_FILE_INTERVAL.toNanos(),
              TimeUnit.NANOSECONDS);
      timers.add(self[0]);
    }
  }

  /** etcd's {@code updateLeadership}: only the leader compacts. Reads the current role. */
  synchronized void leadershipChanged() {
    if (compactor == null) {
      return;
    }
    if (isLeader.getAsBoolean()) {
      compactor.resume();
    } else {
      compactor.pause();
    }
  }

  synchronized void stop() {
    if (compactor != null) {
      compactor.stop();
    }
    timers.forEach(t -> t.cancel(false));
    background.shutdown();
  }
}
