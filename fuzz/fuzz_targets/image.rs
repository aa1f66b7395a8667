//! Image lint (PNG and JPEG, detected from the bytes as lint does).
#![no_main]

use brandpress::fuzzing;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::image(fuzzing::example_context(), data));
