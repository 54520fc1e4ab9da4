//! `composefix graph`: the diagram's edges are the facts (ports and `depends_on` as the file
//! writes them, broken edges where `check --format json` reports a finding inside the value),
//! services are grouped by network, labels are escaped, and the README's diagram is the
//! command's current output. Goes through the binary, like a user.

use composefix::engine::{self, CheckOptions};
use composefix::project::value::Value;
use regex::Regex;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const KAFKA: &str = "testdata/examples/kafka";

fn composefix(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_composefix"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("composefix runs")
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The stdout of a successful `composefix graph ARGS` run in `dir`.
fn graph(args: &[&str], dir: &Path) -> String {
    let mut all = vec!["graph"];
    all.extend(args);
    let out = composefix(&all, dir);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// One drawn edge: from, to (first lines of the node labels), label, codes on it.
type Drawn = (String, String, String, Vec<String>);

/// The edges of a Mermaid diagram, checked for consistency on the way: every end is a
/// declared node, an edge is red (`linkStyle`) exactly when it carries codes, and dotted
/// exactly when it is broken or `depends_on`.
fn mermaid_edges(text: &str) -> BTreeSet<Drawn> {
    assert!(text.starts_with("flowchart LR\n"), "{text}");
    let node = Regex::new(r#"^\s*(\w+)(?:\[|\(\[|\{\{)"([^"]*)"(?:\]|\]\)|\}\})$"#).unwrap();
    let edge = Regex::new(r#"^\s*(\w+) (-->|-\.->)\|"([^"]*)"\| (\w+)$"#).unwrap();
    let style = Regex::new(r"^\s*linkStyle ([\d,]+) stroke:#d00$").unwrap();
    let mut names = std::collections::HashMap::new();
    let mut edges = Vec::new();
    let mut red = BTreeSet::new();
    for line in text.lines().skip(1) {
        if let Some(c) = node.captures(line) {
            let first = c[2].split("<br>").next().unwrap().to_string();
            assert!(names.insert(c[1].to_string(), first).is_none(), "{line}");
        } else if let Some(c) = edge.captures(line) {
            edges.push((
                c[1].to_string(),
                c[2].to_string(),
                c[3].to_string(),
                c[4].to_string(),
            ));
        } else if let Some(c) = style.captures(line) {
            red.extend(c[1].split(',').map(|i| i.parse::<usize>().unwrap()));
        } else {
            let t = line.trim();
            assert!(
                t == "end" || t.starts_with("subgraph g"),
                "unexpected line {line:?}"
            );
        }
    }
    let mut out = BTreeSet::new();
    for (i, (from, arrow, label, to)) in edges.into_iter().enumerate() {
        let (label, codes): (String, Vec<String>) = match label.split_once(" ✗ ") {
            Some((l, c)) => (l.to_string(), c.split(", ").map(String::from).collect()),
            None => (label, Vec::new()),
        };
        assert_eq!(red.contains(&i), !codes.is_empty(), "edge {i} {label}");
        let dotted = !codes.is_empty() || label == "depends_on";
        assert_eq!(arrow == "-.->", dotted, "edge {i} {label}");
        let name = |id: &str| {
            names
                .get(id)
                .cloned()
                .unwrap_or_else(|| panic!("no node {id}"))
        };
        out.insert((name(&from), name(&to), label, codes));
    }
    out
}

fn drawn(from: &str, to: &str, label: &str, codes: &[&str]) -> Drawn {
    let codes = codes.iter().map(|c| c.to_string()).collect();
    (from.into(), to.into(), label.into(), codes)
}

/// The Kafka example's services as the library loads them (for what the file writes).
fn kafka_services<T>(f: impl FnOnce(&[(&str, &Value)]) -> T) -> T {
    let opts = CheckOptions {
        paths: vec![root().join(KAFKA)],
        ..CheckOptions::default()
    };
    let (projects, _) = engine::load_projects(&opts).unwrap();
    let services: Vec<(&str, &Value)> = projects[0].services().collect();
    f(&services)
}

#[test]
fn kafka_edges_are_the_facts() {
    let edges = mermaid_edges(&graph(&["--format", "mermaid", KAFKA], root()));

    // Exactly these.
    let expected: BTreeSet<Drawn> = [
        drawn("host", "kafka", "9092→9092/tcp", &[]),
        drawn("host", "schema-registry", "8081→8081/tcp", &[]),
        drawn("host", "ui", "8080→8080/tcp", &[]),
        drawn(
            "kafka",
            "kafka",
            "KAFKA_ZOOKEEPER_CONNECT :2181",
            &["KAF001"],
        ),
        drawn("connect", "kafka", "CONNECT_BOOTSTRAP_SERVERS :9092", &[]),
        drawn(
            "connect",
            "schema-registry",
            "CONNECT_VALUE_CONVERTER_SCHEMA_REGISTRY_URL :8081",
            &[],
        ),
        drawn(
            "ui",
            "kafka",
            "KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS :9092",
            &[],
        ),
        drawn(
            "ui",
            "connect",
            "KAFKA_CLUSTERS_0_KAFKACONNECT_0_ADDRESS :8083",
            &[],
        ),
        drawn("kafka", "zookeeper", "depends_on", &[]),
        drawn("schema-registry", "kafka", "depends_on", &[]),
        drawn("connect", "kafka", "depends_on", &[]),
        drawn("connect", "schema-registry", "depends_on", &[]),
        drawn("ui", "kafka", "depends_on", &[]),
    ]
    .into_iter()
    .collect();
    assert_eq!(edges, expected);

    // Published ports and depends_on, as the file writes them (`connect` writes `ports` as a
    // string, which is not a list of mappings: SCH002, and no edge).
    let (ports, depends): (BTreeSet<Drawn>, BTreeSet<Drawn>) = kafka_services(|services| {
        let mut ports = BTreeSet::new();
        let mut depends = BTreeSet::new();
        for (name, spec) in services {
            for p in spec
                .get("ports")
                .and_then(Value::as_seq)
                .unwrap_or_default()
            {
                let text = p.scalar_text().unwrap();
                let (host, container) = text.split_once(':').unwrap();
                ports.insert(drawn("host", name, &format!("{host}→{container}/tcp"), &[]));
            }
            for (dep, _, _) in spec
                .get("depends_on")
                .and_then(Value::as_map)
                .into_iter()
                .flat_map(|m| m.iter())
            {
                depends.insert(drawn(name, dep, "depends_on", &[]));
            }
        }
        (ports, depends)
    });
    let of_kind = |pred: &dyn Fn(&Drawn) -> bool| -> BTreeSet<Drawn> {
        edges.iter().filter(|e| pred(e)).cloned().collect()
    };
    assert_eq!(of_kind(&|e| e.0 == "host"), ports);
    assert_eq!(of_kind(&|e| e.2 == "depends_on"), depends);

    // Each connection's key is in its service's environment, and the value names the port and
    // (unless it is loopback, drawn as an edge to itself) the target.
    kafka_services(|services| {
        for (from, to, label, _) in of_kind(&|e| e.0 != "host" && e.2 != "depends_on") {
            let (key, port) = label.split_once(' ').unwrap();
            let spec = services.iter().find(|(n, _)| *n == from).unwrap().1;
            let value = spec.get("environment").and_then(|e| e.get(key)).unwrap();
            let text = value.scalar_text().unwrap();
            assert!(text.contains(port), "{key}: {text}");
            assert!(from == to || text.contains(&to), "{key}: {text}");
        }
    });

    // Broken exactly where `check --format json` finds something inside a drawn value: the
    // finding's line is `KEY: value` and it starts in the value.
    let out = composefix(&["--format", "json", KAFKA], root());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = std::fs::read_to_string(root().join(KAFKA).join("compose.yaml")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let keys_drawn: BTreeSet<(String, String)> = edges
        .iter()
        .map(|e| (e.0.clone(), e.2.split(' ').next().unwrap().to_string()))
        .collect();
    let mut expected_broken = BTreeSet::new();
    for d in json["diagnostics"].as_array().unwrap() {
        let line = lines[d["span"]["start"]["line"].as_u64().unwrap() as usize - 1];
        let column = d["span"]["start"]["column"].as_u64().unwrap() as usize;
        let Some((key, _)) = line.trim_start().split_once(": ") else {
            continue;
        };
        let value_column = line.find(": ").unwrap() + 3;
        let service = d["service"].as_str().unwrap().to_string();
        if column >= value_column && keys_drawn.contains(&(service.clone(), key.to_string())) {
            expected_broken.insert((
                service,
                key.to_string(),
                d["code"].as_str().unwrap().to_string(),
            ));
        }
    }
    let broken: BTreeSet<(String, String, String)> = edges
        .iter()
        .flat_map(|e| {
            let key = e.2.split(' ').next().unwrap().to_string();
            e.3.iter()
                .map(move |c| (e.0.clone(), key.clone(), c.clone()))
        })
        .collect();
    assert_eq!(broken, expected_broken);
    assert!(!broken.is_empty());
}

#[test]
fn kafka_diagrams() {
    insta::assert_snapshot!("kafka_mermaid", graph(&[KAFKA], root()));
    insta::assert_snapshot!("kafka_dot", graph(&["--format", "dot", KAFKA], root()));
}

#[test]
fn services_are_grouped_by_network() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = "services:\n  web:\n    image: nginx\n    networks: [front, back]\n  \
                api:\n    image: api\n    networks: [back]\n  db:\n    image: postgres\n    \
                networks:\n      back: {}\n  tool:\n    image: busybox\n    network_mode: host\n  \
                side:\n    image: busybox\n    network_mode: service:api\n\
                networks:\n  front: {}\n  back: {}\n";
    std::fs::write(dir.path().join("compose.yaml"), yaml).unwrap();
    let mermaid = graph(&[], dir.path());
    let expected = "flowchart LR
    subgraph g0[\"front\"]
        s_web[\"web<br>nginx<br>also on: back\"]
    end
    subgraph g1[\"back\"]
        s_api[\"api<br>api\"]
        s_db[\"db<br>postgres\"]
    end
    subgraph g2[\"network_mode: host\"]
        s_tool[\"tool<br>busybox\"]
    end
    subgraph g3[\"network_mode: service:api\"]
        s_side[\"side<br>busybox\"]
    end
";
    assert_eq!(mermaid, expected);
    let dot = graph(&["--format", "dot"], dir.path());
    assert!(dot.starts_with("digraph composefix {\n"), "{dot}");
    for cluster in [
        "    subgraph cluster_0 {\n        label=\"front\";\n        \"s_web\" [label=\"web\\nnginx\\nalso on: back\"];\n    }\n",
        "    subgraph cluster_1 {\n        label=\"back\";\n        \"s_api\" [label=\"api\\napi\"];\n        \"s_db\" [label=\"db\\npostgres\"];\n    }\n",
    ] {
        assert!(dot.contains(cluster), "{dot}");
    }
}

#[test]
fn labels_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = "services:\n  app:\n    image: 'my\"img|<b>#x\\y'\n    environment:\n      \
                'A|B_URL': 'http://back:81'\n  back:\n    image: back\n";
    std::fs::write(dir.path().join("compose.yaml"), yaml).unwrap();
    let mermaid = graph(&[], dir.path());
    for expected in [
        "s_app[\"app<br>my#quot;img#124;#lt;b#gt;#35;x\\y\"]",
        "s_app -->|\"A#124;B_URL :81\"| s_back",
    ] {
        assert!(mermaid.contains(expected), "{expected} in\n{mermaid}");
    }
    let dot = graph(&["--format", "dot"], dir.path());
    for expected in [
        "\"s_app\" [label=\"app\\nmy\\\"img|<b>#x\\\\y\"];",
        "\"s_app\" -> \"s_back\" [label=\"A|B_URL :81\"];",
    ] {
        assert!(dot.contains(expected), "{expected} in\n{dot}");
    }
}

#[test]
fn graph_draws_one_project() {
    let out = composefix(&["graph", "testdata/examples"], root());
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`graph` draws one project"), "{stderr}");
}

/// The README's diagram is what the command prints today.
#[test]
fn readme_diagram_is_current() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme
        .split("## Seeing the project: `composefix graph`")
        .nth(1)
        .expect("README has the graph section");
    let block = section
        .split("```mermaid\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("the section has a mermaid block");
    assert_eq!(
        block,
        graph(&[KAFKA], root()),
        "README.md's diagram is stale: paste `composefix graph {KAFKA}`"
    );
}
