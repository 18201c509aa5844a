package io.etcdj.storage.mvcc;

/**
 * What a delete-range did.
 *
 * @param deleted how many keys were deleted
 * @param rev the revision the store will have after the txn: the txn's new revision if it changed
 *     anything (this delete or an earlier change of the same txn), else the unchanged current one
 */
public record DeleteResult(long deleted, long rev) {}
