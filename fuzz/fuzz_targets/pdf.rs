//! PDF lint.
#![no_main]

use brandpress::fuzzing;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::pdf(fuzzing::example_context(), data));
