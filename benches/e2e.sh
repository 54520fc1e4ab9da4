#!/usr/bin/env bash
# End to end, process start to exit, release binary: a typical valid file and the bundled
# example with schema errors (RUNS runs each), and the
# generated 2000-service file (LARGE_RUNS runs).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-200}
cargo build --release --quiet
bin=target/release/composefix
for file in testdata/examples/clean/compose.yaml testdata/examples/kafka/compose.yaml; do
  "$bin" "$file" >/dev/null || true
  start=$(date +%s%N)
  for _ in $(seq "$runs"); do "$bin" --format json "$file" >/dev/null || true; done
  end=$(date +%s%N)
  echo "end to end on $file: $(( (end - start) / runs / 1000 )) µs per run (mean of $runs)"
done

# The generated 2000-service file (about 1 MB), written by the load benchmark.
large=$(mktemp --suffix=.yaml)
trap 'rm -f "$large"' EXIT
cargo bench --quiet --bench load -- --write-large "$large" >/dev/null
large_runs=${LARGE_RUNS:-10}
start=$(date +%s%N)
for _ in $(seq "$large_runs"); do "$bin" --format json "$large" >/dev/null || true; done
end=$(date +%s%N)
echo "end to end on the 2000-service file: $(( (end - start) / large_runs / 1000000 )) ms per run (mean of $large_runs)"
