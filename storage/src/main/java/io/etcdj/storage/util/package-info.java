/** Helpers shared by the WAL and snapshot code: seeded CRC-32C, file purging, directory fsync. */
package io.etcdj.storage.util;
