//! PDF lint.
#![no_main]

use std::sync::OnceLock;

use brandpress::brand::Guide;
use brandpress::lint::LintContext;

fn ctx() -> &'static LintContext<'static> {
    static GUIDE: OnceLock<Guide> = OnceLock::new();
    static CTX: OnceLock<LintContext<'static>> = OnceLock::new();
    let guide = GUIDE.get_or_init(|| {
        Guide::load(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/.."
        )))
        .expect("the example guide loads")
    });
    CTX.get_or_init(|| LintContext::new(guide))
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| brandpress::fuzzing::pdf(ctx(), data));
