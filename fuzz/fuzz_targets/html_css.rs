//! HTML and CSS lint (web pages, email HTML and .eml): the first byte picks the kind.
#![no_main]

use brandpress::fuzzing;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::html_css(fuzzing::example_context(), data));
