//! The `composefix` command line: parse arguments, run, map the outcome to an exit code.

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use composefix::config::{ConfigChoice, Overrides};
use composefix::diagnostic::{Platform, Severity};
use composefix::engine::{self, CheckOptions};
use composefix::graph;
use composefix::project::{self, LoadOptions, emit};
use composefix::report::{self, Format, ReportOptions};
use composefix::rules::{self, Layer};
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
    /// Print a shell completion script (`composefix completions bash > …`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `composefix man > composefix.1`.
    Man,
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
    /// Draw one project: services by network, published ports, who connects to whom, and
    /// the broken connections with their rule codes.
    Graph {
        #[command(flatten)]
        project: ProjectArgs,
        /// Diagram format.
        #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
        format: GraphFormat,
    },
    /// Run the language server (LSP over stdio): diagnostics, quick fixes, hover, definition.
    Server,
}

#[derive(Clone, Copy, ValueEnum)]
enum GraphFormat {
    Mermaid,
    Dot,
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
    Sarif,
    Github,
    Junit,
    Gitlab,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour a stream that is (or is not) a terminal.
    fn enabled(self, terminal: bool) -> bool {
        let set = |name| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto if set("NO_COLOR") => false,
            ColorChoice::Auto => terminal || set("FORCE_COLOR"),
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum FailLevel {
    Error,
    Warning,
    Info,
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
    /// Activate this profile (repeatable, as `docker compose --profile`); default: the
    /// comma-separated `COMPOSE_PROFILES` of `.env` (or the environment). `config` leaves out
    /// the services of other profiles; the rules check every service.
    #[arg(long = "profile", value_name = "PROFILE")]
    profiles: Vec<String>,
    /// The file name stdin stands for.
    #[arg(long)]
    stdin_filename: Option<String>,
    /// In directory searches, take compose file names only, not other YAML files whose
    /// top-level keys are all Compose keys.
    #[arg(long)]
    no_sniff: bool,
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
    /// Only these rules: codes, code prefixes or names (comma-separated); replaces the
    /// configuration's `select`.
    #[arg(long, value_delimiter = ',')]
    select: Option<Vec<String>>,
    /// Also these rules, on top of those selected.
    #[arg(long, value_delimiter = ',')]
    extend_select: Vec<String>,
    /// Skip these rules: codes, code prefixes or names (comma-separated).
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// The lowest severity that makes the exit status 1 (default: warning).
    #[arg(long, value_enum)]
    fail_level: Option<FailLevel>,
    /// Exit 0 even when there are findings (2 still means composefix could not run).
    #[arg(long)]
    exit_zero: bool,
    /// Use this configuration file for every project instead of the nearest composefix.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long)]
    isolated: bool,
    /// Skip paths matching this glob in directory searches (repeatable).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Print the findings and nothing else (no summary, no "All checks passed").
    #[arg(short, long)]
    quiet: bool,
    /// Colour the human output: `auto` (on a terminal, unless NO_COLOR is set; FORCE_COLOR
    /// forces it), `always` or `never`.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Output format.
    #[arg(long, visible_alias = "output-format", value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "PATH")]
    output_file: Option<PathBuf>,
    /// Also show the findings that inline comments suppress (marked).
    #[arg(long)]
    show_suppressed: bool,
    /// Human and concise: print a count per rule instead of the findings.
    #[arg(long)]
    statistics: bool,
    /// Human and concise: list the fixes available after the findings.
    #[arg(long)]
    show_fixes: bool,
    /// Print the fixes as a unified diff; write nothing.
    #[arg(long)]
    diff: bool,
    /// Apply the fixes to the files (`--fix` is the same).
    #[arg(long, visible_alias = "fix")]
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
        Some(Command::Completions { shell }) => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "composefix", &mut out);
            print_bytes(&out)
        }
        Some(Command::Man) => {
            let mut out = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut out) {
                Ok(()) => print_bytes(&out),
                Err(e) => Err(e.to_string()),
            }
        }
        Some(Command::Config {
            project,
            fix,
            unsafe_fixes,
            redact,
        }) => show_config(project, fix, unsafe_fixes, redact),
        Some(Command::Graph { project, format }) => show_graph(project, format),
        Some(Command::Server) => composefix::server::stdio().map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            note(&message);
            ExitCode::from(2)
        }
    }
}

fn options(project: ProjectArgs, config: ConfigChoice, overrides: Overrides) -> CheckOptions {
    CheckOptions {
        paths: project.paths,
        files: project.files,
        stdin_filename: project.stdin_filename,
        stdin_text: None,
        load: LoadOptions {
            env_files: project.env_files,
            use_process_env: project.use_process_env,
            profiles: project.profiles,
            limits: composefix::source::Limits {
                max_bytes: project
                    .max_file_size
                    .unwrap_or(composefix::source::Limits::default().max_bytes),
                ..Default::default()
            },
            ..LoadOptions::default()
        },
        config,
        overrides,
        no_sniff: project.no_sniff,
        progress: None,
    }
}

/// The progress line of a big run, on a terminal's stderr: rewritten in place, then erased.
fn show_progress(done: usize, total: usize) {
    let mut err = std::io::stderr().lock();
    let _ = if done == total {
        write!(err, "\r\x1b[K")
    } else {
        write!(err, "\rChecking… {done}/{total} projects")
    };
    let _ = err.flush();
}

/// The configuration the flags choose and what they set over it.
fn settings(args: &CheckArgs) -> Result<(ConfigChoice, Overrides), String> {
    let layer = Layer {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
    };
    if let Some(bad) = [&layer.extend_select, &layer.ignore]
        .into_iter()
        .chain(layer.select.as_ref())
        .flatten()
        .find(|s| !rules::names_a_rule(s))
    {
        return Err(format!(
            "`{bad}` is not a rule code, code prefix or rule name"
        ));
    }
    let choice = match (&args.config, args.isolated) {
        (Some(file), _) => ConfigChoice::File(file.clone()),
        (None, true) => ConfigChoice::Isolated,
        (None, false) => ConfigChoice::Discover,
    };
    let overrides = Overrides {
        layer,
        targets: args
            .target
            .iter()
            .map(|t| match t {
                Target::Mac => Platform::Mac,
                Target::Windows => Platform::Windows,
                Target::Linux => Platform::Linux,
            })
            .collect(),
        fail_level: args.fail_level.map(|l| match l {
            FailLevel::Error => Severity::Error,
            FailLevel::Warning => Severity::Warning,
            FailLevel::Info => Severity::Info,
        }),
        exclude: args.exclude.clone(),
    };
    Ok((choice, overrides))
}

/// Runs the engine; a configuration error is rendered with its snippet.
fn run_error(e: engine::RunError) -> String {
    match e {
        engine::RunError::Config(e) => {
            let color = std::io::stderr().is_terminal();
            let rendered = report::config_error(&e, color);
            format!("cannot use the configuration\n{}", rendered.trim_end())
        }
        engine::RunError::MissingPath(path) if is_bare_word(&path) => {
            let commands: Vec<String> = Cli::command()
                .get_subcommands()
                .map(|c| c.get_name().to_string())
                .collect();
            format!(
                "`{}` is neither a command nor a file; the commands are {}",
                path.display(),
                commands.join(", ")
            )
        }
        e => e.to_string(),
    }
}

/// Prints generated text: [`print_out`], then success.
fn print_bytes(bytes: &[u8]) -> Result<ExitCode, String> {
    print_out(bytes).map(|()| ExitCode::SUCCESS)
}

/// A path that reads like a mistyped command (`composefix rulez`): one word, no extension.
fn is_bare_word(path: &std::path::Path) -> bool {
    path.to_str().is_some_and(|s| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    })
}

fn run_check(args: CheckArgs) -> Result<ExitCode, String> {
    let plain = matches!(args.format, OutputFormat::Human | OutputFormat::Concise);
    if (args.statistics || args.show_fixes) && !plain {
        return Err(
            "`--statistics` and `--show-fixes` go with `--format human` or `concise`".into(),
        );
    }
    let (choice, overrides) = settings(&args)?;
    let mut opts = options(args.project.clone(), choice, overrides);
    if plain && !args.quiet && std::io::stderr().is_terminal() {
        opts.progress = Some(show_progress);
    }
    let mut fixing = None;
    let result = if args.diff || args.write {
        engine::read_stdin(&mut opts).map_err(|e| e.to_string())?;
        let (outcome, result) = engine::fix(&opts, args.unsafe_fixes).map_err(run_error)?;
        fixing = Some(apply_outcome(&outcome, &opts, args.diff, args.write)?);
        result
    } else {
        engine::check(&opts).map_err(run_error)?
    };
    warn_empty_dirs(&result.empty_dirs);
    let show_findings = !args.diff || args.write;
    if show_findings {
        // `--write -` puts the fixed text on stdout, and the findings on stderr.
        let to_stderr = args.write && opts.stdin_path().is_some();
        write_report(&args, &result, to_stderr)?;
    }
    let no_project = !result.empty_dirs.is_empty();
    if plain && !args.quiet && !no_project && show_findings && visible(&result.diagnostics) == 0 {
        eprintln!(
            "All checks passed: {}, {}.",
            count(result.totals.files, "file"),
            count(result.totals.projects, "project")
        );
    }
    let failing = result.failing && !args.exit_zero;
    // The process ends here: freeing a large model would only delay the exit.
    std::mem::forget(result);
    match fixing {
        Some(Fixing { failed: true, .. }) => return Ok(ExitCode::from(2)),
        _ if no_project => return Ok(ExitCode::from(2)),
        Some(Fixing {
            diff_printed: true,
            write: false,
            ..
        }) if !args.exit_zero => return Ok(ExitCode::from(1)),
        Some(Fixing { withheld: true, .. }) if !args.exit_zero => return Ok(ExitCode::from(1)),
        Some(Fixing { write: false, .. }) => return Ok(ExitCode::SUCCESS),
        _ => {}
    }
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The findings a person sees: those no comment suppresses.
fn visible(diagnostics: &[composefix::diagnostic::Diagnostic]) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.suppression.is_none())
        .count()
}

/// "1 file", "3 files".
fn count(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Writes the findings of `result` in the format `args` asks for, to stdout or `--output-file`.
/// With `to_stderr` (`--write -`, whose fixed text takes stdout), the findings go to stderr.
fn write_report(
    args: &CheckArgs,
    result: &engine::CheckResult,
    to_stderr: bool,
) -> Result<(), String> {
    let format = match args.format {
        OutputFormat::Human => Format::Human,
        OutputFormat::Concise => Format::Concise,
        OutputFormat::Json => Format::Json,
        OutputFormat::Sarif => Format::Sarif,
        OutputFormat::Github => Format::Github,
        OutputFormat::Junit => Format::Junit,
        OutputFormat::Gitlab => Format::Gitlab,
    };
    let mut options = ReportOptions {
        color: false,
        show_suppressed: args.show_suppressed,
        statistics: args.statistics,
        show_fixes: args.show_fixes,
    };
    let stdout = std::io::stdout();
    let mut out: Box<dyn Write> = match &args.output_file {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .map_err(|e| format!("cannot create `{}`: {e}", path.display()))?,
        )),
        None if to_stderr => Box::new(std::io::stderr().lock()),
        None => {
            options.color = args.color.enabled(stdout.is_terminal());
            Box::new(std::io::BufWriter::new(stdout.lock()))
        }
    };
    let written = report::write(
        &mut out,
        format,
        &result.diagnostics,
        &result.totals,
        options,
    )
    .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write the report: {e}"))
        }
        _ => Ok(()),
    }
}

/// Says which named directories held no compose file (exit 2: a path that checks nothing
/// must not pass CI).
fn warn_empty_dirs(dirs: &[std::path::PathBuf]) {
    for dir in dirs {
        note(&format!(
            "error: no compose file found under `{}`",
            dir.display()
        ));
    }
}

/// What `--diff` / `--write` did, for the exit code.
struct Fixing {
    diff_printed: bool,
    write: bool,
    /// A fix was withheld: its finding stays (exit 1, as for findings).
    withheld: bool,
    /// A file could not be written, or the fixes did not converge (exit 2).
    failed: bool,
}

/// Prints the diff and/or writes the files of a fix run (stdin's fixed text goes to stdout);
/// reports on stderr the fixes withheld and what failed.
fn apply_outcome(
    outcome: &engine::FixOutcome,
    opts: &CheckOptions,
    diff: bool,
    write: bool,
) -> Result<Fixing, String> {
    for withheld in &outcome.withheld {
        note(&withheld.to_string());
    }
    for failure in &outcome.failures {
        note(&format!("internal error: {failure}"));
    }
    let mut failed = !outcome.failures.is_empty();
    let stdin = opts.stdin_path();
    let mut diff_printed = false;
    if diff {
        let mut text = String::new();
        for (path, (old, new)) in &outcome.changed {
            text.push_str(&engine::diff::unified_diff(
                &project::display_name(path),
                old,
                new,
            ));
        }
        diff_printed = !text.is_empty();
        print_out(text.as_bytes())?;
    }
    if write {
        let mut written = 0;
        for (path, (old, new)) in &outcome.changed {
            if Some(path) == stdin.as_ref() {
                continue;
            }
            match engine::write::write_atomic(path, old, new) {
                Ok(()) => written += 1,
                Err(e) => {
                    note(&e.to_string());
                    failed = true;
                }
            }
        }
        if let Some(path) = &stdin {
            let fixed = match outcome.changed.get(path) {
                Some((_, new)) => new.as_bytes(),
                None => opts.stdin_text.as_deref().unwrap_or_default(),
            };
            print_out(fixed)?;
            written += usize::from(outcome.changed.contains_key(path));
        }
        if written > 0 {
            let n = outcome.applied.len();
            let _ = writeln!(
                std::io::stderr(),
                "Fixed {n} finding{} in {written} file{}.",
                if n == 1 { "" } else { "s" },
                if written == 1 { "" } else { "s" }
            );
        }
    }
    Ok(Fixing {
        diff_printed,
        write,
        withheld: !outcome.withheld.is_empty(),
        failed,
    })
}

/// Writes `bytes` to stdout. A reader that has gone (a closed pipe: `composefix rules | head
/// -1`) is not an error: the rest of the output is not wanted, and the run ends as it would
/// have, silently (Rust ignores SIGPIPE, so the write fails with EPIPE instead of killing the
/// process; exiting 0 rather than 141 keeps `set -o pipefail` scripts working). Any other
/// failure (a full disk) is an error (exit 2).
fn print_out(bytes: &[u8]) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to standard output: {e}"))
        }
        _ => Ok(()),
    }
}

/// Writes `composefix: <message>` to stderr; a stderr that cannot be written is ignored (there
/// is nowhere left to say so).
fn note(message: &str) {
    let _ = writeln!(std::io::stderr(), "composefix: {message}");
}

fn list_rules(format: ListFormat) -> Result<ExitCode, String> {
    let mut out = String::new();
    let mut all: Vec<_> = rules::registry().collect();
    all.sort_by_key(|r| r.code);
    match format {
        ListFormat::Human => {
            let platforms = |r: &composefix::diagnostic::RuleInfo| {
                let names: Vec<&str> = r.platforms.iter().map(|p| p.as_str()).collect();
                names.join(",")
            };
            let name_width = all.iter().map(|r| r.name.len()).max().unwrap_or(0);
            let platform_width = all.iter().map(|r| platforms(r).len()).max().unwrap_or(0);
            for r in &all {
                out.push_str(&format!(
                    "{:<7} {:<name_width$} {:<8} {:<platform_width$} fix: {:<7} default: {:<4} {}\n",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    platforms(r),
                    r.fix.as_str(),
                    r.activation.as_str(),
                    r.one_line()
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
                default: &'a str,
                summary: &'a str,
            }
            let list: Vec<JsonRule> = all
                .iter()
                .map(|r| JsonRule {
                    code: r.code,
                    name: r.name,
                    severity: r.severity.as_str(),
                    platforms: r.platforms.iter().map(|p| p.as_str()).collect(),
                    fix: r.fix.as_str(),
                    default: r.activation.as_str(),
                    summary: r.summary(),
                })
                .collect();
            out = serde_json::to_string_pretty(&list).map_err(|e| e.to_string())? + "\n";
        }
    }
    print_out(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn show_rule(code: &str) -> Result<ExitCode, String> {
    let rule = rules::find(code).ok_or_else(|| format!("no rule has the code or name `{code}`"))?;
    print_out(rule.doc.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn show_config(
    args: ProjectArgs,
    fix: bool,
    unsafe_fixes: bool,
    redact: bool,
) -> Result<ExitCode, String> {
    let mut opts = options(args, ConfigChoice::Discover, Overrides::default());
    engine::read_stdin(&mut opts).map_err(|e| e.to_string())?;
    if fix {
        let (outcome, _) = engine::fix(&opts, unsafe_fixes).map_err(run_error)?;
        for withheld in &outcome.withheld {
            note(&withheld.to_string());
        }
        for failure in &outcome.failures {
            note(&format!("internal error: {failure}"));
        }
        opts.load.overlay = outcome
            .changed
            .into_iter()
            .map(|(path, (_, new))| (path, new))
            .collect();
    }
    let (projects, empty_dirs) = engine::load_projects(&opts).map_err(run_error)?;
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
        let _ = report::write(
            &mut err,
            Format::Human,
            &owned,
            &Default::default(),
            ReportOptions::default(),
        );
        return Ok(ExitCode::from(1));
    }
    match project::view::config_model(project) {
        Some(model) => {
            let redact = if redact {
                emit::Redact::Secrets
            } else {
                emit::Redact::Nothing
            };
            print_out(emit::to_yaml(&model, redact).as_bytes())?;
        }
        None => return Err("the project has no content".into()),
    }
    Ok(ExitCode::SUCCESS)
}

/// `composefix graph`: checks the one project the paths name and prints its diagram.
fn show_graph(args: ProjectArgs, format: GraphFormat) -> Result<ExitCode, String> {
    let opts = options(args, ConfigChoice::Discover, Overrides::default());
    let result = engine::check(&opts).map_err(run_error)?;
    warn_empty_dirs(&result.empty_dirs);
    let [project] = result.projects.as_slice() else {
        return Err(format!(
            "`graph` draws one project, and the paths name {}; pass one file, or `-f` files",
            result.projects.len()
        ));
    };
    if project.model.is_none() {
        // Not YAML, or not a mapping: the findings say why.
        let mut err = std::io::stderr().lock();
        let _ = report::write(
            &mut err,
            Format::Human,
            &result.diagnostics,
            &result.totals,
            ReportOptions::default(),
        );
        return Ok(ExitCode::from(1));
    }
    let format = match format {
        GraphFormat::Mermaid => graph::Format::Mermaid,
        GraphFormat::Dot => graph::Format::Dot,
    };
    print_bytes(graph::render(project, &result.diagnostics, format).as_bytes())
}
