#!/usr/bin/env python3
"""Writes the inputs of issue 18's scale budget into DIR, one folder each, and with --run times
the release binary on each (`/usr/bin/time -v`: wall clock and max RSS).

  benches/scale.py DIR [--run]

Every input must end, with findings or exit 2, within 1 s and 256 MiB.
"""
import os
import subprocess
import sys


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def brokers(d, n=20000):
    out = ["services:"]
    for i in range(n):
        out += [
            f"  kafka{i}:",
            "    image: confluentinc/cp-kafka:7.6.0",
            f"    ports: [\"{10000 + i % 50000}:9092\"]",
            "    environment:",
            f"      KAFKA_BROKER_ID: {i}",
            "      KAFKA_ZOOKEEPER_CONNECT: zookeeper:2181",
            f"      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka{i}:9092,HOST://localhost:{10000 + i % 50000}",
            "      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: PLAINTEXT:PLAINTEXT,HOST:PLAINTEXT",
            "      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 3",
        ]
    out += ["  zookeeper:", "    image: confluentinc/cp-zookeeper:7.6.0", ""]
    write(f"{d}/brokers/compose.yaml", "\n".join(out))


def env_keys(d, n=10000):
    env = "\n".join(f"      KEY_{i}: value_{i}_${{TAG:-x}}" for i in range(n))
    lst = "\n".join(f"      - LIST_{i}=v{i}" for i in range(n))
    write(f"{d}/env-keys/keys.env", "".join(f"FILE_{i}=f{i}\n" for i in range(n)))
    write(f"{d}/env-keys/.env", "".join(f"DOT_{i}=d{i}\n" for i in range(n)) + "TAG=1\n")
    write(
        f"{d}/env-keys/compose.yaml",
        f"services:\n  app:\n    image: busybox\n    env_file: keys.env\n    environment:\n{env}\n"
        f"  other:\n    image: busybox\n    env_file: keys.env\n    environment:\n{lst}\n",
    )


def include_fanout(d, n=2000):
    # Every included project has its own .env and includes one shared file.
    inc = "\n".join(f"  - sub{i}/compose.yaml" for i in range(n))
    write(f"{d}/include-fanout/compose.yaml", f"include:\n{inc}\nservices:\n  root: {{image: busybox}}\n")
    write(f"{d}/include-fanout/common/compose.yaml", "services:\n  common: {image: busybox}\n")
    dotenv = "".join(f"V{j}=x{j}\n" for j in range(50))
    for i in range(n):
        write(f"{d}/include-fanout/sub{i}/.env", dotenv)
        write(
            f"{d}/include-fanout/sub{i}/compose.yaml",
            f"include: [../common/compose.yaml]\nservices:\n  s{i}:\n    image: \"busybox:${{V1}}\"\n"
            f"    env_file: .env\n    ports: [\"{20000 + i}:80\"]\n",
        )


def port_ranges(d, n=200):
    out = ["services:"]
    for i in range(n):
        out += [f"  s{i}:", "    image: busybox", '    ports: ["1-65535:1-65535"]']
    write(f"{d}/ports-range/compose.yaml", "\n".join(out) + "\n")


def bomb(d):
    lines = ["A0=xx"] + [f"A{k}=${{A{k - 1}}}${{A{k - 1}}}" for k in range(1, 100)]
    write(f"{d}/dotenv-bomb/.env", "\n".join(lines) + "\n")
    write(f"{d}/dotenv-bomb/compose.yaml", "services:\n  x:\n    image: ${A99}\n")


def dev_zero(d):
    write(
        f"{d}/dev-zero/compose.yaml",
        "include: [/dev/zero]\nservices:\n  x:\n    image: busybox\n    env_file: /dev/zero\n",
    )


def main():
    d = sys.argv[1]
    for make in (brokers, env_keys, include_fanout, port_ranges, bomb, dev_zero):
        make(d)
    if "--run" not in sys.argv:
        return
    binary = os.path.join(os.path.dirname(__file__), "..", "target", "release", "composefix")
    target = os.environ.get("CARGO_TARGET_DIR")
    if target:
        binary = os.path.join(target, "release", "composefix")
    for name in sorted(os.listdir(d)):
        run = subprocess.run(
            ["/usr/bin/time", "-v", binary, "--format", "concise"],
            cwd=os.path.join(d, name),
            capture_output=True,
            text=True,
        )
        stats = dict(
            line.strip().rsplit(": ", 1) for line in run.stderr.splitlines() if ": " in line
        )
        wall = stats.get("Elapsed (wall clock) time (h:mm:ss or m:ss)", "?")
        rss = int(stats.get("Maximum resident set size (kbytes)", "0")) // 1024
        findings = run.stdout.strip().splitlines()[-1:] or [""]
        print(f"{name:16} exit {run.returncode}  {wall:>8}  {rss:4} MiB  {findings[0][:60]}")


main()
