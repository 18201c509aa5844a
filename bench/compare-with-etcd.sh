#!/usr/bin/env bash
# Same-machine comparison of etcdj against etcd 3.4.23: runs each of etcd's own Go benchmarks and
# our JMH equivalent of it (same workload, same name) back to back, pair by pair, and prints
#   benchmark | etcd ns/op | etcdj ns/op | etcdj/etcd ratio
# to stdout and to bench-out/results.md. A ratio below 1 means etcdj is faster.
#
# Not part of the test run. Usage:
#   bench/compare-with-etcd.sh [-t SECONDS] [-f REGEX]
#     -t  measured time per benchmark, for both sides (Go -benchtime, JMH measurement); default 1
#     -f  only the benchmarks whose Go name matches REGEX (grep -E)
#
# Needs Go and etcd's Go source as Debian packages it (GOPATH mode, no network):
#   sudo apt-get install -y golang-go golang-etcd-server-dev
set -euo pipefail

BENCHTIME=1
FILTER='.'
while getopts 't:f:h' opt; do
  case "$opt" in
    t) BENCHTIME="$OPTARG" ;;
    f) FILTER="$OPTARG" ;;
    *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
if ! [[ "$BENCHTIME" =~ ^[0-9]+$ ]] || [ "$BENCHTIME" -lt 1 ]; then
  echo "error: -t takes a whole number of seconds >= 1" >&2
  exit 2
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GO_SRC=/usr/share/gocode/src/go.etcd.io/etcd
APT_HINT='install them with: sudo apt-get install -y golang-go golang-etcd-server-dev'

# ---- prerequisites ---------------------------------------------------------------------------
if ! command -v go >/dev/null 2>&1; then
  echo "error: the Go toolchain (go) is not installed; $APT_HINT" >&2
  exit 3
fi
for pkg in raft wal mvcc mvcc/backend; do
  if [ ! -d "$GO_SRC/$pkg" ]; then
    echo "error: etcd's Go source is missing ($GO_SRC/$pkg not found); $APT_HINT" >&2
    exit 3
  fi
done
for tool in java mvn awk; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "error: $tool is required" >&2
    exit 3
  fi
done

OUT="$ROOT/bench-out"
mkdir -p "$OUT"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/etcdj-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
LOG="$OUT/run.log"
: >"$LOG"

say() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$LOG" >&2; }

# ---- build both sides --------------------------------------------------------------------------
say "building etcdj test classes and classpaths (mvn test-compile)"
(cd "$ROOT" && mvn -B -q -DskipTests -pl raft,storage -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath) >>"$LOG" 2>&1 || {
  echo "error: maven build failed; see $LOG" >&2
  exit 1
}
jmh_cp() { echo "$ROOT/$1/target/test-classes:$ROOT/$1/target/classes:$(cat "$ROOT/$1/target/bench.classpath")"; }

# Go's build cache goes to a temp dir: /usr/share/gocode stays untouched.
export GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS= GOCACHE="$WORK/gocache"
say "compiling etcd's Go test binaries ($(go version | awk '{print $3}'))"
for pkg in raft wal mvcc mvcc/backend; do
  bin="$WORK/go-$(echo "$pkg" | tr / -).test"
  (cd "$GO_SRC/$pkg" && go test -c -o "$bin" .) >>"$LOG" 2>&1 || {
    echo "error: 'go test -c' failed in $GO_SRC/$pkg; see $LOG" >&2
    exit 1
  }
done

# ---- the pairs -----------------------------------------------------------------------------------
# Go name | Go package | etcdj module | JMH benchmark (class.method) | JMH mode
PAIRS=(
  "BenchmarkBackendPut|mvcc/backend|storage|BackendBench.BenchmarkBackendPut|avgt"
  "BenchmarkWrite100EntryWithoutBatch|wal|storage|WalBench.BenchmarkWrite100EntryWithoutBatch|avgt"
  "BenchmarkWrite100EntryBatch10|wal|storage|WalBench.BenchmarkWrite100EntryBatch10|avgt"
  "BenchmarkWrite100EntryBatch100|wal|storage|WalBench.BenchmarkWrite100EntryBatch100|avgt"
  "BenchmarkWrite100EntryBatch500|wal|storage|WalBench.BenchmarkWrite100EntryBatch500|avgt"
  "BenchmarkWrite100EntryBatch1000|wal|storage|WalBench.BenchmarkWrite100EntryBatch1000|avgt"
  "BenchmarkWrite1000EntryWithoutBatch|wal|storage|WalBench.BenchmarkWrite1000EntryWithoutBatch|avgt"
  "BenchmarkWrite1000EntryBatch10|wal|storage|WalBench.BenchmarkWrite1000EntryBatch10|avgt"
  "BenchmarkWrite1000EntryBatch100|wal|storage|WalBench.BenchmarkWrite1000EntryBatch100|avgt"
  "BenchmarkWrite1000EntryBatch500|wal|storage|WalBench.BenchmarkWrite1000EntryBatch500|avgt"
  "BenchmarkWrite1000EntryBatch1000|wal|storage|WalBench.BenchmarkWrite1000EntryBatch1000|avgt"
  "BenchmarkStorePut|mvcc|storage|MvccBench.BenchmarkStorePut|avgt"
  "BenchmarkStoreRangeKey1|mvcc|storage|MvccBench.BenchmarkStoreRangeKey1|avgt"
  "BenchmarkOneNode|raft|raft|OneNodeBench.BenchmarkOneNode|ss"
)

# Runs one Go benchmark; prints its ns/op.
run_go() {
  local name="$1" pkg="$2" bin
  bin="$WORK/go-$(echo "$pkg" | tr / -).test"
  local out="$WORK/go-$name.txt"
  (cd "$GO_SRC/$pkg" && "$bin" -test.run '^$' -test.bench "^$name\$" \
    -test.benchtime "${BENCHTIME}s") >"$out" 2>&1 || true
  cat "$out" >>"$LOG"
  # The result line may be split from the name by the package's own log output: take the figure
  # before the last "ns/op" (one benchmark per run).
  awk '{ for (i = 2; i <= NF; i++) if ($i == "ns/op") print $(i-1) }' "$out" | tail -1
}

# Runs one JMH benchmark in a fresh fork; prints its ns/op. AverageTime benchmarks get one
# warm-up and one measured iteration of BENCHTIME seconds each, a fresh state per iteration as Go
# has per b.N run. SingleShot ones (a whole Go benchmark call per invocation) run 1 + 3 times.
run_jmh() {
  local module="$1" bench="$2" mode="$3" csv="$WORK/jmh-$2.csv" tries=0 out
  local timing=(-wi 1 -w "${BENCHTIME}s" -i 1 -r "${BENCHTIME}s")
  if [ "$mode" = ss ]; then
    timing=(-wi 1 -i 3)
  fi
  while true; do
    out="$(java -cp "$(jmh_cp "$module")" org.openjdk.jmh.Main "\\.$bench\$" -f 1 "${timing[@]}" \
      -rf csv -rff "$csv" 2>&1)" || true
    echo "$out" >>"$LOG"
    # JMH refuses to run while another JMH run holds /tmp/jmh.lock (e.g. a colleague's): wait.
    if grep -q 'Unable to acquire the JMH lock' <<<"$out" && [ "$tries" -lt 60 ]; then
      tries=$((tries + 1))
      say "  another JMH run holds the lock; waiting"
      sleep 10
      continue
    fi
    break
  done
  [ -f "$csv" ] && awk -F, 'NR == 2 { printf "%.1f\n", $5 }' "$csv"
}

fmt_ns() { awk -v v="$1" 'BEGIN { if (v == "") print "n/a"; else if (v >= 100) printf "%.0f", v; else printf "%.1f", v }'; }

TABLE="$WORK/table.md"
{
  echo "| benchmark | etcd ns/op | etcdj ns/op | etcdj/etcd ratio |"
  echo "|---|---:|---:|---:|"
} >"$TABLE"

START=$(date -u +%s)
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
for pair in "${PAIRS[@]}"; do
  IFS='|' read -r name pkg module bench mode <<<"$pair"
  if ! grep -Eq -- "$FILTER" <<<"$name"; then
    continue
  fi
  say "$name: etcd (Go)"
  go_ns="$(run_go "$name" "$pkg")"
  say "$name: etcdj (JMH $bench)"
  j_ns="$(run_jmh "$module" "$bench" "$mode")"
  ratio="$(awk -v g="$go_ns" -v j="$j_ns" 'BEGIN { if (g == "" || j == "" || g == 0) print "n/a"; else printf "%.2f", j / g }')"
  row="| $name | $(fmt_ns "$go_ns") | $(fmt_ns "$j_ns") | $ratio |"
  echo "$row" >>"$TABLE"
  say "  $row"
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
ELAPSED=$(($(date -u +%s) - START))

{
  echo "# etcdj vs etcd 3.4.23: same-machine Go benchmarks and JMH equivalents"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); host: $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo))"
  echo "- etcd: $(dpkg-query -W -f='golang-etcd-server-dev ${Version}' golang-etcd-server-dev 2>/dev/null || echo "source at $GO_SRC"), $(go version | awk '{print $3}')"
  echo "- etcdj: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown), $(java -version 2>&1 | head -1)"
  echo "- measured time per benchmark: ${BENCHTIME}s each side (BenchmarkOneNode: 3 whole runs of b.N = 100000)"
  echo "- load average before/after: $LOAD_BEFORE / $LOAD_AFTER; pairs run back to back in ${ELAPSED}s"
  echo "- ratio = etcdj ns/op / etcd ns/op; below 1 means etcdj is faster"
  echo
  cat "$TABLE"
} >"$OUT/results.md"

echo
cat "$OUT/results.md"
echo
echo "written to $OUT/results.md (raw output in $LOG)"
