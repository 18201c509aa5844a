package io.etcdj.bench;

import java.time.Duration;

/** A workload runs unmeasured for {@code warmup}, then is measured for {@code measure}. */
record Window(Duration warmup, Duration measure) {}
