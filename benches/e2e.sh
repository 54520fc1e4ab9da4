#!/usr/bin/env bash
# End to end, process start to exit: the release binary on the bundled example, N runs.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-200}
cargo build --release --quiet
bin=target/release/composefix
file=testdata/examples/kafka/compose.yaml
"$bin" "$file" >/dev/null || true
start=$(date +%s%N)
for _ in $(seq "$runs"); do "$bin" --format json "$file" >/dev/null || true; done
end=$(date +%s%N)
echo "end to end on $file: $(( (end - start) / runs / 1000 )) µs per run (mean of $runs)"
