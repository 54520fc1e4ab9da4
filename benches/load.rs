//! Load + validate benchmark (a plain harness: `cargo bench --bench load`): a typical valid
//! ~3 KB file, the bundled example (whose schema errors need the full validator), and a
//! generated 2000-service file of about 1 MB, with the YAML parse
//! alone for scale. `cargo bench --bench load -- --write-large FILE` only writes the large file
//! (for `benches/e2e.sh`).

mod common;

use common::generated;
use composefix::engine::{self, CheckOptions};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The allocator of the `composefix` binary, so that the numbers are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Runs `f` `n` times and returns the median and minimum duration.
fn measure(n: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[n / 2], times[0])
}

fn check_file(path: &Path) -> usize {
    let opts = CheckOptions {
        files: vec![path.to_path_buf()],
        ..CheckOptions::default()
    };
    engine::check(&opts).expect("check runs").diagnostics.len()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--write-large") {
        let path = args.get(i + 1).expect("--write-large FILE");
        std::fs::write(path, generated(2000)).expect("write");
        return;
    }
    let examples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/examples");
    for (what, path) in [
        ("typical valid file", examples.join("clean/compose.yaml")),
        (
            "example with schema errors",
            examples.join("kafka/compose.yaml"),
        ),
    ] {
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        check_file(&path); // builds what a process builds once
        let (median, min) = measure(200, || {
            check_file(&path);
        });
        println!("{what} ({size} B): median {median:?}, min {min:?} (200 runs, warm)");
    }

    let dir = std::env::temp_dir().join(format!("composefix-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let large = dir.join("compose.yaml");
    std::fs::write(&large, generated(2000)).expect("write");
    let size = std::fs::metadata(&large).map(|m| m.len()).unwrap_or(0);
    let mut findings = 0;
    let (median, min) = measure(10, || findings = check_file(&large));
    println!(
        "2000 services ({size} B): median {median:?}, min {min:?} (10 runs, {findings} findings)"
    );
    let text = generated(2000);
    let limits = composefix::source::Limits::default();
    let (median, min) = measure(10, || {
        composefix::source::parse(&text, &limits).expect("parses");
    });
    println!("2000 services, YAML parse alone: median {median:?}, min {min:?} (10 runs)");
    let _ = std::fs::remove_dir_all(&dir);
}
