/**
 * Raft snapshot files ({@code .snap}) and received backend databases ({@code .snap.db}), as etcd
 * 3.4 keeps them in {@code member/snap} ({@code etcdserver/api/snap}). Entry points: {@link
 * io.etcdj.storage.snap.Snapshotter} and {@link io.etcdj.storage.snap.SnapDb}.
 */
package io.etcdj.storage.snap;
