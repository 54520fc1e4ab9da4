#!/usr/bin/env python3
"""Hygiene findings over the corpus, one project per file (`composefix -f FILE`).

Prints the count per HYG code over every compose file, and the acceptance figure: of the files
docker-compose accepts (ORACLE.tsv exit_code 0), the share with no hygiene finding other than
HYG001 and HYG004. With --sample N --seed S, also prints N findings picked at random (seeded).

usage: scripts/hygiene_corpus.py [--binary target/debug/composefix]
                                 [--corpus ../shared/corpus] [--sample 20 --seed 7]
"""
import argparse, collections, json, os, random, subprocess, sys
from concurrent.futures import ThreadPoolExecutor


def run(binary, corpus, rel):
    path = os.path.join(corpus, rel)
    out = subprocess.run(
        [binary, "-f", path, "--format", "json", "--isolated"],
        capture_output=True, text=True, cwd=os.path.dirname(path), env={"PATH": os.environ["PATH"]},
    )
    try:
        found = json.loads(out.stdout)["diagnostics"]
    except (ValueError, KeyError):
        print(f"no JSON for {rel}: {out.stderr.strip()[:200]}", file=sys.stderr)
        return rel, []
    return rel, [d for d in found if d["code"].startswith("HYG")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/debug/composefix")
    ap.add_argument("--corpus", default="../shared/corpus")
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    args.corpus = os.path.abspath(args.corpus)
    rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(args.corpus, "ORACLE.tsv"))][1:]
    accepted = {r[0] for r in rows if r[1] == "0"}
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(pool.map(lambda r: run(binary, args.corpus, r[0]), rows))
    per_code = collections.Counter(d["code"] for f in results.values() for d in f)
    files_per_code = collections.Counter(c for f in results.values() for c in {d["code"] for d in f})
    print("code    findings  files   (all %d compose files)" % len(rows))
    for code in sorted(per_code):
        print(f"{code}  {per_code[code]:8}  {files_per_code[code]:5}")
    clean = [f for f in accepted if not any(d["code"] not in ("HYG001", "HYG004") for d in results[f])]
    print(f"accepted files: {len(accepted)}; without a hygiene finding other than HYG001/HYG004: "
          f"{len(clean)} ({100.0 * len(clean) / len(accepted):.1f}%)")
    other = collections.Counter(d["code"] for f in accepted for d in results[f]
                                if d["code"] not in ("HYG001", "HYG004"))
    print("on accepted files, other codes:", dict(sorted(other.items())))
    if args.sample:
        pool = sorted(((f, d) for f, ds in results.items() for d in ds),
                      key=lambda x: (x[0], x[1]["span"]["start"]["offset"] if x[1].get("span") else 0, x[1]["code"]))
        random.seed(args.seed)
        for f, d in random.sample(pool, min(args.sample, len(pool))):
            line = d["span"]["start"]["line"] if d.get("span") else "-"
            print(f"{d['code']} {f}:{line} [{d.get('service')}] {d['message']}")


if __name__ == "__main__":
    main()
