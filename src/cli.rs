//! The command line: `build`, `lint`, `check`, `init`, `brand validate`.
//! Exit codes: 0 ok; 1 lint found error-severity findings; 2 bad input, configuration
//! or usage.

use std::io::IsTerminal;
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
        /// Human output: show every info finding, not one count per rule.
        #[arg(long, short)]
        verbose: bool,
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
    /// Human output: show every info finding, not one count per rule.
    #[arg(long, short)]
    verbose: bool,
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
    match cli.command {
        Command::Build(args) => {
            let project = Project::load(&args.project)?;
            run_build(&project, &args, Say::Stdout)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Lint(args) => {
            let guide = Guide::load(&display_path(&args.project))?;
            let paths = if args.paths.is_empty() {
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
                verbose: args.verbose,
            };
            let changed = match &args.changed_since {
                Some(since) => {
                    let changed = lint::changed::since(&args.project, &paths, since)?;
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
                    Some(changed)
                }
                None => None,
            };
            run_lint(
                &guide,
                &paths,
                shown,
                args.kind,
                args.campaign,
                &args.baseline,
                changed,
            )
        }
        Command::Check {
            build,
            format,
            verbose,
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
            run_lint(
                &project.guide,
                &[out],
                Shown { format, verbose },
                None,
                None,
                &baseline,
                None,
            )
        }
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

/// Where the build's summary line goes.
#[derive(Clone, Copy)]
enum Say {
    Stdout,
    Stderr,
}

/// Builds, prints the warnings and the summary, and returns the output folder with its
/// lock still held.
fn run_build(project: &Project, args: &BuildArgs, say: Say) -> Result<(PathBuf, BuildLock)> {
    let out = args.out.clone().unwrap_or_else(|| project.root.join("out"));
    let channels = if args.channels.is_empty() {
        crate::render::AVAILABLE.to_vec()
    } else {
        args.channels.clone()
    };
    let wait = LockWait {
        timeout: std::time::Duration::from_secs(args.lock_timeout),
        on_wait: &|lock| {
            eprintln!(
                "waiting for another build into {} to finish (lock {}, up to {}s)…",
                out.display(),
                lock.display(),
                args.lock_timeout
            )
        },
    };
    let spinner = progress(&format!(
        "building {} × {}",
        crate::i18n::count(project.pieces.len(), "piece", "pieces"),
        crate::i18n::count(channels.len(), "channel", "channels")
    ));
    let built = build::build_locked(
        project,
        &BuildOptions {
            out: out.clone(),
            channels,
        },
        &wait,
    );
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    let (summary, lock) = built?;
    for w in &summary.warnings {
        eprintln!("warning: {w}");
    }
    let line = format!("{} → {}", summary.line(), out.display());
    match say {
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

fn run_lint(
    guide: &Guide,
    paths: &[PathBuf],
    shown: Shown,
    kind: Option<LintKind>,
    campaign: Option<String>,
    baseline: &BaselineArgs,
    changed: Option<lint::changed::Changed>,
) -> Result<ExitCode> {
    // a missing or corrupt baseline fails before the lint, not after it
    let loaded = match &baseline.baseline {
        Some(file) if !baseline.update_baseline => Some(lint::baseline::Baseline::load(file)?),
        _ => None,
    };
    let ctx = LintContext::new(guide)
        .forcing(kind)
        .in_campaign(campaign)
        .only_changed(changed);
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
    let mut stdout = std::io::stdout().lock();
    report::write(&report, shown.format, shown.verbose, &mut stdout)
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

fn progress(message: &str) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner().with_message(message.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(100));
    Some(bar)
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
