//! The front matter and Markdown loader, and the renderers' walks of the document model.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| brandpress::fuzzing::content(data));
