//! Every edit builder, each with the exact text it must produce: the file's quoting,
//! indentation, dash column, flow or block style, line endings, BOM and final newline kept.

use composefix::diagnostic::{Edit, apply_edits};
use composefix::fix::builders;
use composefix::project::value::Value;
use composefix::project::{self, LoadOptions, Project};
use std::path::Path;

fn load(text: &str) -> Project {
    project::load_text(
        Path::new("compose.yaml"),
        text.as_bytes().to_vec(),
        &LoadOptions::default(),
    )
}

fn service<'p>(p: &'p Project, name: &str) -> &'p Value {
    p.services()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
        .expect("service")
}

fn env<'p>(p: &'p Project, name: &str) -> &'p Value {
    service(p, name).get("environment").expect("environment")
}

/// The text after applying `edits` to the project's only file.
fn apply(p: &Project, edits: &[Edit]) -> String {
    let refs: Vec<&Edit> = edits.iter().collect();
    apply_edits(p.files[0].text(), &refs)
}

#[test]
fn set_env_in_a_block_mapping_after_its_last_entry() {
    let text = "services:\n  kafka:\n    image: apache/kafka\n    environment:\n      A: \"1\"\n      # trailing comment of the block\n    ports: [\"9092:9092\"]\n";
    let p = load(text);
    let e = builders::set_env(&p, env(&p, "kafka"), "KAFKA_NODE_ID", "1").unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "services:\n  kafka:\n    image: apache/kafka\n    environment:\n      A: \"1\"\n      KAFKA_NODE_ID: \"1\"\n      # trailing comment of the block\n    ports: [\"9092:9092\"]\n"
    );
}

#[test]
fn set_env_in_a_list_with_unindented_dashes() {
    let text = "services:\n  web:\n    environment:\n    - A=1\n    - B=two\n";
    let p = load(text);
    let e = builders::set_env(&p, env(&p, "web"), "C", "3").unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "services:\n  web:\n    environment:\n    - A=1\n    - B=two\n    - C=3\n"
    );
}

#[test]
fn set_env_in_a_list_of_quoted_items_quotes_the_new_one() {
    let text = "services:\n  web:\n    environment:\n      - \"A=1\"\n";
    let p = load(text);
    let e = builders::set_env(&p, env(&p, "web"), "B", "say \"hi\"").unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "services:\n  web:\n    environment:\n      - \"A=1\"\n      - \"B=say \\\"hi\\\"\"\n"
    );
}

#[test]
fn set_env_in_a_flow_mapping_and_a_flow_list() {
    let p = load("services:\n  web:\n    environment: {A: 1}\n");
    let e = builders::set_env(&p, env(&p, "web"), "B", "x y").unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "services:\n  web:\n    environment: {A: 1, B: x y}\n"
    );
    let p = load("services:\n  web:\n    environment: [A=1]\n");
    let e = builders::set_env(&p, env(&p, "web"), "B", "2").unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "services:\n  web:\n    environment: [A=1, B=2]\n"
    );
}

#[test]
fn set_env_replaces_an_existing_value_keeping_quotes_and_comment() {
    let text =
        "services:\n  web:\n    environment:\n      URL: \"http://localhost:8080\" # the api\n";
    let p = load(text);
    let e = builders::set_env(&p, env(&p, "web"), "URL", "http://api:8080").unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "services:\n  web:\n    environment:\n      URL: \"http://api:8080\" # the api\n"
    );
}

#[test]
fn crlf_file_gets_crlf_lines() {
    let text = "services:\r\n  web:\r\n    environment:\r\n      A: 1\r\n";
    let p = load(text);
    let e = builders::set_env(&p, env(&p, "web"), "B", "2").unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "services:\r\n  web:\r\n    environment:\r\n      A: 1\r\n      B: \"2\"\r\n"
    );
}

#[test]
fn bom_file_keeps_its_bom_and_columns() {
    let text = "\u{feff}services:\n  web:\n    ports:\n      - \"80:80\"\n";
    let p = load(text);
    let ports = service(&p, "web").get("ports").unwrap();
    let e = builders::add_item(&p, ports, "\"443:443\"").unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "\u{feff}services:\n  web:\n    ports:\n      - \"80:80\"\n      - \"443:443\"\n"
    );
}

#[test]
fn two_inserts_at_the_end_of_a_file_without_final_newline() {
    let text = "services:\n  web:\n    image: nginx\n    environment:\n      A: 1";
    let p = load(text);
    let a = builders::set_env(&p, env(&p, "web"), "B", "2").unwrap();
    let b = builders::set_env(&p, env(&p, "web"), "C", "3").unwrap();
    assert_eq!(
        apply(&p, &[a, b]),
        "services:\n  web:\n    image: nginx\n    environment:\n      A: 1\n      B: \"2\"\n      C: \"3\""
    );
}

#[test]
fn add_key_to_a_service_after_its_last_key() {
    let text = "services:\n  web:\n    image: nginx\n    ports:\n      - \"80:80\"\n  db:\n    image: postgres\n";
    let p = load(text);
    let e = builders::add_key(&p, service(&p, "web"), "hostname", "web").unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "services:\n  web:\n    image: nginx\n    ports:\n      - \"80:80\"\n    hostname: web\n  db:\n    image: postgres\n"
    );
}

#[test]
fn add_key_refuses_to_shadow_a_key_inherited_through_a_merge() {
    let text = "x-base: &base\n  environment:\n    A: 1\nservices:\n  web:\n    <<: *base\n    image: nginx\n";
    let p = load(text);
    // A new `environment:` on `web` would replace the merged one, losing `A`.
    assert!(builders::add_key(&p, service(&p, "web"), "environment", "{B: 2}").is_none());
    // Setting a variable edits the anchored mapping, which other services may share.
    let e = builders::set_env(&p, env(&p, "web"), "B", "2").unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "x-base: &base\n  environment:\n    A: 1\n    B: \"2\"\nservices:\n  web:\n    <<: *base\n    image: nginx\n"
    );
}

#[test]
fn a_value_in_an_anchor_used_by_two_services_is_fixed_once_at_the_anchor() {
    let text = "x-env: &env\n  ZK: localhost:2181\nservices:\n  a:\n    environment: *env\n  b:\n    environment: *env\n";
    let p = load(text);
    let zk = env(&p, "a").get("ZK").unwrap();
    assert_eq!(builders::services_sharing(&p, zk), ["a", "b"]);
    let e = builders::replace_scalar(&p, zk, "zookeeper:2181").unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "x-env: &env\n  ZK: zookeeper:2181\nservices:\n  a:\n    environment: *env\n  b:\n    environment: *env\n"
    );
}

#[test]
fn replace_part_edits_the_default_of_an_interpolation() {
    let text = "services:\n  kafka:\n    environment:\n      KAFKA_ZOOKEEPER_CONNECT: ${ZK:-localhost:2181}\n";
    let p = load(text);
    let v = env(&p, "kafka").get("KAFKA_ZOOKEEPER_CONNECT").unwrap();
    let e = builders::replace_part(&p, v, 0..9, "zookeeper").unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "services:\n  kafka:\n    environment:\n      KAFKA_ZOOKEEPER_CONNECT: ${ZK:-zookeeper:2181}\n"
    );
}

#[test]
fn replace_part_of_a_url_in_a_list_item_and_of_a_comma_list() {
    let text = "services:\n  app:\n    environment:\n      - DB=postgres://localhost:5432/app\n      - \"PEERS=a:1,localhost:2,c:3\"\n";
    let p = load(text);
    let db = env(&p, "app").get("DB").unwrap();
    let host = db.as_str().unwrap().text.find("localhost").unwrap();
    let a = builders::replace_part(&p, db, host..host + 9, "db").unwrap();
    let peers = env(&p, "app").get("PEERS").unwrap();
    let b = builders::replace_part(&p, peers, 4..15, "b:2").unwrap();
    assert_eq!(
        apply(&p, &[a, b]),
        "services:\n  app:\n    environment:\n      - DB=postgres://db:5432/app\n      - \"PEERS=a:1,b:2,c:3\"\n"
    );
}

#[test]
fn a_value_from_the_environment_is_never_written_into_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "ZK=localhost:2181\n").unwrap();
    let path = dir.path().join("compose.yaml");
    std::fs::write(
        &path,
        "services:\n  kafka:\n    environment:\n      C: ${ZK}\n",
    )
    .unwrap();
    let files = project::discover::project_of_file(&path);
    let p = project::load(&files, &LoadOptions::default()).unwrap();
    let v = env(&p, "kafka").get("C").unwrap();
    assert!(builders::replace_part(&p, v, 0..9, "zookeeper").is_none());
    assert!(builders::replace_scalar(&p, v, "zookeeper:2181").is_none());
}

#[test]
fn replace_scalar_quotes_when_the_new_value_needs_it() {
    let text = "services:\n  web:\n    image: nginx\n    command: run\n    user: 'me'\n";
    let p = load(text);
    let web = service(&p, "web");
    let a = builders::replace_scalar(&p, web.get("command").unwrap(), "echo: hi").unwrap();
    let b = builders::replace_scalar(&p, web.get("user").unwrap(), "it's").unwrap();
    assert_eq!(
        apply(&p, &[a, b]),
        "services:\n  web:\n    image: nginx\n    command: \"echo: hi\"\n    user: 'it''s'\n"
    );
}

#[test]
fn remove_key_takes_its_own_comment_not_its_neighbours() {
    let text = "services:\n  web:\n    image: nginx\n    # why we publish\n    ports:\n      - \"80:80\" # http\n    # about the next key\n    restart: always\n";
    let p = load(text);
    let e = builders::remove_key(&p, service(&p, "web"), "ports").unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "services:\n  web:\n    image: nginx\n    # about the next key\n    restart: always\n"
    );
}

#[test]
fn remove_item_block_and_flow() {
    let p = load(
        "services:\n  web:\n    ports:\n      - \"80:80\"\n      # tls\n      - \"443:443\"\n      - \"8080:8080\"\n",
    );
    let e = builders::remove_item(&p, service(&p, "web").get("ports").unwrap(), 1).unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "services:\n  web:\n    ports:\n      - \"80:80\"\n      - \"8080:8080\"\n"
    );
    let p = load("services:\n  web:\n    dns: [1.1.1.1, 8.8.8.8, 9.9.9.9]\n");
    let dns = service(&p, "web").get("dns").unwrap();
    let e = builders::remove_item(&p, dns, 2).unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "services:\n  web:\n    dns: [1.1.1.1, 8.8.8.8]\n"
    );
    let e = builders::remove_item(&p, dns, 0).unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "services:\n  web:\n    dns: [8.8.8.8, 9.9.9.9]\n"
    );
}

#[test]
fn remove_key_in_a_flow_mapping() {
    let p = load("services:\n  web:\n    environment: {A: 1, B: 2}\n");
    let e = builders::remove_key(&p, env(&p, "web"), "A").unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "services:\n  web:\n    environment: {B: 2}\n"
    );
}

#[test]
fn rename_key_changes_only_the_key_bytes_in_maps_and_lists() {
    let p = load("services:\n  a:\n    environment:\n      X_A: 1 # keep\n      \"X_B\": two\n");
    let e = builders::rename_key(&p, env(&p, "a"), "X_A", "Y_A").unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "services:\n  a:\n    environment:\n      Y_A: 1 # keep\n      \"X_B\": two\n"
    );
    let e = builders::rename_key(&p, env(&p, "a"), "X_B", "Y_B").unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "services:\n  a:\n    environment:\n      X_A: 1 # keep\n      \"Y_B\": two\n"
    );
    let p = load("services:\n  a:\n    environment:\n      - X_A=1\n      - \"X_B=b=c\"\n");
    let e = builders::rename_key(&p, env(&p, "a"), "X_B", "Y_B").unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "services:\n  a:\n    environment:\n      - X_A=1\n      - \"Y_B=b=c\"\n"
    );
}

#[test]
fn rename_key_refuses_to_collide_with_an_existing_key() {
    let p = load("services:\n  a:\n    environment:\n      X_A: 1\n      Y_A: 2\n");
    assert!(builders::rename_key(&p, env(&p, "a"), "X_A", "Y_A").is_none());
}

#[test]
fn set_service_env_creates_a_block_environment_one_step_deeper() {
    // The step comes from the service's nested blocks (four spaces here), not a guess.
    let text = "services:\n    es:\n        image: elasticsearch:8.13.0\n        ports:\n            - \"9200:9200\"\n";
    let p = load(text);
    let e =
        builders::set_service_env(&p, service(&p, "es"), "discovery.type", "single-node").unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "services:\n    es:\n        image: elasticsearch:8.13.0\n        ports:\n            - \"9200:9200\"\n        environment:\n            discovery.type: single-node\n"
    );
    // Without nested blocks, the step of the service's keys under its name.
    let text = "services:\n  es:\n    image: elasticsearch:8.13.0 # pinned\n";
    let p = load(text);
    let e =
        builders::set_service_env(&p, service(&p, "es"), "discovery.type", "single-node").unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "services:\n  es:\n    image: elasticsearch:8.13.0 # pinned\n    environment:\n      discovery.type: single-node\n"
    );
    // A flow service gets a flow mapping; an existing environment keeps its form.
    let text = "services:\n  es: {image: elasticsearch:8.13.0}\n";
    let p = load(text);
    let e =
        builders::set_service_env(&p, service(&p, "es"), "discovery.type", "single-node").unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "services:\n  es: {image: elasticsearch:8.13.0, environment: {discovery.type: single-node}}\n"
    );
    let text = "services:\n  es:\n    environment:\n      - ES_JAVA_OPTS=-Xmx1g\n";
    let p = load(text);
    let e =
        builders::set_service_env(&p, service(&p, "es"), "discovery.type", "single-node").unwrap();
    assert_eq!(
        apply(&p, &[e]),
        "services:\n  es:\n    environment:\n      - ES_JAVA_OPTS=-Xmx1g\n      - discovery.type=single-node\n"
    );
}

#[test]
fn append_args_to_string_flow_and_block_commands() {
    let args = [
        "--cluster-announce-ip",
        "127.0.0.1",
        "--cluster-announce-port",
        "7001",
    ];
    let cases = [
        (
            "services:\n  r:\n    command: redis-server --port 7001  # node 1\n",
            "services:\n  r:\n    command: redis-server --port 7001 --cluster-announce-ip 127.0.0.1 --cluster-announce-port 7001  # node 1\n",
        ),
        (
            "services:\n  r:\n    command: \"redis-server --port 7001\"\n",
            "services:\n  r:\n    command: \"redis-server --port 7001 --cluster-announce-ip 127.0.0.1 --cluster-announce-port 7001\"\n",
        ),
        (
            "services:\n  r:\n    command: [\"redis-server\", \"--port\", \"7001\"]\n",
            "services:\n  r:\n    command: [\"redis-server\", \"--port\", \"7001\", \"--cluster-announce-ip\", \"127.0.0.1\", \"--cluster-announce-port\", \"7001\"]\n",
        ),
        (
            "services:\n  r:\n    command:\n      - redis-server\n      - --port\n      - \"7001\"\n",
            "services:\n  r:\n    command:\n      - redis-server\n      - --port\n      - \"7001\"\n      - \"--cluster-announce-ip\"\n      - 127.0.0.1\n      - \"--cluster-announce-port\"\n      - \"7001\"\n",
        ),
    ];
    for (text, want) in cases {
        let p = load(text);
        let command = service(&p, "r").get("command").unwrap();
        let e = builders::append_args(&p, command, &args).unwrap();
        assert_eq!(apply(&p, &[e]), want);
    }
    // A command with a variable is not rewritten.
    let p = load("services:\n  r:\n    command: redis-server --port ${PORT:-7001}\n");
    let command = service(&p, "r").get("command").unwrap();
    assert!(builders::append_args(&p, command, &args).is_none());
}
