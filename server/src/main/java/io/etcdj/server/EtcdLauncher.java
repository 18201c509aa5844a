package io.etcdj.server;

import io.etcdj.embed.Config;
import io.etcdj.embed.Etcd;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcdmain's {@code startEtcdOrProxyV2} for a member: start it, wait until it has joined its
 * cluster, tell systemd, then block until it stops. SIGTERM and SIGINT close it gracefully (etcd's
 * {@code RegisterInterruptHandler(e.Close)}).
 */
final class EtcdLauncher {
  private static final Logger log = LoggerFactory.getLogger("etcdmain");

  private EtcdLauncher() {}

  static int launch(Config config, SdNotify notify) throws Exception {
    Etcd etcd;
    try {
      etcd = Etcd.start(config);
    } catch (Exception e) {
      // etcd 3.4 logs every start-up failure under this message before it exits 1.
      log.atError().addKeyValue("error", String.valueOf(e.getMessage())).log("discovery failed");
      return EtcdMain.EXIT_ERROR;
    }
    Thread hook =
        new Thread(
            () -> {
              try {
                notify.stopping();
              } catch (Exception e) {
                log.debug("sd_notify STOPPING failed", e);
              }
              etcd.close();
            },
            "etcdj-interrupt");
    Runtime.getRuntime().addShutdownHook(hook);
    CompletableFuture<Void> stopped = etcd.stoppedFuture();
    CompletableFuture.anyOf(etcd.readyFuture(), stopped).exceptionally(t -> null).get();
    if (!stopped.isDone()) {
      log.info("ready to serve client requests");
      notify.ready();
    }
    try {
      stopped.get();
      return 0;
    } catch (ExecutionException e) {
      log.atError()
          .addKeyValue("error", String.valueOf(e.getCause().getMessage()))
          .log("listener failed");
      etcd.close();
      return EtcdMain.EXIT_ERROR;
    }
  }
}
