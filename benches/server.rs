//! Language-server re-check benchmark (a plain harness: `cargo bench --bench server`): the
//! time from a keystroke (`didChange` of one character) to the last `publishDiagnostics` of
//! its project, through the protocol on an in-memory connection, for a typical file, the
//! generated 2000-service file, and a one-line override of that file (whose base is not
//! parsed again).

mod common;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::json;
use std::path::Path;
use std::time::{Duration, Instant};

/// The allocator of the `composefix` binary, so that the numbers are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn notify(conn: &Connection, method: &str, params: serde_json::Value) {
    let n = Notification::new(method.to_string(), params);
    conn.sender.send(Message::Notification(n)).expect("send");
}

/// Asks for a hover (answered after the pending re-check is published) and waits for the
/// answer; returns how many diagnostics were published meanwhile.
fn barrier(conn: &Connection, id: i32, path: &Path) -> usize {
    let hover = Request::new(
        RequestId::from(id),
        "textDocument/hover".to_string(),
        json!({"textDocument": {"uri": uri(path)}, "position": {"line": 0, "character": 0}}),
    );
    conn.sender.send(Message::Request(hover)).expect("send");
    let mut diagnostics = 0;
    loop {
        match conn
            .receiver
            .recv_timeout(Duration::from_secs(60))
            .expect("the server answers")
        {
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                diagnostics += n.params["diagnostics"].as_array().map_or(0, Vec::len);
            }
            Message::Response(r) if r.id == RequestId::from(id) => return diagnostics,
            _ => {}
        }
    }
}

/// Opens the files of a project (`edited` first), then types and deletes one character at
/// `at` (0-based line and character of `edited`) `n` times: the median and minimum time of
/// a re-check (with its publication and a hover after it), and the diagnostics of the
/// project.
fn bench(files: &[(&Path, &str)], at: (u32, u32), n: usize) -> (Duration, Duration, usize) {
    let (server, client) = Connection::memory();
    let handle = std::thread::spawn(move || composefix::server::serve(&server));
    let init = Request::new(
        RequestId::from(1),
        "initialize".to_string(),
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    client.sender.send(Message::Request(init)).expect("send");
    let _ = client.receiver.recv().expect("initialize result");
    notify(&client, "initialized", json!({}));
    for (path, text) in files {
        notify(
            &client,
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "yaml", "version": 1, "text": text}}),
        );
        barrier(&client, 1000, path);
    }
    let edited = uri(files[0].0);
    let (line, character) = at;
    let mut times = Vec::new();
    let mut diagnostics = 0;
    for i in 0..n {
        let version = i as i32 + 2;
        let (range, text) = if i % 2 == 0 {
            (
                json!({"start": {"line": line, "character": character}, "end": {"line": line, "character": character}}),
                "x",
            )
        } else {
            (
                json!({"start": {"line": line, "character": character}, "end": {"line": line, "character": character + 1}}),
                "",
            )
        };
        let start = Instant::now();
        notify(
            &client,
            "textDocument/didChange",
            json!({"textDocument": {"uri": edited, "version": version}, "contentChanges": [{"range": range, "text": text}]}),
        );
        diagnostics = barrier(&client, i as i32 + 2000, files[0].0);
        times.push(start.elapsed());
    }
    let shutdown = Request::new(RequestId::from(2), "shutdown".to_string(), json!(null));
    client
        .sender
        .send(Message::Request(shutdown))
        .expect("send");
    let _ = client.receiver.recv();
    notify(&client, "exit", json!(null));
    handle.join().expect("server thread").expect("server");
    times.sort();
    (times[n / 2], times[0], diagnostics)
}

fn main() {
    let dir = std::env::temp_dir().join(format!("composefix-server-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let dir = std::fs::canonicalize(&dir).expect("temp dir");

    let typical =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/examples/clean/compose.yaml");
    let text = std::fs::read_to_string(&typical).expect("read");
    let small = dir.join("small/compose.yaml");
    std::fs::create_dir_all(small.parent().expect("dir")).expect("dir");
    std::fs::write(&small, &text).expect("write");
    // `name: shop` ↔ `name: shopx`.
    let (median, min, found) = bench(&[(&small, &text)], (2, 10), 200);
    println!(
        "typical file ({} B), keystroke: median {median:?}, min {min:?} (200 re-checks, {found} diagnostics)",
        text.len()
    );

    let large_dir = dir.join("large");
    std::fs::create_dir_all(&large_dir).expect("dir");
    let large = large_dir.join("compose.yaml");
    let large_text = common::generated(2000);
    std::fs::write(&large, &large_text).expect("write");
    // In the value of the first service's `SERVICE_NAME`.
    let line = large_text
        .lines()
        .position(|l| l.contains("SERVICE_NAME"))
        .expect("line") as u32;
    let (median, min, found) = bench(&[(&large, &large_text)], (line, 20), 20);
    println!(
        "2000 services ({} B), keystroke in it: median {median:?}, min {min:?} (20 re-checks, {found} diagnostics)",
        large_text.len()
    );

    let over = large_dir.join("compose.override.yaml");
    let over_text = "services:\n  svc-0:\n    labels: [\"owner=me\"]\n";
    std::fs::write(&over, over_text).expect("write");
    let (median, min, found) = bench(&[(&over, over_text), (&large, &large_text)], (2, 18), 20);
    println!(
        "2000 services, keystroke in its override: median {median:?}, min {min:?} (20 re-checks, {found} diagnostics)"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
