/**
 * Computing and validating membership changes: simple changes, entering and leaving joint
 * configurations, and restoring a membership from a ConfState (etcd {@code raft/confchange}). Used
 * on the raft state's thread.
 */
package io.etcdj.raft.confchange;
