//! Hostile-input cases: output. See `main.rs`.

use crate::harness::Case;

pub fn cases() -> Vec<Case> {
    vec![]
}
