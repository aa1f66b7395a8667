//! Colors as the guide and the linters see them: sRGB values, CIEDE2000 distance and
//! WCAG 2.1 contrast, both computed by `palette`.

use std::fmt;
use std::str::FromStr;

use palette::color_difference::{Ciede2000, Wcag21RelativeContrast};
use palette::{IntoColor, Lab, Srgb};
use serde::{Deserialize, Deserializer};

/// An opaque sRGB color.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub fn to_srgb(self) -> Srgb<f32> {
        Srgb::new(self.0, self.1, self.2).into_format()
    }

    pub fn to_lab(self) -> Lab {
        self.to_srgb().into_color()
    }

    /// CIEDE2000 color difference.
    pub fn delta_e(self, other: Rgb) -> f32 {
        self.to_lab().difference(other.to_lab())
    }

    /// WCAG 2.1 contrast ratio (1.0 to 21.0).
    pub fn contrast(self, other: Rgb) -> f32 {
        self.to_srgb().relative_contrast(other.to_srgb())
    }

    /// `#RRGGBB`, upper case.
    pub fn hex(self) -> String {
        format!("#{:02X}{:02X}{:02X}", self.0, self.1, self.2)
    }
}

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

impl FromStr for Rgb {
    type Err = String;

    /// Parses `#RGB` or `#RRGGBB`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("invalid hex color {s:?}: expected #RGB or #RRGGBB");
        let digits = s.strip_prefix('#').ok_or_else(bad)?;
        if !digits.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let channel = |i: usize, len: usize| {
            let v = u8::from_str_radix(&digits[i * len..(i + 1) * len], 16).expect("hex digits");
            if len == 1 { v * 17 } else { v }
        };
        match digits.len() {
            3 => Ok(Rgb(channel(0, 1), channel(1, 1), channel(2, 1))),
            6 => Ok(Rgb(channel(0, 2), channel(1, 2), channel(2, 2))),
            _ => Err(bad()),
        }
    }
}

impl<'de> Deserialize<'de> for Rgb {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// WCAG AA minimum for normal text.
pub const AA_NORMAL: f32 = 4.5;
/// WCAG AA minimum for large text (24 px, or 18.66 px bold).
pub const AA_LARGE: f32 = 3.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_short_and_long_hex() {
        assert_eq!("#1F5C4A".parse::<Rgb>().unwrap(), Rgb(0x1F, 0x5C, 0x4A));
        assert_eq!("#fff".parse::<Rgb>().unwrap(), Rgb(255, 255, 255));
        for bad in ["1F5C4A", "#1F5C4", "#GGGGGG", "#", "#ไทย"] {
            assert!(bad.parse::<Rgb>().is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn delta_e_is_zero_for_same_and_large_for_different() {
        let forest = Rgb(0x1F, 0x5C, 0x4A);
        assert!(forest.delta_e(forest) < 1e-3);
        let near = Rgb(0x20, 0x5E, 0x4B);
        let d = forest.delta_e(near);
        assert!(d > 0.1 && d < 2.0, "near miss ΔE {d}");
        assert!(forest.delta_e(Rgb(255, 0, 0)) > 40.0);
    }

    #[test]
    fn contrast_matches_wcag_reference_values() {
        let c = Rgb(0, 0, 0).contrast(Rgb(255, 255, 255));
        assert!((c - 21.0).abs() < 0.01);
        // #777 on white is the classic just-below-AA example: 4.48:1.
        let c = Rgb(0x77, 0x77, 0x77).contrast(Rgb(255, 255, 255));
        assert!((c - 4.48).abs() < 0.01, "{c}");
    }
}
