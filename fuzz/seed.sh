#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ (git-ignored) with seeds for the cargo-fuzz targets: the files of
# testdata/ and, when it is there, of ../shared/corpus/files/ (third-party files: copied here
# for a local run, never committed). A compose file with a `.env` beside it also gives the
# project_load target one seed of both, joined by the separator of tests/properties/mod.rs
# (ENV_SEPARATOR); the connection_strings target gets the URL-like words of those files.
set -euo pipefail
cd "$(dirname "$0")"
root=..
corpus=corpus
mkdir -p "$corpus"/{yaml_load,project_load,connection_strings,fix_application}

sources=("$root/testdata")
if [ -d "$root/../shared/corpus/files" ]; then
    sources+=("$root/../shared/corpus/files")
else
    echo "seed.sh: no ../shared/corpus/files beside the repository; seeding from testdata/ only" >&2
fi

# Each seed is named by its SHA-1, as libFuzzer names what it adds.
put() { # put TARGET < content
    local tmp
    tmp=$(mktemp)
    cat > "$tmp"
    mv "$tmp" "$corpus/$1/$(sha1sum < "$tmp" | cut -c1-40)"
}

find "${sources[@]}" -type f -print0 | while IFS= read -r -d '' f; do
    for t in yaml_load project_load fix_application; do put "$t" < "$f"; done
    case "$f" in
    *.yaml | *.yml)
        env="$(dirname "$f")/.env"
        if [ -f "$env" ]; then
            { cat "$f"; printf '\n#### .env\n'; cat "$env"; } | put project_load
        fi
        ;;
    esac
done

# Connection strings: URLs, JDBC URLs and host:port lists written in the seeds.
find "${sources[@]}" -type f -print0 |
    xargs -0 grep -ahoE '[A-Za-z][A-Za-z0-9+.:-]*://[^][ "'"'"'<>]+|\b[A-Za-z0-9_.-]+:[0-9]{2,5}(,[A-Za-z0-9_.-]+:[0-9]{2,5})*' |
    sort -u | while IFS= read -r s; do printf '%s' "$s" | put connection_strings; done

for t in yaml_load project_load connection_strings fix_application; do
    echo "$t: $(find "$corpus/$t" -type f | wc -l) seeds"
done
