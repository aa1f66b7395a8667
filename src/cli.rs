//! The command line: `build`, `lint`, `check`, `init`, `brand validate`.
//! Exit codes: 0 ok; 1 lint found error-severity findings; 2 bad input, configuration
//! or usage.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::brand::{Guide, LintKind, display_path};
use crate::build::{self, BuildLock, BuildOptions, LockWait};
use crate::error::{Error, Result};
use crate::lint::{self, LintContext};
use crate::project::Project;
use crate::render::Channel;
use crate::report::{self, Format};

#[derive(Parser)]
#[command(
    name = "brandpress",
    version,
    about = "Build every channel from one brand guide; lint any output against it."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print only errors, warnings and the report: no summary lines, notes or progress
    /// bars.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Say more: every info finding in a lint report (not one count per rule), every
    /// file a build writes.
    #[arg(long, short, global = true)]
    verbose: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Render the project's content into every channel.
    Build(BuildArgs),
    /// Check files or folders (default: the project's out/) against the brand guide.
    Lint(LintArgs),
    /// Build, then lint what was built.
    Check {
        #[command(flatten)]
        build: BuildArgs,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        #[command(flatten)]
        baseline: BaselineArgs,
    },
    /// Create a new project that builds as it is.
    Init { dir: PathBuf },
    /// Generate a large example project (for benchmarks and load tests).
    #[command(hide = true)]
    Corpus {
        dir: PathBuf,
        #[arg(long, default_value_t = 1000)]
        pieces: usize,
    },
    /// Explain a lint rule: why it exists, what it reports, how to configure it
    /// (`brandpress explain color/off-palette`; `--list` for every rule).
    Explain {
        /// A rule id such as `color/off-palette`.
        #[arg(required_unless_present = "list")]
        rule: Option<String>,
        /// List every rule with its default severity.
        #[arg(long)]
        list: bool,
        /// `text` for a terminal, `markdown` for docs.
        #[arg(long, value_enum, default_value = "text")]
        format: ExplainFormat,
    },
    /// Run the editor server (Language Server Protocol over stdio): diagnostics, quick
    /// fixes and hovers for Markdown, HTML and CSS in a brandpress project.
    Lsp {
        /// Talk over stdin/stdout (the only transport; accepted because LSP clients pass it).
        #[arg(long)]
        stdio: bool,
    },
    /// Join the output folders of `build --shard` jobs into OUT and run the campaign-wide
    /// checks (consistency) over it; or, with --reports, join lint reports into one.
    Merge(MergeArgs),
    /// Export design tokens from the guide, or import them into it.
    Tokens {
        #[command(subcommand)]
        command: TokensCommand,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff), or write one page per command into --out DIR.
    Man {
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Build, serve the output on 127.0.0.1 and rebuild on every change to brand/,
    /// content/ or templates/, reloading open pages (errors show on the pages).
    Serve {
        /// The project directory.
        #[arg(long, default_value = ".")]
        project: PathBuf,
        /// Output directory [default: <project>/out].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Port on 127.0.0.1 (0 picks a free one; the URL is printed).
        #[arg(long, default_value_t = 4747)]
        port: u16,
        /// Open the served URL in the default browser.
        #[arg(long)]
        open: bool,
        /// Seconds a rebuild waits for another build into the same output folder.
        #[arg(long, default_value_t = 300, value_name = "SECONDS")]
        lock_timeout: u64,
    },
    /// Work with the brand guide.
    Brand {
        #[command(subcommand)]
        command: BrandCommand,
    },
}

/// How `explain` prints a rule.
#[derive(Clone, Copy, clap::ValueEnum)]
enum ExplainFormat {
    Text,
    Markdown,
}

#[derive(Subcommand)]
enum BrandCommand {
    /// Load and validate brand/brand.toml, and print a short summary.
    Validate {
        #[arg(long, default_value = ".")]
        project: PathBuf,
    },
    /// Print the JSON Schema of brand.toml (for Taplo / Even Better TOML: `#:schema`).
    Schema,
    /// Write the brand book: index.html (with the brand fonts and logo) and
    /// brand-book.pdf, generated from the guide.
    Book {
        #[arg(long, default_value = ".")]
        project: PathBuf,
        /// The book folder, replaced whole [default: <project>/brand-book].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum TokensCommand {
    /// Write the guide's colors and fonts as design tokens (stdout unless --out).
    Export {
        #[arg(long, default_value = ".")]
        project: PathBuf,
        #[arg(long, value_enum, default_value = "dtcg")]
        format: crate::tokens::Format,
        /// Write to this file instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Merge a design token file (W3C DTCG 2025.10, or Style Dictionary / Tokens Studio
    /// JSON) into brand.toml, keeping its comments.
    Import {
        /// The token file (`*.tokens.json`).
        file: PathBuf,
        /// The guide to merge into.
        #[arg(long, default_value = "brand/brand.toml", value_name = "FILE")]
        guide: PathBuf,
        /// Print what would change and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(clap::Args)]
struct BuildArgs {
    /// The project directory.
    #[arg(long, default_value = ".")]
    project: PathBuf,
    /// Output directory [default: <project>/out].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Channels to build, comma-separated [default: all]. A partial build keeps the
    /// other channels' files of pieces that still exist.
    #[arg(long, value_delimiter = ',')]
    channels: Vec<Channel>,
    /// Seconds to wait for another build into the same output folder.
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    lock_timeout: u64,
    /// Render every job instead of reusing unchanged ones from the build cache
    /// (`.<out>.cache` beside the output), then refresh the cache.
    #[arg(long)]
    no_cache: bool,
    /// Build only shard I of N (1-based, e.g. 3/10): the pieces assigned to it (with their
    /// segment variants, in every channel) and the channels' shared assets. Join the shards
    /// with `brandpress merge`.
    #[arg(long, value_name = "I/N", value_parser = |s: &str| s.parse::<build::Shard>())]
    shard: Option<build::Shard>,
}

#[derive(clap::Args)]
struct MergeArgs {
    /// The merged output folder, then the shards' output folders.
    #[arg(value_name = "OUT SHARD_DIR", required_unless_present = "reports")]
    dirs: Vec<PathBuf>,
    /// Join these JSON or SARIF lint reports (all of one format) into one, on stdout.
    #[arg(long, num_args = 1.., value_name = "REPORT", conflicts_with = "dirs")]
    reports: Vec<PathBuf>,
    /// The project (its guide and content, for the campaign-wide checks).
    #[arg(long, default_value = ".")]
    project: PathBuf,
    /// Format of the campaign-wide checks' report; with --reports, the format the reports
    /// must have (json or sarif).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Seconds to wait for a build or merge into the same output folder.
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    lock_timeout: u64,
}

#[derive(clap::Args)]
struct LintArgs {
    /// Files or folders to check [default: <project>/out].
    paths: Vec<PathBuf>,
    #[arg(long, default_value = ".")]
    project: PathBuf,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Take every file as this kind instead of detecting it: web, email, eml, card, image,
    /// pdf or markdown (`[lint.kinds]` in the guide does this per path).
    #[arg(long, value_parser = |s: &str| s.parse::<LintKind>())]
    kind: Option<LintKind>,
    /// The files given are one campaign, made elsewhere: compare the prices, promo codes
    /// and dates they state (`consistency/mismatch`; folders we built compare by their
    /// manifest without it).
    #[arg(long, value_name = "NAME")]
    campaign: Option<String>,
    /// Lint only files changed since this git ref (committed since the merge base, changed
    /// in the working tree, or untracked) among the paths, and the outputs built from
    /// changed pieces.
    #[arg(long, value_name = "REF", conflicts_with_all = ["update_baseline", "fix"])]
    changed_since: Option<String>,
    /// Lint only shard I of N (1-based, e.g. 3/10): in a folder we built, the outputs of
    /// the pieces `build --shard I/N` builds (shared assets in shard 1), other files by
    /// their path. Consistency across channels is left to `brandpress merge`.
    #[arg(long, value_name = "I/N", value_parser = |s: &str| s.parse::<build::Shard>(), conflicts_with_all = ["fix", "campaign"])]
    shard: Option<build::Shard>,
    /// Lint every file: do not replay our unchanged outputs' findings from the lint cache
    /// (`.brandpress/<output>.lint-cache.json` beside the output), nor write it.
    #[arg(long)]
    no_cache: bool,
    /// Also write a contact sheet of the linted files into DIR (index.html and _sheet/):
    /// every file previewed with its findings, for review in a browser. Without paths,
    /// lints DIR itself.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["fix", "shard"])]
    sheet: Option<PathBuf>,
    #[command(flatten)]
    baseline: BaselineArgs,
    #[command(flatten)]
    fix: FixArgs,
}

/// `--fix`, `--dry-run` and `--fix-outputs` (lint).
#[derive(clap::Args)]
struct FixArgs {
    /// Apply the fixes of fixable rules (`explain --list` marks them) to the files, then
    /// report what is left.
    #[arg(long)]
    fix: bool,
    /// With --fix: print the changes as a unified diff and write nothing.
    #[arg(long, requires = "fix")]
    dry_run: bool,
    /// With --fix: edit generated outputs (under out/) too, which the next build undoes.
    #[arg(long, requires = "fix")]
    fix_outputs: bool,
}

/// `--baseline FILE` and `--update-baseline` (lint and check).
#[derive(clap::Args)]
struct BaselineArgs {
    /// Findings recorded in this baseline file are not failures (one count in the
    /// report); only new ones decide the exit code.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Rewrite the --baseline file from today's findings.
    #[arg(long, requires = "baseline")]
    update_baseline: bool,
}

impl clap::builder::ValueParserFactory for Channel {
    type Parser = clap::builder::ValueParser;
    fn value_parser() -> Self::Parser {
        clap::builder::ValueParser::new(|s: &str| s.parse::<Channel>())
    }
}

/// Runs the CLI and maps the outcome to an exit code.
pub fn main() -> ExitCode {
    // Keep `file:line:col: message` on one line, so terminals and editors can jump to it.
    let _ = miette::set_hook(Box::new(|_| {
        Box::new(miette::MietteHandlerOpts::new().wrap_lines(false).build())
    }));
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{:?}", miette::Report::new(e));
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let verbose = cli.verbose;
    crate::progress::set_verbosity(match (cli.quiet, verbose) {
        (true, _) => crate::progress::Verbosity::Quiet,
        (_, true) => crate::progress::Verbosity::Verbose,
        _ => crate::progress::Verbosity::Normal,
    });
    match cli.command {
        Command::Build(args) => {
            let project = Project::load(&args.project)?;
            run_build(&project, &args, Say::Stdout)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Lint(args) => {
            let guide = Guide::load(&display_path(&args.project))?;
            let paths = if let (true, Some(dir)) = (args.paths.is_empty(), &args.sheet) {
                vec![dir.clone()]
            } else if args.paths.is_empty() {
                let out = display_path(&args.project.join("out"));
                if !out.exists() {
                    return Err(Error::file(
                        &out,
                        "nothing built yet: run `brandpress build` (or `brandpress check`), or name the files to lint",
                    ));
                }
                vec![out]
            } else {
                args.paths
            };
            if args.fix.fix
                && let Some(code) = run_fix(
                    &guide,
                    &paths,
                    &args.project,
                    &args.fix,
                    args.format,
                    args.kind,
                    args.campaign.clone(),
                )?
            {
                return Ok(code);
            }
            let shown = Shown {
                format: args.format,
                verbose,
            };
            let changed = match &args.changed_since {
                Some(since) => {
                    let changed = lint::changed::since(&args.project, &paths, since)?;
                    if crate::progress::chatty() {
                        eprintln!(
                            "{}",
                            if changed.everything {
                                format!(
                                    "the brand guide or templates changed since {since}: linting everything"
                                )
                            } else {
                                format!(
                                    "linting what changed since {since}: {}",
                                    crate::i18n::count(changed.len(), "file", "files")
                                )
                            }
                        );
                    }
                    Some(changed)
                }
                None => None,
            };
            let sheet = |report: &lint::LintReport| match &args.sheet {
                None => Ok(()),
                Some(dir) => {
                    let project = Project::load(&args.project).ok();
                    let page = crate::sheet::write_foreign(
                        &guide,
                        project.as_ref(),
                        dir,
                        &paths,
                        &report.findings,
                    )?;
                    if crate::progress::chatty() {
                        eprintln!("contact sheet → {}", page.display());
                    }
                    Ok(())
                }
            };
            run_lint(
                &guide,
                &paths,
                shown,
                args.kind,
                args.campaign,
                &args.baseline,
                changed,
                !args.no_cache,
                args.shard,
                &sheet,
            )
        }
        Command::Check {
            build,
            format,
            baseline,
        } => {
            let project = Project::load(&build.project)?;
            // Machine-readable reports own stdout; the build's summary goes to stderr.
            let say = match format {
                Format::Human => Say::Stdout,
                _ => Say::Stderr,
            };
            // The lock is held while linting, so the lint sees this build's output.
            let (out, _lock) = run_build(&project, &build, say)?;
            // the contact sheet again, with this lint's findings
            // (the build's no-op stamp is kept: the next build of an unchanged project
            // leaves the output alone)
            let sheet = |report: &lint::LintReport| {
                crate::build::keeping_stamp(&out, &project.root, || {
                    crate::sheet::write_checked(
                        &project.guide,
                        Some(&project),
                        &out,
                        &report.findings,
                    )
                })
                .map(|_| ())
            };
            run_lint(
                &project.guide,
                std::slice::from_ref(&out),
                Shown { format, verbose },
                None,
                None,
                &baseline,
                None,
                true,
                None,
                &sheet,
            )
        }
        Command::Merge(args) => run_merge(&args),
        Command::Init { dir } => {
            crate::init::init(&dir)?;
            println!(
                "created a brandpress project in {}; build it with:",
                dir.display()
            );
            println!("  brandpress build --project {}", dir.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Corpus { dir, pieces } => {
            crate::corpus::generate(&dir, pieces)?;
            println!(
                "wrote {} into {}",
                crate::i18n::count(pieces, "piece", "pieces"),
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { rule, list, format } => {
            let mut out = String::new();
            if list {
                for r in lint::rules::RULES {
                    let fix = if r.fix.is_some() { "fix" } else { "" };
                    out.push_str(&format!(
                        "{:<28} {:<8} {fix:<3} {}\n",
                        r.id, r.severity, r.summary
                    ));
                }
            } else {
                let id = rule.unwrap_or_default();
                let r = lint::rules::info(&id).ok_or_else(|| {
                    let family = id.split('/').next().unwrap_or("");
                    let near: Vec<&str> = lint::rules::RULES
                        .iter()
                        .map(|r| r.id)
                        .filter(|r| r.starts_with(&format!("{family}/")))
                        .collect();
                    let hint = if near.is_empty() {
                        "`brandpress explain --list` lists every rule".to_string()
                    } else {
                        format!("did you mean one of: {}", near.join(", "))
                    };
                    Error::usage(format!("no rule {id:?}; {hint}"))
                })?;
                out = match format {
                    ExplainFormat::Text => format!("{r}\n"),
                    ExplainFormat::Markdown => r.markdown(),
                };
            }
            print!("{out}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Lsp { stdio: _ } => Ok(if crate::lsp::run_stdio()? {
            ExitCode::SUCCESS
        } else {
            // `exit` without `shutdown` first, as the protocol says
            ExitCode::from(1)
        }),
        Command::Brand {
            command: BrandCommand::Book { project, out },
        } => {
            let root = display_path(&project);
            let dir = out.unwrap_or_else(|| crate::book::default_dir(&root));
            crate::book::refuse_inside_build_output(&root, &dir)?;
            let guide = Guide::load(&root)?;
            let book = crate::book::write_guide_book(&guide, &dir)?;
            for w in &book.warnings {
                eprintln!("warning: {w}");
            }
            println!(
                "wrote the brand book: {} ({} files, brand-book.pdf {} pages)",
                book.dir.join("index.html").display(),
                book.files.len(),
                book.pdf_pages
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Brand {
            command: BrandCommand::Schema,
        } => {
            print!("{}", crate::brand::schema::guide_schema_json());
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            project,
            out,
            port,
            open,
            lock_timeout,
        } => {
            crate::serve::run(&crate::serve::ServeOptions {
                project,
                out,
                port,
                open,
                lock_timeout: std::time::Duration::from_secs(lock_timeout),
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Tokens { command } => run_tokens(command),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "brandpress", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { out } => {
            let cmd = <Cli as clap::CommandFactory>::command();
            match out {
                Some(dir) => {
                    std::fs::create_dir_all(&dir).map_err(|e| Error::file(&dir, e))?;
                    clap_mangen::generate_to(cmd, &dir).map_err(|e| Error::file(&dir, e))?;
                }
                None => clap_mangen::Man::new(cmd)
                    .render(&mut std::io::stdout())
                    .map_err(|e| Error::usage(format!("writing the man page: {e}")))?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Brand {
            command: BrandCommand::Validate { project },
        } => {
            let guide = Guide::load(&display_path(&project))?;
            lint::rules::validate_levels(&guide)?;
            print!("{}", summary(&guide));
            let findings = lint::guide::lint(&guide);
            if !findings.is_empty() {
                let report = lint::LintReport {
                    files: 1,
                    findings,
                    ..Default::default()
                };
                report::write(&report, Format::Human, true, &mut std::io::stdout().lock())
                    .map_err(|e| Error::usage(format!("writing the report: {e}")))?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `tokens export` and `tokens import`.
fn run_tokens(command: TokensCommand) -> Result<ExitCode> {
    match command {
        TokensCommand::Export {
            project,
            format,
            out,
        } => {
            let guide = Guide::load(&display_path(&project))?;
            let text = crate::tokens::export(&guide, format)?;
            match out {
                Some(file) => std::fs::write(&file, text).map_err(|e| Error::file(&file, e))?,
                None => print!("{text}"),
            }
        }
        TokensCommand::Import {
            file,
            guide,
            dry_run,
        } => {
            let outcome = crate::tokens::import::import(&file, &guide, dry_run)?;
            for note in &outcome.notes {
                eprintln!("note: {note}");
            }
            for change in &outcome.changes {
                println!("{change}");
            }
            let verb = if dry_run { "would change" } else { "changed" };
            println!(
                "{}: {verb} {}",
                guide.display(),
                crate::i18n::count(outcome.changes.len(), "value", "values")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Where the build's summary line goes.
#[derive(Clone, Copy)]
enum Say {
    Stdout,
    Stderr,
}

/// Builds, prints the warnings and the summary, and returns the output folder with its
/// lock still held.
/// Says on stderr that a build or merge waits for another one into `out`.
fn waiting(out: &Path, lock: &Path, seconds: u64) {
    eprintln!(
        "waiting for another build into {} to finish (lock {}, up to {seconds}s)…",
        out.display(),
        lock.display(),
    )
}

fn run_build(project: &Project, args: &BuildArgs, say: Say) -> Result<(PathBuf, BuildLock)> {
    let out = args.out.clone().unwrap_or_else(|| project.root.join("out"));
    let channels = if args.channels.is_empty() {
        crate::render::AVAILABLE.to_vec()
    } else {
        args.channels.clone()
    };
    let on_wait = |lock: &Path| waiting(&out, lock, args.lock_timeout);
    let wait = LockWait {
        timeout: std::time::Duration::from_secs(args.lock_timeout),
        on_wait: &on_wait,
    };
    let built = build::build_locked_cached(
        project,
        &BuildOptions {
            out: out.clone(),
            channels,
            shard: args.shard,
        },
        &wait,
        match args.no_cache {
            true => build::CacheUse::Cold,
            false => build::CacheUse::Reuse,
        },
    );
    let (summary, lock) = built?;
    for w in &summary.warnings {
        eprintln!("warning: {w}");
    }
    if crate::progress::verbosity() == crate::progress::Verbosity::Verbose {
        for file in &summary.outputs {
            eprintln!("  {}", file.strip_prefix(&out).unwrap_or(file).display());
        }
    }
    let line = format!("{} → {}", summary.line(), out.display());
    match say {
        _ if !crate::progress::chatty() => {}
        Say::Stdout => println!("{line}"),
        Say::Stderr => eprintln!("{line}"),
    }
    Ok((out, lock))
}

/// How the report is printed.
struct Shown {
    format: Format,
    verbose: bool,
}

#[allow(clippy::too_many_arguments)]
fn run_lint(
    guide: &Guide,
    paths: &[PathBuf],
    shown: Shown,
    kind: Option<LintKind>,
    campaign: Option<String>,
    baseline: &BaselineArgs,
    changed: Option<lint::changed::Changed>,
    cache: bool,
    shard: Option<build::Shard>,
    sheet: &dyn Fn(&lint::LintReport) -> Result<()>,
) -> Result<ExitCode> {
    // a missing or corrupt baseline fails before the lint, not after it
    let loaded = match &baseline.baseline {
        Some(file) if !baseline.update_baseline => Some(lint::baseline::Baseline::load(file)?),
        _ => None,
    };
    let ctx = LintContext::new(guide)
        .forcing(kind)
        .in_campaign(campaign)
        .only_changed(changed)
        .caching(cache)
        .sharded(shard);
    let mut report = lint::lint_paths(&ctx, paths)?;
    if let Some(b) = loaded {
        b.apply(&mut report);
    } else if let Some(file) = &baseline.baseline {
        let n = lint::baseline::update(file, &mut report)?;
        eprintln!(
            "recorded {} in {}",
            crate::i18n::count(n, "finding", "findings"),
            file.display()
        );
    }
    sheet(&report)?;
    let mut stdout = std::io::stdout().lock();
    report::write(&report, shown.format, shown.verbose, &mut stdout)
        .map_err(|e| Error::usage(format!("writing the report: {e}")))?;
    Ok(if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `merge`: joins shard folders (then runs the campaign-wide checks over the result) or
/// lint reports.
fn run_merge(args: &MergeArgs) -> Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    if !args.reports.is_empty() {
        let joined = crate::merge::reports(&args.reports)?;
        let wanted = match args.format {
            None => None,
            Some(Format::Json) => Some(crate::merge::ReportFormat::Json),
            Some(Format::Sarif) => Some(crate::merge::ReportFormat::Sarif),
            Some(_) => {
                return Err(Error::usage(
                    "merge --reports joins json or sarif reports: --format json or --format sarif",
                ));
            }
        };
        if let Some(wanted) = wanted.filter(|w| *w != joined.format) {
            return Err(Error::usage(format!(
                "the reports are {}, not {}: lint each shard with --format {}",
                joined.format.name(),
                wanted.name(),
                wanted.name()
            )));
        }
        let mut text = serde_json::to_string_pretty(&joined.value)
            .map_err(|e| Error::usage(format!("writing the report: {e}")))?;
        text.push('\n');
        std::io::Write::write_all(&mut stdout, text.as_bytes())
            .map_err(|e| Error::usage(format!("writing the report: {e}")))?;
        eprintln!(
            "joined {}{}",
            crate::i18n::count(args.reports.len(), "report", "reports"),
            match joined.duplicates {
                0 => String::new(),
                n => format!(" ({n} findings given by more than one, kept once)"),
            }
        );
        return Ok(if joined.errors > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        });
    }
    let [out, shards @ ..] = args.dirs.as_slice() else {
        return Err(Error::usage("usage: brandpress merge OUT SHARD_DIR..."));
    };
    if shards.is_empty() {
        return Err(Error::usage(
            "usage: brandpress merge OUT SHARD_DIR...: name the merged output folder, then the shards' folders",
        ));
    }
    let guide = Guide::load(&display_path(&args.project))?;
    let on_wait = |lock: &Path| waiting(out, lock, args.lock_timeout);
    let wait = LockWait {
        timeout: std::time::Duration::from_secs(args.lock_timeout),
        on_wait: &on_wait,
    };
    let (summary, _lock) = build::merge(out, &guide.root, shards, &wait)?;
    for w in &summary.warnings {
        eprintln!("warning: {w}");
    }
    let format = args.format.unwrap_or(Format::Human);
    let line = format!("{} → {}", summary.line(), out.display());
    match format {
        _ if !crate::progress::chatty() => {}
        Format::Human => println!("{line}"),
        _ => eprintln!("{line}"),
    }
    // the lock is held: the checks read this merge's output
    let report = crate::merge::campaign_checks(&guide, out)?;
    report::write(
        &report,
        format,
        crate::progress::verbosity() == crate::progress::Verbosity::Verbose,
        &mut stdout,
    )
    .map_err(|e| Error::usage(format!("writing the report: {e}")))?;
    Ok(if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `lint --fix`: lints, applies the fixes (or, with `--dry-run`, prints their diff) and
/// says what it did. Returns the exit code when that is all (a human `--dry-run`: the
/// diff, and the code of what would be left); otherwise the caller lints again and
/// reports what is left, which decides the exit code as without `--fix`.
fn run_fix(
    guide: &Guide,
    paths: &[PathBuf],
    project: &Path,
    fix: &FixArgs,
    format: Format,
    kind: Option<LintKind>,
    campaign: Option<String>,
) -> Result<Option<ExitCode>> {
    let dry_run = fix.dry_run;
    let human = matches!(format, Format::Human);
    if dry_run && !human {
        // the report itself carries each finding's edit
        return Ok(None);
    }
    let ctx = LintContext::new(guide).forcing(kind).in_campaign(campaign);
    let report = lint::lint_paths(&ctx, paths)?;
    let options = lint::fix::Options {
        dry_run,
        fix_outputs: fix.fix_outputs,
        project: project.to_path_buf(),
    };
    let outcome = lint::fix::apply(&report.findings, &options);
    for note in &outcome.notes {
        eprintln!("{note}");
    }
    if dry_run {
        print!("{}", outcome.diff);
        println!("{}", outcome.summary(true));
        let left_errors = report.findings.iter().enumerate().any(|(i, f)| {
            f.severity == lint::Severity::Error && outcome.fixed.binary_search(&i).is_err()
        });
        return Ok(Some(if left_errors {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }));
    }
    if human {
        println!("{}", outcome.summary(false));
    } else {
        eprintln!("{}", outcome.summary(false));
    }
    Ok(None)
}

/// The short summary `brand validate` prints.
pub fn summary(guide: &Guide) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}: brand guide OK ({})",
        guide.brand.name,
        Path::new(&guide.source.path).display()
    );
    let _ = writeln!(
        s,
        "  colors: {}",
        guide
            .palette()
            .map(|(n, d)| format!("{n} {} ({})", d.hex, d.role.get_ref()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for pair in &guide.colors.pairs {
        let (Some(fg), Some(bg)) = (
            guide.color(pair.text.get_ref()),
            guide.color(pair.background.get_ref()),
        ) else {
            continue;
        };
        let _ = writeln!(
            s,
            "  contrast {} on {}: {:.2}:1{}",
            pair.text.get_ref(),
            pair.background.get_ref(),
            fg.hex.contrast(bg.hex),
            pair.exception
                .as_ref()
                .map(|e| format!(" (exception: {})", e.get_ref()))
                .unwrap_or_default()
        );
    }
    s.push_str(&lint::guide::contrast_matrix(guide));
    for (role, def) in &guide.fonts {
        let _ = writeln!(
            s,
            "  font {role}: {} / {} (weight {})",
            def.latin.family.get_ref(),
            def.thai.family.get_ref(),
            def.weight
        );
    }
    let _ = writeln!(
        s,
        "  logo: {}",
        guide
            .logo
            .files
            .iter()
            .map(|f| f.get_ref().as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        s,
        "  tone: {} banned terms, {} preferred terms, {} brand terms",
        guide.tone.banned.len(),
        guide.tone.preferred.len(),
        guide.brand.terms.len()
    );
    s
}
