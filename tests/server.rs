//! `composefix server` driven over its protocol, in-process (lsp-server's in-memory
//! connection): initialize, open the Kafka example, diagnostics with UTF-16 ranges, a quick
//! fix applied and its finding gone, a change, a suppression, hover and definition.

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use lsp_types::{
    CodeAction, Diagnostic, Hover, HoverContents, Location, Position, PublishDiagnosticsParams,
    Range, TextEdit, Uri, WorkspaceEdit,
};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// The client's end of a server running on a thread.
struct Client {
    conn: Connection,
    server: Option<std::thread::JoinHandle<Result<(), String>>>,
    next_id: i32,
}

fn uri(path: &Path) -> Uri {
    Uri::from_str(&format!("file://{}", path.display())).unwrap()
}

impl Client {
    /// Starts a server and initializes it; `utf8` offers the UTF-8 position encoding.
    fn start(utf8: bool) -> (Client, Value) {
        let (server, client) = Connection::memory();
        let handle = std::thread::spawn(move || composefix::server::serve(&server));
        let mut c = Client {
            conn: client,
            server: Some(handle),
            next_id: 1,
        };
        let encodings = if utf8 {
            json!(["utf-16", "utf-8"])
        } else {
            json!(["utf-16"])
        };
        let init = c.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "capabilities": {"general": {"positionEncodings": encodings}},
            }),
        );
        c.notify("initialized", json!({}));
        (c, init)
    }

    fn notify(&self, method: &str, params: Value) {
        let n = Notification::new(method.to_string(), params);
        self.conn.sender.send(Message::Notification(n)).unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = RequestId::from(self.next_id);
        self.next_id += 1;
        let r = Request::new(id.clone(), method.to_string(), params);
        self.conn.sender.send(Message::Request(r)).unwrap();
        loop {
            match self.receive() {
                Message::Response(resp) if resp.id == id => {
                    assert!(resp.error.is_none(), "{method}: {:?}", resp.error);
                    return resp.result.unwrap_or(Value::Null);
                }
                _ => {}
            }
        }
    }

    fn receive(&self) -> Message {
        self.conn
            .receiver
            .recv_timeout(Duration::from_secs(60))
            .expect("the server answers")
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&self, uri: &Uri) -> Vec<Diagnostic> {
        loop {
            if let Message::Notification(n) = self.receive()
                && n.method == "textDocument/publishDiagnostics"
            {
                let p: PublishDiagnosticsParams = serde_json::from_value(n.params).unwrap();
                if &p.uri == uri {
                    return p.diagnostics;
                }
            }
        }
    }

    fn open(&self, path: &Path, text: &str) -> Uri {
        let u = uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": u.as_str(), "languageId": "yaml", "version": 1, "text": text}}),
        );
        u
    }

    fn change(&self, u: &Uri, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": u.as_str(), "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    fn actions(&mut self, u: &Uri, range: Range) -> Vec<CodeAction> {
        let result = self.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": u.as_str()}, "range": range, "context": {"diagnostics": []}}),
        );
        serde_json::from_value(result).unwrap()
    }

    fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let result = self.server.take().unwrap().join().unwrap();
        assert_eq!(result, Ok(()));
    }
}

/// Applies the edits of `edit` for `u` to `text` (UTF-16 positions, LF text).
fn apply(text: &str, edit: &WorkspaceEdit, u: &Uri) -> String {
    let mut edits: Vec<TextEdit> = edit.changes.as_ref().unwrap()[u].clone();
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut out = text.to_string();
    for e in edits {
        let (s, t) = (offset(&out, e.range.start), offset(&out, e.range.end));
        out.replace_range(s..t, &e.new_text);
    }
    out
}

/// The byte offset of a UTF-16 position in an LF text.
fn offset(text: &str, p: Position) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(p.line as usize)
        .map(str::len)
        .sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= p.character as usize || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| match &d.code {
            Some(lsp_types::NumberOrString::String(s)) => s.clone(),
            _ => String::new(),
        })
        .collect()
}

fn kafka_example() -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/examples/kafka/compose.yaml");
    let text = std::fs::read_to_string(source).unwrap();
    let path = std::fs::canonicalize(dir.path())
        .unwrap()
        .join("compose.yaml");
    std::fs::write(&path, &text).unwrap();
    (dir, path, text)
}

fn find<'a>(diagnostics: &'a [Diagnostic], code: &str) -> &'a Diagnostic {
    diagnostics
        .iter()
        .find(|d| d.code == Some(lsp_types::NumberOrString::String(code.into())))
        .unwrap_or_else(|| panic!("no {code} in {:?}", codes(diagnostics)))
}

#[test]
fn diagnostics_quick_fix_and_suppression_on_the_kafka_example() {
    let (_dir, path, text) = kafka_example();
    let (mut client, init) = Client::start(false);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    let u = client.open(&path, &text);
    let diagnostics = client.diagnostics(&u);
    let kaf001 = find(&diagnostics, "KAF001");
    // `      KAFKA_ZOOKEEPER_CONNECT: localhost:2181` is line 26 (1-based).
    assert_eq!(
        kaf001.range,
        Range::new(Position::new(25, 31), Position::new(25, 45))
    );
    assert_eq!(kaf001.severity, Some(lsp_types::DiagnosticSeverity::ERROR));
    let href = kaf001
        .code_description
        .as_ref()
        .unwrap()
        .href
        .as_str()
        .to_string();
    assert!(
        href.ends_with("rules/KAF001-zookeeper-connect-loopback.md"),
        "{href}"
    );
    // The quick fix, applied by the client, removes the finding.
    let actions = client.actions(&u, kaf001.range);
    let fix = actions
        .iter()
        .find(|a| a.title.starts_with("KAF001: ") && a.is_preferred == Some(true))
        .unwrap_or_else(|| panic!("{:?}", actions.iter().map(|a| &a.title).collect::<Vec<_>>()));
    let fixed = apply(&text, fix.edit.as_ref().unwrap(), &u);
    assert!(
        fixed.contains("KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181"),
        "{fixed}"
    );
    client.change(&u, 2, &fixed);
    let after = client.diagnostics(&u);
    assert!(
        !codes(&after).contains(&"KAF001".to_string()),
        "{:?}",
        codes(&after)
    );
    assert!(codes(&after).contains(&"KAF003".to_string()));

    // Suppressing KAF003 on its line writes the comment the engine reads.
    let kaf003 = find(&after, "KAF003").clone();
    let actions = client.actions(&u, kaf003.range);
    let suppress = actions
        .iter()
        .find(|a| a.title == "Suppress KAF003 on this line")
        .unwrap();
    let suppressed = apply(&fixed, suppress.edit.as_ref().unwrap(), &u);
    assert!(
        suppressed.contains(
            "KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://localhost:9092  # composefix: ignore[KAF003]\n"
        ),
        "{suppressed}"
    );
    client.change(&u, 3, &suppressed);
    let after = client.diagnostics(&u);
    assert!(
        !codes(&after).contains(&"KAF003".to_string()),
        "{:?}",
        codes(&after)
    );
    assert!(
        !codes(&after).contains(&"SUP001".to_string()),
        "{:?}",
        codes(&after)
    );
    // Nothing was written to disk.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    client.stop();
}

/// The text after `Suppress CODE on this line` is applied to the finding of `code`.
fn suppressed(text: &str, code: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = std::fs::canonicalize(dir.path())
        .unwrap()
        .join("compose.yaml");
    std::fs::write(&path, text).unwrap();
    let (mut client, _) = Client::start(false);
    let u = client.open(&path, text);
    let diagnostics = client.diagnostics(&u);
    let range = find(&diagnostics, code).range;
    let actions = client.actions(&u, range);
    let title = format!("Suppress {code} on this line");
    let suppress = actions.iter().find(|a| a.title == title).unwrap();
    let out = apply(text, suppress.edit.as_ref().unwrap(), &u);
    client.change(&u, 2, &out);
    let after = client.diagnostics(&u);
    assert!(
        !codes(&after).contains(&code.to_string()),
        "{:?}",
        codes(&after)
    );
    client.stop();
    out
}

const BROKER: &str = "services:\n  kafka:\n    image: confluentinc/cp-kafka:7.6.0\n    environment:\n      KAFKA_BROKER_ID: 1\n";

#[test]
fn a_suppression_goes_before_a_comment_of_the_line_or_joins_its_brackets() {
    let text = format!("{BROKER}      KAFKA_ZOOKEEPER_CONNECT: localhost:2181 # the old set-up\n");
    assert!(
        suppressed(&text, "KAF001")
            .ends_with("localhost:2181 # composefix: ignore[KAF001] # the old set-up\n")
    );
    let text = format!(
        "{BROKER}      KAFKA_ZOOKEEPER_CONNECT: localhost:2181 # composefix: ignore[NET001] proxy\n"
    );
    assert!(
        suppressed(&text, "KAF001")
            .ends_with("localhost:2181 # composefix: ignore[NET001, KAF001] proxy\n")
    );
}

#[test]
fn every_file_of_the_project_gets_its_diagnostics_with_related_places() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let base = root.join("compose.yaml");
    let over = root.join("compose.override.yaml");
    let base_text = "services:\n  vpn:\n    image: qmcgaw/gluetun:v3\n    cap_add: [NET_ADMIN]\n  torrent:\n    image: lscr.io/linuxserver/qbittorrent:4.6.7\n    network_mode: service:vpn\n";
    let over_text = "services:\n  torrent:\n    ports:\n      - \"8080:8080\"\n";
    std::fs::write(&base, base_text).unwrap();
    std::fs::write(&over, over_text).unwrap();
    let (mut client, _) = Client::start(false);
    let base_uri = client.open(&base, base_text);
    let over_uri = uri(&over);
    let found = client.diagnostics(&over_uri);
    let net006 = find(&found, "NET006");
    assert_eq!(net006.range.start, Position::new(2, 4));
    let related = &net006.related_information.as_ref().unwrap()[0];
    assert_eq!(related.location.uri, base_uri);
    assert_eq!(related.location.range.start, Position::new(6, 18));
    assert_eq!(related.message, "the shared network namespace");

    // An unsaved change of the override, opened too, is checked from memory.
    client.open(&over, over_text);
    let _ = client.diagnostics(&over_uri);
    client.change(&over_uri, 2, "services:\n  torrent:\n    labels: [a=b]\n");
    assert!(client.diagnostics(&over_uri).is_empty());

    // Definition from `network_mode`'s neighbour `depends_on`, and from the base file.
    client.change(
        &base_uri,
        2,
        &base_text.replace(
            "    network_mode: service:vpn\n",
            "    network_mode: service:vpn\n    depends_on: [vpn]\n",
        ),
    );
    let _ = client.diagnostics(&base_uri);
    let result = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": base_uri.as_str()}, "position": {"line": 7, "character": 17}}),
    );
    let location: Location = serde_json::from_value(result).unwrap();
    assert_eq!(location.uri, base_uri);
    assert_eq!(
        location.range,
        Range::new(Position::new(1, 2), Position::new(1, 5))
    );
    client.stop();
}

#[test]
fn hover_and_definition_on_the_kafka_example() {
    let (_dir, path, text) = kafka_example();
    let (mut client, _) = Client::start(false);
    let u = client.open(&path, &text);
    let _ = client.diagnostics(&u);
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() as u32;
    let column_of = |needle: &str, inner: &str| {
        let line = text.lines().find(|l| l.contains(needle)).unwrap();
        line.find(needle).unwrap() as u32
            + line[line.find(needle).unwrap()..].find(inner).unwrap() as u32
    };
    let hover = |client: &mut Client, line: u32, character: u32| -> String {
        let result = client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": u.as_str()}, "position": {"line": line, "character": character}}),
        );
        let hover: Hover = serde_json::from_value(result).unwrap();
        match hover.contents {
            HoverContents::Markup(m) => m.value,
            other => panic!("{other:?}"),
        }
    };
    // The host of `CONNECT_BOOTSTRAP_SERVERS: kafka:9092`.
    let line = line_of("CONNECT_BOOTSTRAP_SERVERS");
    let host = hover(
        &mut client,
        line,
        column_of("CONNECT_BOOTSTRAP_SERVERS: kafka", "kafka:") + 1,
    );
    assert!(host.contains("**`kafka:9092`** from `connect`"), "{host}");
    assert!(host.contains("resolves to service `kafka`"), "{host}");
    assert!(host.contains("published on host port `9092`"), "{host}");
    assert!(
        host.contains("Kafka listener `PLAINTEXT`, which advertises `localhost:9092`"),
        "{host}"
    );
    assert!(host.contains("- linux: connects"), "{host}");
    // Its port says the same.
    let port = hover(
        &mut client,
        line,
        column_of("CONNECT_BOOTSTRAP_SERVERS: kafka", "9092") + 1,
    );
    assert_eq!(port, host);
    // A service name.
    let service = hover(&mut client, line_of("  zookeeper:"), 3);
    assert!(
        service.contains("**service `zookeeper`** (image `confluentinc/cp-zookeeper:7.6.0`)"),
        "{service}"
    );
    assert!(service.contains("listens on `2181`"), "{service}");

    // Definition: a `depends_on` entry and a host go to the service's key.
    let definition = |client: &mut Client, line: u32, character: u32| -> Location {
        let result = client.request(
            "textDocument/definition",
            json!({"textDocument": {"uri": u.as_str()}, "position": {"line": line, "character": character}}),
        );
        serde_json::from_value(result).unwrap()
    };
    let zookeeper = line_of("  zookeeper:");
    let entry = line_of("      - zookeeper");
    let at = definition(&mut client, entry, 10);
    assert_eq!(
        (at.uri.clone(), at.range.start),
        (u.clone(), Position::new(zookeeper, 2))
    );
    let kafka = line_of("  kafka:");
    let at = definition(
        &mut client,
        line,
        column_of("CONNECT_BOOTSTRAP_SERVERS: kafka", "kafka:") + 2,
    );
    assert_eq!(
        at.range,
        Range::new(Position::new(kafka, 2), Position::new(kafka, 7))
    );
    client.stop();
}

#[test]
fn columns_count_utf16_units_or_utf8_bytes_as_negotiated() {
    let dir = tempfile::tempdir().unwrap();
    let path = std::fs::canonicalize(dir.path())
        .unwrap()
        .join("compose.yaml");
    let text = "services:\n  kafka:\n    image: confluentinc/cp-kafka:7.6.0\n    environment: {NOTE: \"🚀 é\", KAFKA_BROKER_ID: 1, KAFKA_ZOOKEEPER_CONNECT: localhost:2181}\n";
    std::fs::write(&path, text).unwrap();
    let line = text.lines().nth(3).unwrap();
    let at = line.find("localhost").unwrap();
    let utf16 = line[..at].encode_utf16().count() as u32;
    assert_eq!(
        utf16 + 3,
        at as u32,
        "the rocket is 2 units but 4 bytes, é 1 unit but 2 bytes"
    );
    for (utf8, column) in [(false, utf16), (true, at as u32)] {
        let (client, init) = Client::start(utf8);
        assert_eq!(
            init["capabilities"]["positionEncoding"],
            if utf8 { "utf-8" } else { "utf-16" }
        );
        let u = client.open(&path, text);
        let found = client.diagnostics(&u);
        let kaf001 = find(&found, "KAF001");
        assert_eq!(kaf001.range.start, Position::new(3, column));
        assert_eq!(
            kaf001.range.end,
            Position::new(3, column + "localhost:2181".len() as u32)
        );
        client.stop();
    }
}

#[test]
fn fix_all_runs_the_fix_loop_on_the_buffer_lazily_when_the_client_resolves() {
    let (_dir, path, text) = kafka_example();
    for lazy in [false, true] {
        let (server, client) = Connection::memory();
        let handle = std::thread::spawn(move || composefix::server::serve(&server));
        let mut c = Client {
            conn: client,
            server: Some(handle),
            next_id: 1,
        };
        let resolve = if lazy {
            json!({"codeAction": {"resolveSupport": {"properties": ["edit"]}}})
        } else {
            json!({})
        };
        c.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {"textDocument": resolve}}),
        );
        c.notify("initialized", json!({}));
        let u = c.open(&path, &text);
        let found = c.diagnostics(&u);
        let range = find(&found, "KAF001").range;
        let actions = c.actions(&u, range);
        let mut fix_all = actions
            .into_iter()
            .find(|a| a.title == "Fix all safe composefix findings in this file")
            .unwrap();
        assert_eq!(fix_all.edit.is_none(), lazy);
        if lazy {
            let resolved = c.request(
                "codeAction/resolve",
                serde_json::to_value(&fix_all).unwrap(),
            );
            fix_all = serde_json::from_value(resolved).unwrap();
        }
        let fixed = apply(&text, fix_all.edit.as_ref().unwrap(), &u);
        assert!(
            fixed.contains("KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181"),
            "{fixed}"
        );
        c.change(&u, 2, &fixed);
        let after = c.diagnostics(&u);
        assert!(
            after.iter().all(|d| {
                let code = codes(std::slice::from_ref(d)).remove(0);
                c.actions(&u, d.range).iter().all(|a| {
                    !a.title.starts_with(&format!("{code}: ")) || a.is_preferred != Some(true)
                })
            }),
            "no safe fix is left: {:?}",
            codes(&after)
        );
        c.stop();
    }
}

#[test]
fn include_extends_and_env_files_belong_to_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let base = root.join("compose.yaml");
    let base_text = "include:\n  - db.yaml\nservices:\n  app:\n    extends:\n      file: common.yaml\n      service: base\n    environment:\n      DATABASE_URL: postgres://db:5432/app\n";
    let db_text = "services:\n  db:\n    image: postgres:16\n";
    let common_text = "services:\n  base:\n    image: busybox:1.36\n";
    std::fs::write(&base, base_text).unwrap();
    std::fs::write(root.join("db.yaml"), db_text).unwrap();
    std::fs::write(root.join("common.yaml"), common_text).unwrap();
    let (mut client, _) = Client::start(false);
    let u = client.open(&base, base_text);
    let _ = client.diagnostics(&u);
    let definition = |client: &mut Client, line: u32, character: u32| -> Location {
        let result = client.request(
            "textDocument/definition",
            json!({"textDocument": {"uri": u.as_str()}, "position": {"line": line, "character": character}}),
        );
        serde_json::from_value(result).unwrap()
    };
    // `include` entry: the file.
    let at = definition(&mut client, 1, 6);
    assert_eq!(at.uri, uri(&root.join("db.yaml")));
    // `extends` service: its key in the other file; `file:` the file itself.
    let at = definition(&mut client, 6, 16);
    assert_eq!(
        (at.uri.clone(), at.range.start),
        (uri(&root.join("common.yaml")), Position::new(1, 2))
    );
    let at = definition(&mut client, 5, 14);
    assert_eq!(at.uri, uri(&root.join("common.yaml")));
    // The host of a connection string: the included service.
    let at = definition(&mut client, 8, 31);
    assert_eq!(
        (at.uri.clone(), at.range.start),
        (uri(&root.join("db.yaml")), Position::new(1, 2))
    );

    client.stop();
}

#[test]
fn an_unsaved_env_file_is_checked_with_its_project() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let base = root.join("compose.yaml");
    let base_text =
        "services:\n  app:\n    image: busybox:1.36\n    environment:\n      ZK: ${ZK}\n";
    std::fs::write(&base, base_text).unwrap();
    std::fs::write(root.join(".env"), "ZK=zookeeper:2181\n").unwrap();
    let (client, _) = Client::start(false);
    let u = client.open(&base, base_text);
    assert!(client.diagnostics(&u).is_empty());
    // Opened alone, `.env` joins the project beside it.
    let env_uri = client.open(&root.join(".env"), "ZK=zookeeper:2181\n");
    assert!(client.diagnostics(&env_uri).is_empty());
    client.change(&env_uri, 2, "ZK=zookeeper:2181\nBAD LINE\n");
    let found = client.diagnostics(&env_uri);
    assert_eq!(codes(&found), ["SYN001"]);
    assert_eq!(found[0].range.start, Position::new(1, 0));
    client.stop();
}
