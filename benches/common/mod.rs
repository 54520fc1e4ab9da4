//! Inputs shared by the benchmarks.

/// A generated project of `services` services (about 500 bytes each): anchors and merge
/// keys, interpolation, published ports, client URLs, `depends_on`, healthchecks, labels.
pub fn generated(services: usize) -> String {
    let mut text = String::from(
        "x-common: &common\n  restart: unless-stopped\n  logging:\n    driver: json-file\nservices:\n",
    );
    for i in 0..services {
        text.push_str(&format!(
            "  svc-{i}:\n    <<: *common\n    image: \"registry.example.com/team/app-{i}:${{TAG:-1.0.{i}}}\"\n    \
             ports:\n      - \"{port}:8080\"\n    environment:\n      SERVICE_NAME: svc-{i}\n      \
             UPSTREAM_URL: http://svc-{next}:8080/api\n      KAFKA_BOOTSTRAP_SERVERS: kafka-{k}:9092\n      \
             DATABASE_URL: postgres://db:5432/app{i}\n      LOG_LEVEL: info\n    depends_on:\n      - svc-{next}\n    \
             healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8080/health\"]\n      \
             interval: 10s\n      retries: 3\n    labels:\n      - \"team=platform\"\n      - \"tier=backend\"\n",
            port = 10000 + i,
            next = (i + 1) % services,
            k = i % 3,
        ));
    }
    text
}
