//! The link checker on an arbitrary reference: merge tags, scheme and path
//! classification, the lint's local-file check.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| brandpress::fuzzing::links(data));
