//! Painters: a [`Scene`](crate::scene::Scene) made by a channel's layout, turned into
//! pixels ([`png`], tiny-skia) or into PDF page content ([`pdf`], krilla). A painter
//! decides nothing about where things go; it only draws what the scene says.

pub mod glyphs;
pub mod pdf;
pub mod png;
