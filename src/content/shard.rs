//! Which shard of a CI fleet a piece belongs to (`build --shard I/N`, `lint --shard I/N`).
//!
//! A campaign is split **by piece**: a piece, every segment variant of it and every
//! channel's output of them go to one shard, chosen from the piece's slug alone. The
//! choice is rendezvous hashing (highest random weight): the piece goes to the shard
//! whose SHA-256 of `slug \0 shard-number` is highest. Like `hash mod N` it depends only
//! on the slug and `N`, so adding or deleting a piece never moves another one, and every
//! machine of a matrix agrees without talking to the others. Unlike `hash mod N`, growing
//! the matrix from `N` to `N + 1` shards moves only the pieces the new shard wins (about
//! one in `N + 1`), so a shard's incremental cache stays mostly warm when the fleet grows.
//! SHA-256 (not the standard library's hasher) because the split must be the same on every
//! platform, Rust release and brandpress version.
//!
//! Files with no piece (a foreign folder linted with `--shard`) are split the same way by
//! their path below the linted folder.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

/// More shards than any fleet needs; a bound so a typo cannot ask for billions of hashes
/// per piece.
pub const MAX_SHARDS: u32 = 10_000;

/// Shard `index` of `count` (1-based, as `--shard 3/10` and CI matrices count).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: u32,
    count: u32,
}

impl Shard {
    /// Shard `index` of `count`; `None` unless `1 <= index <= count <= MAX_SHARDS`.
    pub fn new(index: u32, count: u32) -> Option<Shard> {
        (1..=count).contains(&index).then_some(())?;
        (count <= MAX_SHARDS).then_some(Shard { index, count })
    }

    /// The 1-based shard number.
    pub fn index(self) -> u32 {
        self.index
    }

    /// How many shards there are.
    pub fn count(self) -> u32 {
        self.count
    }

    /// Whether the piece `slug` (with all its variants and outputs) is this shard's.
    pub fn has_piece(self, slug: &str) -> bool {
        owner(slug, self.count) == self.index
    }

    /// Whether a file of no piece, at `relative` below the linted folder (`/`-separated),
    /// is this shard's. Keyed apart from slugs, so a file named like a slug does not
    /// follow that piece by accident.
    pub fn has_path(self, relative: &str) -> bool {
        owner(&format!("path:{relative}"), self.count) == self.index
    }

    /// Whether this shard carries what every shard needs once (the guide's own findings).
    pub fn is_first(self) -> bool {
        self.index == 1
    }
}

/// The shard (1-based) of `count` that `key` goes to: the highest SHA-256 weight.
pub fn owner(key: &str, count: u32) -> u32 {
    let mut best = (0u64, 1u32);
    for i in 1..=count.max(1) {
        let mut h = Sha256::new();
        h.update(key.as_bytes());
        h.update([0]);
        h.update(i.to_be_bytes());
        let digest = h.finalize();
        let mut weight = [0u8; 8];
        weight.copy_from_slice(&digest[..8]);
        let weight = u64::from_be_bytes(weight);
        // ties (never seen with 64-bit weights) go to the lower number, deterministically
        if i == 1 || weight > best.0 {
            best = (weight, i);
        }
    }
    best.1
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    /// `I/N`, 1-based: `1/10` … `10/10`.
    fn from_str(s: &str) -> Result<Shard, String> {
        let usage = |why: &str| {
            format!(
                "invalid shard {s:?}: {why}; expected I/N with 1 <= I <= N <= {MAX_SHARDS}, e.g. 3/10 (shards count from 1, as a CI matrix does: JOB_COMPLETION_INDEX + 1 on Kubernetes)"
            )
        };
        let (i, n) = s.trim().split_once('/').ok_or_else(|| usage("no '/'"))?;
        let number = |part: &str, what: &str| {
            part.trim()
                .parse::<u32>()
                .map_err(|_| usage(&format!("{what} {part:?} is not a whole number")))
        };
        let (index, count) = (number(i, "I")?, number(n, "N")?);
        if count == 0 {
            return Err(usage("N is 0"));
        }
        if count > MAX_SHARDS {
            return Err(usage(&format!("N is over {MAX_SHARDS}")));
        }
        if index == 0 {
            return Err(usage("I is 0"));
        }
        if index > count {
            return Err(usage(&format!("I is above N ({index} > {count})")));
        }
        Shard::new(index, count).ok_or_else(|| usage("out of range"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses_with_a_reason() {
        assert_eq!("3/10".parse::<Shard>(), Ok(Shard::new(3, 10).unwrap()));
        assert_eq!(" 1/1 ".parse::<Shard>().unwrap().to_string(), "1/1");
        for (bad, why) in [
            ("0/3", "I is 0"),
            ("4/3", "I is above N"),
            ("x/y", "is not a whole number"),
            ("3", "no '/'"),
            ("1/0", "N is 0"),
            ("-1/3", "not a whole number"),
            ("1/10001", "over 10000"),
            ("๑/๓", "not a whole number"),
            ("", "no '/'"),
        ] {
            let e = bad.parse::<Shard>().unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn every_piece_has_exactly_one_shard_and_the_split_is_even() {
        let slugs: Vec<String> = (0..3000)
            .map(|i| format!("โปรโมชั่น-{i}"))
            .chain((0..3000).map(|i| format!("piece-{i}")))
            .collect();
        let n = 10;
        let mut sizes = [0usize; 10];
        for slug in &slugs {
            let owners: Vec<u32> = (1..=n)
                .filter(|&i| Shard::new(i, n).unwrap().has_piece(slug))
                .collect();
            assert_eq!(owners.len(), 1, "{slug}");
            sizes[owners[0] as usize - 1] += 1;
        }
        // 600 expected per shard; a fair hash stays well within ±20%
        for s in sizes {
            assert!((480..=720).contains(&s), "{sizes:?}");
        }
    }

    #[test]
    fn growing_the_fleet_moves_only_what_the_new_shard_wins() {
        let slugs: Vec<String> = (0..2000).map(|i| format!("ข่าว-{i}")).collect();
        let moved = slugs
            .iter()
            .filter(|s| owner(s, 10) != owner(s, 11))
            .inspect(|s| assert_eq!(owner(s, 11), 11, "{s} moved between old shards"))
            .count();
        // about 1 in 11
        assert!((100..=280).contains(&moved), "{moved}");
    }

    #[test]
    fn the_split_is_fixed_across_releases() {
        // A matrix may run two brandpress builds; the assignment is part of the interface.
        let got: Vec<u32> = ["cold-brew-winter", "ต้นกล้า", "a", ""]
            .iter()
            .map(|s| owner(s, 10))
            .collect();
        assert_eq!(got, FIXED);
    }

    /// Computed apart from this code, with Python's `hashlib`: `max(range(1, 11), key=lambda
    /// i: int.from_bytes(sha256(slug.encode() + b"\0" + i.to_bytes(4, "big")).digest()[:8],
    /// "big"))`.
    const FIXED: [u32; 4] = [2, 4, 8, 4];
}
