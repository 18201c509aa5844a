package io.etcdj.embed;

import io.etcdj.etcdserver.EtcdServerConfig;
import io.etcdj.etcdserver.types.UrlsMap;
import java.net.URI;
import java.util.concurrent.ScheduledExecutorService;

/** embed's {@code Config} → etcdserver's {@code ServerConfig}, as {@code StartEtcd} builds it. */
final class ServerConfigs {
  private ServerConfigs() {}

  static EtcdServerConfig from(Config cfg, Advertised adv, ScheduledExecutorService scheduler) {
    return EtcdServerConfig.builder(cfg.name(), cfg.effectiveDataDir(), scheduler)
        .initialCluster(UrlsMap.parse(adv.initialCluster()))
        .initialClusterToken(cfg.initialClusterToken())
        .clientUrls(adv.clientUrls().stream().map(URI::toString).toList())
        .tickMs(cfg.tickMs())
        .electionTicks(cfg.electionTicks())
        .snapshotCount(cfg.snapshotCount())
        .maxTxnOps(Math.toIntExact(cfg.maxTxnOps()))
        .maxRequestBytes(cfg.maxRequestBytes())
        .unsafeNoFsync(cfg.unsafeNoFsync())
        .bcryptCost((int) Math.min(Integer.MAX_VALUE, cfg.bcryptCost()))
        .authTokenTtlSeconds(cfg.authTokenTtl())
        .build();
  }
}
