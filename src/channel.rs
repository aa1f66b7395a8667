//! The publishing channels. Bottom layer: the guide's `[tone.channels]` and a piece's
//! `channels` and `[overrides]` deserialize into [`Channel`], so channels never travel as
//! strings.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A publishing channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    Web,
    Email,
    Social,
    Print,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::Web,
        Channel::Email,
        Channel::Social,
        Channel::Print,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Email => "email",
            Channel::Social => "social",
            Channel::Print => "print",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Channel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Channel::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or_else(|| format!("unknown channel {s:?}: use web, email, social or print"))
    }
}

impl Serialize for Channel {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Channel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The PNG `tEXt` keyword under which social cards record the pixel box of their photo
/// area, so image lint leaves the photo's own colors alone (written by the social
/// renderer, read by image lint).
pub const CARD_PHOTO_KEYWORD: &str = "brandpress:photo";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_round_trip_through_their_names() {
        for c in Channel::ALL {
            assert_eq!(c.name().parse::<Channel>(), Ok(c));
            assert_eq!(c.to_string(), c.name());
        }
        let err = "webb".parse::<Channel>().unwrap_err();
        assert!(err.contains("unknown channel \"webb\""), "{err}");
    }
}
