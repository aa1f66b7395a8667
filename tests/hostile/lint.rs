//! Hostile-input cases: lint. See `main.rs`.

use crate::harness::Case;

pub fn cases() -> Vec<Case> {
    vec![]
}
