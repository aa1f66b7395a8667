//! The bad-input matrix (issue "Safe on hostile input"): every hostile input found by a
//! new user's test run, and more, each one a case. Every case ends with a clear error
//! (exit 2, naming file:line:col where there is one) or a finding, and never with a panic,
//! an abort, a hang, a leaked secret or a file touched outside the output directory (the
//! universal checks in `harness.rs` run for every case).
//!
//! The cases are grouped by where the danger is: `content` (paths, links, injection and
//! limits in pieces and the guide), `lint` (hostile files given to lint), `output` (the
//! output directory: staging, stale files, symlinks, locks) and `render` (pictures, fonts
//! and layout limits). Run one group with `cargo test --test hostile -- content::`.

mod content;
mod harness;
mod lint;
mod output;
mod render;

use libtest_mimic::{Arguments, Failed, Trial};

fn main() {
    let args = Arguments::from_args();
    let groups = [
        ("content", content::cases()),
        ("lint", lint::cases()),
        ("output", output::cases()),
        ("render", render::cases()),
    ];
    let mut trials = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    for (group, cases) in groups {
        for case in cases {
            let name = format!("{group}::{}", case.name);
            assert!(names.insert(name.clone()), "two cases named {name}");
            trials.push(Trial::test(name, move || case.run().map_err(Failed::from)));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
