//! The CSS value scanners (colors, `url()`, commas, `var()`) on one declaration value,
//! and on the same text read as a `style` attribute.
#![no_main]

use brandpress::fuzzing;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::css_value(fuzzing::example_context(), data));
