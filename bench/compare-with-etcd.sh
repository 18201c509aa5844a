#!/usr/bin/env bash
# Same-machine comparison of etcdj against etcd 3.4.23: runs each of etcd's own Go benchmarks and
# our JMH equivalent of it (same workload, same name) back to back, pair by pair, and prints
#   benchmark | etcd ns/op | etcdj ns/op | etcdj/etcd ratio
# to stdout and to bench-out/results.md. A ratio below 1 means etcdj is faster.
#
# Not part of the test run. Usage:
#   bench/compare-with-etcd.sh [-t SECONDS] [-r ROUNDS] [-f REGEX]
#     -t  measured time per benchmark, for both sides (Go -benchtime, JMH measurement); default 1
#     -r  rounds over all pairs, Go first in odd rounds and JMH first in even ones; each side's
#         figure is the median over rounds; default 2
#     -f  only the benchmarks whose Go name matches REGEX (grep -E)
#
# Needs Go and etcd's Go source as Debian packages it (GOPATH mode, no network):
#   sudo apt-get install -y golang-go golang-etcd-server-dev
set -euo pipefail

BENCHTIME=1
ROUNDS=2
FILTER='.'
while getopts 't:r:f:h' opt; do
  case "$opt" in
    t) BENCHTIME="$OPTARG" ;;
    r) ROUNDS="$OPTARG" ;;
    f) FILTER="$OPTARG" ;;
    *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
if ! [[ "$BENCHTIME" =~ ^[1-9][0-9]*$ ]] || ! [[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]]; then
  echo "error: -t and -r take whole numbers >= 1" >&2
  exit 2
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Where Debian's golang-etcd-server-dev puts etcd's source; the GOPATH is the tree above it.
GO_SRC="${ETCD_GO_SRC:-/usr/share/gocode/src/go.etcd.io/etcd}"
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
(cd "$ROOT" && mvn -B -q -DskipTests -Dspotless.apply.skip=true -Dspotless.check.skip=true \
  -pl raft,storage -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath) >>"$LOG" 2>&1 || {
  echo "error: maven build failed; see $LOG" >&2
  exit 1
}
jmh_cp() { echo "$ROOT/$1/target/test-classes:$ROOT/$1/target/classes:$(cat "$ROOT/$1/target/bench.classpath")"; }

# Go's build cache goes to a temp dir: /usr/share/gocode stays untouched.
export GOPATH="${GO_SRC%/src/go.etcd.io/etcd}" GO111MODULE=off GOFLAGS= GOCACHE="$WORK/gocache"
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
  # etcd's benchmarks leave empty temp dirs behind (os.Remove of the file only): keep them in WORK.
  mkdir -p "$WORK/tmp"
  (cd "$GO_SRC/$pkg" && TMPDIR="$WORK/tmp" "$bin" -test.run '^$' -test.bench "^$name\$" \
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
    rm -f "$csv"
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

fmt_ns() { awk -v v="$1" 'BEGIN { if (v !~ /^[0-9.]+$/) print "n/a"; else if (v >= 100) printf "%.0f", v; else printf "%.1f", v }'; }

# Median of whitespace-separated numbers; empty if none.
median() {
  tr ' ' '\n' <<<"$1" | awk '/^[0-9.]+$/' | sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) exit
    if (NR % 2) printf "%.1f\n", v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Formats each of the whitespace-separated figures of a benchmark's rounds.
per_round() { local out="" x; for x in $1; do out+="$(fmt_ns "$x"), "; done; echo "${out%, }"; }

declare -A GO_NS JMH_NS
SELECTED=()
for pair in "${PAIRS[@]}"; do
  IFS='|' read -r name _ <<<"$pair"
  if grep -Eq -- "$FILTER" <<<"$name"; then
    SELECTED+=("$pair")
    GO_NS[$name]=""
    JMH_NS[$name]=""
  fi
done
if [ "${#SELECTED[@]}" -eq 0 ]; then
  echo "error: no benchmark matches -f '$FILTER'" >&2
  exit 2
fi

START=$(date -u +%s)
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
  for pair in "${SELECTED[@]}"; do
    IFS='|' read -r name pkg module bench mode <<<"$pair"
    # Alternate who goes first so a drift in machine load does not favour one side.
    if [ $((round % 2)) -eq 1 ]; then order="go jmh"; else order="jmh go"; fi
    for side in $order; do
      if [ "$side" = go ]; then
        say "round $round/$ROUNDS $name: etcd (Go)"
        v="$(run_go "$name" "$pkg")"
        GO_NS[$name]+="${v:--} "
      else
        say "round $round/$ROUNDS $name: etcdj (JMH $bench)"
        v="$(run_jmh "$module" "$bench" "$mode")"
        JMH_NS[$name]+="${v:--} "
      fi
      say "  ${v:-failed} ns/op"
    done
  done
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
ELAPSED=$(($(date -u +%s) - START))

TABLE="$WORK/table.md"
DETAIL="$WORK/detail.md"
{
  echo "| benchmark | etcd ns/op | etcdj ns/op | etcdj/etcd ratio |"
  echo "|---|---:|---:|---:|"
} >"$TABLE"
{
  echo "| benchmark | etcd ns/op per round | etcdj ns/op per round |"
  echo "|---|---:|---:|"
} >"$DETAIL"
for pair in "${SELECTED[@]}"; do
  IFS='|' read -r name _ <<<"$pair"
  go_ns="$(median "${GO_NS[$name]}")"
  j_ns="$(median "${JMH_NS[$name]}")"
  ratio="$(awk -v g="$go_ns" -v j="$j_ns" 'BEGIN { if (g == "" || j == "" || g == 0) print "n/a"; else printf "%.2f", j / g }')"
  echo "| $name | $(fmt_ns "$go_ns") | $(fmt_ns "$j_ns") | $ratio |" >>"$TABLE"
  echo "| $name | $(per_round "${GO_NS[$name]}") | $(per_round "${JMH_NS[$name]}") |" >>"$DETAIL"
done

{
  echo "# etcdj vs etcd 3.4.23: same-machine Go benchmarks and JMH equivalents"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); host: $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo))"
  echo "- etcd: $(dpkg-query -W -f='golang-etcd-server-dev ${Version}' golang-etcd-server-dev 2>/dev/null || echo "source at $GO_SRC"), $(go version | awk '{print $3}')"
  echo "- etcdj: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown), $(java -version 2>&1 | head -1)"
  echo "- measured time per benchmark and round: ${BENCHTIME}s each side (BenchmarkOneNode: 3 whole runs of b.N = 100000); $ROUNDS round(s), median reported"
  echo "- load average before/after: $LOAD_BEFORE / $LOAD_AFTER; benchmarks ran for ${ELAPSED}s"
  echo "- ratio = etcdj ns/op / etcd ns/op; below 1 means etcdj is faster"
  echo
  cat "$TABLE"
  echo
  echo "Per round:"
  echo
  cat "$DETAIL"
} >"$OUT/results.md"

echo
cat "$OUT/results.md"
echo
echo "written to $OUT/results.md (raw output in $LOG)"
