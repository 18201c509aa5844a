/**
 * The server's one handle on raft's durable state: WAL + snapshot files + received snapshot
 * databases behind etcd's {@code etcdserver.Storage} ({@code etcdserver/storage.go}), and the
 * restart path that reads them back ({@code etcdserver/server.go} {@code NewServer} /{@code
 * restartNode}, {@code storage.go#readWAL}). See {@link io.etcdj.storage.raftstore.RaftStorage} for
 * the rules a raft loop must follow.
 */
package io.etcdj.storage.raftstore;
