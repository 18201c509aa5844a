/**
 * The etcd node (Go package {@code etcdserver}), single member for now.
 *
 * <p>For the embed author:
 *
 * <pre>{@code
 * EtcdServerConfig cfg = EtcdServerConfig.builder(name, dataDir, scheduler)
 *     .initialCluster(UrlsMap.parse(flags.initialCluster()))   // ignored when a WAL exists
 *     .initialClusterToken(token).clientUrls(advertiseClientUrls)
 *     .tickMs(heartbeatMs).electionTicks(electionMs / heartbeatMs)
 *     .snapshotCount(n).maxTxnOps(128).maxRequestBytes(1536 * 1024)
 *     .build();
 * EtcdServer server = EtcdServer.start(cfg);          // BootstrapException: name not in cluster
 * server.readyFuture().get();                         // attributes published through raft
 * for (BindableService s : V3Rpc.services(server, storeExecutor)) nettyServerBuilder.addService(s);
 * ...
 * server.stop();                                      // after the gRPC servers stop; idempotent
 * }</pre>
 *
 * <p>{@code scheduler} (ticks, request timeouts, the lease loop) and {@code storeExecutor} (store
 * reads, renewals, replies; never a Netty event loop) belong to the caller, which shuts them down
 * after {@code stop()}. The server owns two threads: the raft loop and the apply loop.
 */
package io.etcdj.etcdserver;
