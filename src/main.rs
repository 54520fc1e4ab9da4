//! The `composefix` command line: parse arguments, run, map the outcome to an exit code.

use clap::{Args, Parser, Subcommand, ValueEnum};
use composefix::diagnostic::{Platform, Severity};
use composefix::engine::{self, CheckOptions};
use composefix::project::{self, LoadOptions, emit};
use composefix::report::{self, Format};
use composefix::rules::{self, Selection};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc: a 2000-service project allocates about half a million small values, and glibc's
/// malloc spent a fifth of the run's instructions (and 8,600 page faults) on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Finds Docker Compose configurations that cannot connect, and fixes them.
#[derive(Parser)]
#[command(name = "composefix", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    check: CheckArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Lint compose projects (the default command).
    Check(CheckArgs),
    /// List every rule: code, name, severity, platforms, fix.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// Print a rule's documentation.
    Rule {
        /// A rule code (`SYN002`) or name (`duplicate-key`).
        code: String,
    },
    /// Print the resolved project (merged, interpolated) as YAML.
    Config {
        #[command(flatten)]
        project: ProjectArgs,
        /// Print it with the safe fixes applied (the files are not touched).
        #[arg(long)]
        fix: bool,
        /// With `--fix`, include the fixes marked `review`.
        #[arg(long)]
        unsafe_fixes: bool,
        /// Hide secrets, to paste the output into an issue: interpolated variables stay
        /// `${VAR}`, values of keys like `*PASSWORD*`, `*SECRET*`, `*TOKEN*`, `*KEY*` are
        /// `<redacted>`.
        #[arg(long)]
        redact: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Human,
    Concise,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Target {
    Mac,
    Windows,
    Linux,
}

/// Which project(s) and how to load them.
#[derive(Args, Clone, Default)]
struct ProjectArgs {
    /// Compose files or directories (searched recursively); `-` reads stdin.
    paths: Vec<PathBuf>,
    /// The files of one project, merged in order (like `docker compose -f`).
    #[arg(short = 'f', long = "file")]
    files: Vec<PathBuf>,
    /// Variables for interpolation (repeatable); default: `.env` beside the project.
    #[arg(long = "env-file")]
    env_files: Vec<PathBuf>,
    /// Also take variables from the process environment.
    #[arg(long)]
    use_process_env: bool,
    /// The file name stdin stands for.
    #[arg(long)]
    stdin_filename: Option<String>,
    /// The largest compose or env file read, in bytes (`K`, `M`, `G` suffixes: KiB, MiB, GiB;
    /// default 16M).
    #[arg(long, value_parser = parse_size)]
    max_file_size: Option<usize>,
}

/// `4096`, `512K`, `16M`, `1G`: a size in bytes, with binary suffixes.
fn parse_size(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let (digits, shift) = match t.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&t[..t.len() - 1], 10),
        Some('M') => (&t[..t.len() - 1], 20),
        Some('G') => (&t[..t.len() - 1], 30),
        _ => (t, 0),
    };
    digits
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("`{text}` is not a size: write bytes, or a number with K, M or G"))
}

#[derive(Args, Clone)]
struct CheckArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// Platforms to check for (default: all).
    #[arg(long, value_enum, value_delimiter = ',')]
    target: Vec<Target>,
    /// Only these rules: codes, code prefixes or names (comma-separated).
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Skip these rules: codes, code prefixes or names (comma-separated).
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,
    /// Print the fixes as a unified diff; write nothing.
    #[arg(long)]
    diff: bool,
    /// Apply the fixes to the files.
    #[arg(long)]
    write: bool,
    /// Include the fixes marked `review`.
    #[arg(long)]
    unsafe_fixes: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => run_check(cli.check),
        Some(Command::Check(args)) => run_check(args),
        Some(Command::Rules { format }) => list_rules(format),
        Some(Command::Rule { code }) => show_rule(&code),
        Some(Command::Config {
            project,
            fix,
            unsafe_fixes,
            redact,
        }) => show_config(project, fix, unsafe_fixes, redact),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("composefix: {message}");
            ExitCode::from(2)
        }
    }
}

fn options(project: ProjectArgs, selection: Selection, targets: Vec<Platform>) -> CheckOptions {
    CheckOptions {
        paths: project.paths,
        files: project.files,
        stdin_filename: project.stdin_filename,
        load: LoadOptions {
            env_files: project.env_files,
            use_process_env: project.use_process_env,
            limits: composefix::source::Limits {
                max_bytes: project
                    .max_file_size
                    .unwrap_or(composefix::source::Limits::default().max_bytes),
                ..Default::default()
            },
            ..LoadOptions::default()
        },
        selection,
        targets,
    }
}

fn run_check(args: CheckArgs) -> Result<ExitCode, String> {
    let selection = Selection::new(&args.select, &args.ignore).map_err(|e| e.to_string())?;
    let targets = args
        .target
        .iter()
        .map(|t| match t {
            Target::Mac => Platform::Mac,
            Target::Windows => Platform::Windows,
            Target::Linux => Platform::Linux,
        })
        .collect();
    let opts = options(args.project, selection, targets);
    let mut fixing = None;
    let result = if args.diff || args.write {
        let (outcome, result) = engine::fix(&opts, args.unsafe_fixes).map_err(|e| e.to_string())?;
        fixing = Some(apply_outcome(&outcome, args.diff, args.write)?);
        result
    } else {
        engine::check(&opts).map_err(|e| e.to_string())?
    };
    warn_empty_dirs(&result.empty_dirs);
    let show_findings = !args.diff || args.write;
    let format = match args.format {
        OutputFormat::Human => Format::Human,
        OutputFormat::Concise => Format::Concise,
        OutputFormat::Json => Format::Json,
    };
    let stdout = std::io::stdout();
    let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = if show_findings {
        report::write(&mut out, format, &result.diagnostics, result.totals, color)
            .and_then(|()| out.flush())
    } else {
        Ok(())
    };
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(format!("cannot write the report: {e}"));
        }
        _ => {}
    }
    let failing = result
        .diagnostics
        .iter()
        .any(|d| d.severity >= Severity::Warning);
    // The process ends here: freeing a large model would only delay the exit.
    std::mem::forget(result);
    match fixing {
        Some(Fixing { failed: true, .. }) => return Ok(ExitCode::from(2)),
        Some(Fixing {
            diff_printed: true,
            write: false,
            ..
        }) => return Ok(ExitCode::from(1)),
        Some(Fixing { write: false, .. }) => return Ok(ExitCode::SUCCESS),
        _ => {}
    }
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Says which named directories held no compose file.
fn warn_empty_dirs(dirs: &[std::path::PathBuf]) {
    for dir in dirs {
        eprintln!(
            "composefix: warning: no compose file found under `{}`",
            dir.display()
        );
    }
}

/// What `--diff` / `--write` did, for the exit code.
struct Fixing {
    diff_printed: bool,
    write: bool,
    failed: bool,
}

/// Prints the diff and/or writes the files of a fix run; reports what failed on stderr.
fn apply_outcome(outcome: &engine::FixOutcome, diff: bool, write: bool) -> Result<Fixing, String> {
    let mut failed = false;
    for failure in &outcome.failures {
        eprintln!("composefix: internal error: {failure}");
        failed = true;
    }
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut diff_printed = false;
    for (path, (old, new)) in &outcome.changed {
        if diff {
            let text = engine::write::unified_diff(&project::display_name(path), old, new);
            diff_printed |= !text.is_empty();
            let _ = stdout.write_all(text.as_bytes());
        }
    }
    let _ = stdout.flush();
    drop(stdout);
    if write {
        let mut written = 0;
        for (path, (old, new)) in &outcome.changed {
            match engine::write::write_atomic(path, old, new) {
                Ok(()) => written += 1,
                Err(e) => {
                    eprintln!("composefix: {e}");
                    failed = true;
                }
            }
        }
        if !outcome.applied.is_empty() {
            eprintln!(
                "Fixed {} finding{} in {written} file{}.",
                outcome.applied.len(),
                if outcome.applied.len() == 1 { "" } else { "s" },
                if written == 1 { "" } else { "s" }
            );
        }
    }
    Ok(Fixing {
        diff_printed,
        write,
        failed,
    })
}

fn list_rules(format: ListFormat) -> Result<ExitCode, String> {
    let mut out = String::new();
    match format {
        ListFormat::Human => {
            for r in rules::registry() {
                let platforms: Vec<&str> = r.platforms.iter().map(|p| p.as_str()).collect();
                out.push_str(&format!(
                    "{:<7} {:<28} {:<8} {:<19} fix: {:<7} {}\n",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    platforms.join(","),
                    r.fix.as_str(),
                    r.summary()
                ));
            }
        }
        ListFormat::Json => {
            /// One rule in `rules --format json`, fields in this order.
            #[derive(serde::Serialize)]
            struct JsonRule<'a> {
                code: &'a str,
                name: &'a str,
                severity: &'a str,
                platforms: Vec<&'a str>,
                fix: &'a str,
                summary: &'a str,
            }
            let list: Vec<JsonRule> = rules::registry()
                .map(|r| JsonRule {
                    code: r.code,
                    name: r.name,
                    severity: r.severity.as_str(),
                    platforms: r.platforms.iter().map(|p| p.as_str()).collect(),
                    fix: r.fix.as_str(),
                    summary: r.summary(),
                })
                .collect();
            out = serde_json::to_string_pretty(&list).map_err(|e| e.to_string())? + "\n";
        }
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn show_rule(code: &str) -> Result<ExitCode, String> {
    let rule = rules::find(code).ok_or_else(|| format!("no rule has the code or name `{code}`"))?;
    print!("{}", rule.doc);
    Ok(ExitCode::SUCCESS)
}

fn show_config(
    args: ProjectArgs,
    fix: bool,
    unsafe_fixes: bool,
    redact: bool,
) -> Result<ExitCode, String> {
    let mut opts = options(args, Selection::default(), Vec::new());
    if fix {
        let (outcome, _) = engine::fix(&opts, unsafe_fixes).map_err(|e| e.to_string())?;
        for failure in &outcome.failures {
            eprintln!("composefix: internal error: {failure}");
        }
        opts.load.overlay = outcome
            .changed
            .into_iter()
            .map(|(path, (_, new))| (path, new))
            .collect();
    }
    let (projects, empty_dirs) = engine::load_projects(&opts).map_err(|e| e.to_string())?;
    warn_empty_dirs(&empty_dirs);
    let [project] = projects.as_slice() else {
        return Err(format!(
            "`config` prints one project, and the paths name {}; pass one file, or `-f` files",
            projects.len()
        ));
    };
    let errors: Vec<_> = project
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if !errors.is_empty() {
        let mut err = std::io::stderr().lock();
        let owned: Vec<_> = errors.into_iter().cloned().collect();
        let _ = report::write(&mut err, Format::Human, &owned, Default::default(), false);
        return Ok(ExitCode::from(1));
    }
    match &project.model {
        Some(model) => {
            let redact = if redact {
                emit::Redact::Secrets
            } else {
                emit::Redact::Nothing
            };
            print!("{}", emit::to_yaml(model, redact));
        }
        None => return Err("the project has no content".into()),
    }
    Ok(ExitCode::SUCCESS)
}
