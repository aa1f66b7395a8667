//! All of a guide's terms in one Aho–Corasick automaton (`aho-corasick`), so finding
//! them costs one pass over the folded text whatever their number: a guide of 900,000
//! banned terms took 70 s per page when each term searched the text on its own.
//!
//! The matches are exactly those the term-by-term search found: for each term, its
//! leftmost non-overlapping occurrences in the folded text (what `str::match_indices`
//! returns), kept only where they start and end on word edges of the original text
//! (Thai words from the dictionary segmenter, see [`Text::is_edge`]).

use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};

use super::text::{Folded, Text};

/// Folded keys, each with what it stands for (`U`: a banned term, a preferred term…).
#[derive(Debug, Clone)]
pub(super) struct Matcher<U> {
    ac: AhoCorasick,
    /// What each pattern stands for (several terms may fold to one key).
    uses: Vec<Vec<U>>,
}

impl<U: Copy> Matcher<U> {
    /// An automaton for `keys`; `None` when there are none.
    pub fn new(keys: impl IntoIterator<Item = (String, U)>) -> Option<Matcher<U>> {
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut uses: Vec<Vec<U>> = Vec::new();
        for (key, u) in keys {
            let id = *ids.entry(key).or_insert_with_key(|k| {
                patterns.push(k.clone());
                uses.push(Vec::new());
                patterns.len() - 1
            });
            uses[id].push(u);
        }
        if patterns.is_empty() {
            return None;
        }
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .expect("patterns of folded guide terms fit the automaton");
        Some(Matcher { ac, uses })
    }

    /// Calls `found` with each use and the original byte range of each whole-word
    /// occurrence of its key in `folded` (a folded copy of `text`), in text order.
    pub fn find(
        &self,
        text: &Text<'_>,
        folded: &Folded<'_>,
        mut found: impl FnMut(U, Range<usize>),
    ) {
        // per pattern, where its last occurrence taken ends (non-overlapping, as
        // match_indices): the overlapping search reports every occurrence, and those of
        // one pattern in order of position
        let mut taken_until: HashMap<usize, usize> = HashMap::new();
        for m in self.ac.find_overlapping_iter(folded.text.as_str()) {
            let id = m.pattern().as_usize();
            let until = taken_until.entry(id).or_insert(0);
            if m.start() < *until {
                continue;
            }
            *until = m.end();
            let range = folded.original(m.start()..m.end());
            if !(text.is_edge(range.start) && text.is_edge(range.end)) {
                continue;
            }
            for u in &self.uses[id] {
                found(*u, range.clone());
            }
        }
    }
}
