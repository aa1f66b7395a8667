//! Progress on stderr: counted bars (indicatif) for builds and lints that take over a
//! second, on a terminal only; and how talkative the command line is (`--quiet`,
//! `--verbose`).
//!
//! The command line sets the [`Verbosity`] once ([`set_verbosity`]); library code asks
//! for a [`bar`] where it works through a known number of items and calls
//! [`Bar::inc`] from any thread. A bar is drawn only when stderr is a terminal, the
//! command is not `--quiet`, and the work is still going after [`DELAY`]: a quick build
//! prints nothing but its summary, and piped or CI output (not a terminal) never holds
//! a bar's control characters. Without [`set_verbosity`] (tests, `serve`, the editor
//! server) no bar is ever drawn.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How much the command line says on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// Errors and the report only: no summary line, notes or bars.
    Quiet,
    /// Summary lines, warnings and, on a terminal, progress bars.
    Normal,
    /// Also every info finding and per-stage detail.
    Verbose,
}

/// Work that ends sooner than this shows no bar.
pub const DELAY: Duration = Duration::from_secs(1);

/// 0: not set (library use, no bars); else `Verbosity as u8 + 1`.
static VERBOSITY: AtomicU8 = AtomicU8::new(0);

/// Sets how talkative this process is; the command line calls it once.
pub fn set_verbosity(v: Verbosity) {
    VERBOSITY.store(v as u8 + 1, Ordering::Relaxed);
}

/// This process's verbosity ([`Verbosity::Normal`] when never set).
pub fn verbosity() -> Verbosity {
    match VERBOSITY.load(Ordering::Relaxed) {
        1 => Verbosity::Quiet,
        3 => Verbosity::Verbose,
        _ => Verbosity::Normal,
    }
}

/// Whether notes and summary lines are printed (not `--quiet`).
pub fn chatty() -> bool {
    verbosity() != Verbosity::Quiet
}

/// Whether bars may be drawn at all: set by the command line, not quiet, stderr a
/// terminal.
fn bars_allowed() -> bool {
    // stored as `Verbosity as u8 + 1`: Normal or Verbose
    VERBOSITY.load(Ordering::Relaxed) > Verbosity::Normal as u8 && std::io::stderr().is_terminal()
}

/// A counted progress bar over `total` items, labelled `what` ("rendering", "linting"),
/// drawn once the work has taken [`DELAY`]; cleared when dropped.
pub fn bar(what: &'static str, total: usize) -> Bar {
    Bar::new(what, total, bars_allowed())
}

/// A progress bar that appears after [`DELAY`] (see [`bar`]).
pub struct Bar {
    inner: Option<ProgressBar>,
    start: Instant,
    shown: AtomicBool,
}

impl Bar {
    fn new(what: &'static str, total: usize, allowed: bool) -> Bar {
        let inner = (allowed && total > 0).then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
            let style = ProgressStyle::with_template(
                "{msg:>9} [{bar:32}] {human_pos}/{human_len} {per_sec} · {eta} left",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            bar.set_message(what);
            bar
        });
        Bar {
            inner,
            start: Instant::now(),
            shown: AtomicBool::new(false),
        }
    }

    /// One more item done (any thread).
    pub fn inc(&self) {
        let Some(bar) = &self.inner else { return };
        bar.inc(1);
        if !self.shown.load(Ordering::Relaxed)
            && self.start.elapsed() >= DELAY
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Whether the bar is on screen (tests).
    pub fn is_drawn(&self) -> bool {
        self.shown.load(Ordering::Relaxed)
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Some(bar) = &self.inner {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_is_drawn_only_when_allowed_and_after_the_delay() {
        // not allowed (not a terminal, quiet, or library use): never drawn
        let hidden = Bar::new("linting", 10, false);
        hidden.inc();
        assert!(hidden.inner.is_none() && !hidden.is_drawn());
        // allowed: nothing before the delay, drawn after it
        let bar = Bar::new("rendering", 3, true);
        bar.inc();
        assert!(!bar.is_drawn(), "a quick first item draws nothing");
        let mut late = Bar::new("rendering", 3, true);
        late.start = late
            .start
            .checked_sub(DELAY)
            .expect("a clock past its first second");
        late.inc();
        assert!(late.is_drawn());
        assert_eq!(late.inner.as_ref().map(|b| b.position()), Some(1));
        // no work, no bar
        assert!(Bar::new("linting", 0, true).inner.is_none());
    }

    #[test]
    fn verbosity_orders_from_quiet_to_verbose() {
        assert!(Verbosity::Quiet < Verbosity::Normal && Verbosity::Normal < Verbosity::Verbose);
    }
}
