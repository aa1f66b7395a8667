//! brandpress: keep a brand consistent across every channel it publishes to.
//!
//! The shape: the brand guide ([`brand`]) and the content ([`content`], one channel-neutral
//! document model) feed one renderer per channel ([`render`]); [`lint`] checks any output
//! against the guide and [`report`] formats its findings. [`text`] lays out Thai and
//! Latin text (shaping, dictionary line breaks) for the channels that draw text themselves.

pub mod assets;
pub mod book;
pub mod brand;
pub mod build;
pub mod channel;
pub mod cli;
pub mod content;
pub mod corpus;
pub mod error;
pub mod facts;
#[doc(hidden)]
pub mod fuzzing;
pub mod i18n;
pub mod init;
pub mod limits;
pub mod links;
pub mod lint;
pub mod lsp;
pub mod manifest;
pub mod merge;
pub mod paths;
pub mod progress;
pub mod project;
pub mod registry;
pub mod render;
pub mod report;
pub mod scene;
pub mod serve;
pub mod sheet;
pub mod text;
pub mod tokens;
pub mod units;
pub mod untrusted;
