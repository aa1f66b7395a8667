//! Loaded font faces, shared read-only between threads.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use yoke::Yoke;

use super::TextError;

/// Identifies a face inside one [`FontStore`]: faces are numbered in load order from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FaceId(pub u32);

/// Vertical metrics of a face, in font units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceMetrics {
    /// Font units per em (the scale of every other number here).
    pub units_per_em: u16,
    /// Ascender above the baseline (positive).
    pub ascender: i16,
    /// Descender below the baseline (negative).
    pub descender: i16,
    /// Recommended gap between lines.
    pub line_gap: i16,
}

/// A parsed rustybuzz face borrowing the bytes it is yoked to.
#[derive(yoke::Yokeable, Clone)]
pub(crate) struct ShaperFace<'a>(rustybuzz::Face<'a>);

/// One loaded face: the file bytes, the face index inside them and its metrics.
/// The face is parsed once at load time (rustybuzz's table parsing is the
/// expensive part of shaping short texts).
#[derive(Clone)]
pub struct FaceEntry {
    /// Where the face was loaded from (empty for faces added from memory).
    pub path: PathBuf,
    /// The whole font file, shared.
    pub data: Arc<Vec<u8>>,
    /// Face index inside a collection (0 for a plain .ttf/.otf).
    pub index: u32,
    /// Parsed vertical metrics.
    pub metrics: FaceMetrics,
    shaper: Yoke<ShaperFace<'static>, Arc<Vec<u8>>>,
    /// Shape plans for Thai (`th`) and Latin (`en`), LTR: building a plan costs
    /// more than shaping a short run, so they are made once here.
    plans: Arc<[(rustybuzz::Script, rustybuzz::ShapePlan); 2]>,
}

impl std::fmt::Debug for FaceEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaceEntry")
            .field("path", &self.path)
            .field("bytes", &self.data.len())
            .field("index", &self.index)
            .field("metrics", &self.metrics)
            .finish()
    }
}

impl FaceEntry {
    /// The parsed face (ttf-parser view: cmap, outlines, bounding boxes).
    pub fn ttf(&self) -> &ttf_parser::Face<'_> {
        &self.shaper.get().0
    }

    /// The parsed face for shaping.
    pub(crate) fn shaper(&self) -> &rustybuzz::Face<'_> {
        &self.shaper.get().0
    }

    /// The prepared LTR shape plan for `script`, if one was made.
    pub(crate) fn plan(&self, script: rustybuzz::Script) -> Option<&rustybuzz::ShapePlan> {
        self.plans
            .iter()
            .find(|(s, _)| *s == script)
            .map(|(_, p)| p)
    }
}

/// All faces a run of the pipeline uses. Immutable after loading, `Send + Sync`:
/// share one store (e.g. in an `Arc` or by reference) across rayon workers.
#[derive(Debug, Clone, Default)]
pub struct FontStore {
    faces: Vec<FaceEntry>,
}

/// Which faces to use for one text style: one per script, then fallbacks tried in
/// order for a character the script's face does not cover.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FontChoice {
    /// Face for Latin and every other non-Thai script.
    pub latin: FaceId,
    /// Face for Thai.
    pub thai: FaceId,
    /// Faces tried in order when the script's face lacks a character.
    pub fallbacks: Vec<FaceId>,
}

impl FontStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads face 0 of each file, in order: the face of `paths[i]` is `FaceId(i)`.
    /// Fails naming the first file that is missing, unreadable or not a font.
    pub fn load(paths: &[PathBuf]) -> Result<Self, TextError> {
        let mut store = Self::new();
        for path in paths {
            store.add_file(path)?;
        }
        Ok(store)
    }

    /// Loads face 0 of one file and returns its id.
    pub fn add_file(&mut self, path: &Path) -> Result<FaceId, TextError> {
        let data = std::fs::read(path).map_err(|source| TextError::FontIo {
            path: path.to_path_buf(),
            source,
        })?;
        self.add_bytes(path.to_path_buf(), Arc::new(data), 0)
    }

    /// Adds a face from bytes already in memory (`path` is only used in messages).
    pub fn add_bytes(
        &mut self,
        path: PathBuf,
        data: Arc<Vec<u8>>,
        index: u32,
    ) -> Result<FaceId, TextError> {
        let parse_error = |reason: String| TextError::FontParse {
            path: path.clone(),
            reason,
        };
        // The whole file first: ttf-parser alone opens a truncated face and quietly loses
        // the tables past the cut.
        crate::brand::check_font_data(&data).map_err(parse_error)?;
        let face = ttf_parser::Face::parse(&data, index).map_err(|e| parse_error(e.to_string()))?;
        let metrics = FaceMetrics {
            units_per_em: face.units_per_em(),
            ascender: face.ascender(),
            descender: face.descender(),
            line_gap: face.line_gap(),
        };
        if metrics.units_per_em == 0 {
            return Err(parse_error("units per em is 0".into()));
        }
        let shaper: Yoke<ShaperFace<'static>, Arc<Vec<u8>>> =
            Yoke::try_attach_to_cart(Arc::clone(&data), |bytes: &Vec<u8>| {
                rustybuzz::Face::from_slice(bytes, index)
                    .map(ShaperFace)
                    .ok_or(())
            })
            .map_err(|()| parse_error("rustybuzz cannot use this face".into()))?;
        let plans = {
            let rb = &shaper.get().0;
            let plan = |script: rustybuzz::Script, lang: &str| {
                let lang = lang.parse::<rustybuzz::Language>().ok();
                let plan = rustybuzz::ShapePlan::new(
                    rb,
                    rustybuzz::Direction::LeftToRight,
                    Some(script),
                    lang.as_ref(),
                    &[],
                );
                (script, plan)
            };
            Arc::new([
                plan(rustybuzz::script::THAI, "th"),
                plan(rustybuzz::script::LATIN, "en"),
            ])
        };
        let id = FaceId(self.faces.len() as u32);
        self.faces.push(FaceEntry {
            path,
            data,
            index,
            metrics,
            shaper,
            plans,
        });
        Ok(id)
    }

    /// Number of faces loaded.
    pub fn len(&self) -> usize {
        self.faces.len()
    }

    /// True when no face is loaded.
    pub fn is_empty(&self) -> bool {
        self.faces.is_empty()
    }

    /// The face with this id, if it belongs to this store.
    pub fn face(&self, id: FaceId) -> Option<&FaceEntry> {
        self.faces.get(id.0 as usize)
    }

    /// The face's file bytes and face index, e.g. for embedding in a PDF.
    pub fn data(&self, id: FaceId) -> Option<(Arc<Vec<u8>>, u32)> {
        self.face(id).map(|f| (Arc::clone(&f.data), f.index))
    }

    /// The id of the face loaded from `path`, if any.
    pub fn id_for_path(&self, path: &Path) -> Option<FaceId> {
        self.faces
            .iter()
            .position(|f| f.path == path)
            .map(|i| FaceId(i as u32))
    }

    /// Checks that every face of `choice` belongs to this store.
    pub fn check_choice(&self, choice: &FontChoice) -> Result<(), TextError> {
        for id in [choice.latin, choice.thai]
            .iter()
            .chain(choice.fallbacks.iter())
        {
            if self.face(*id).is_none() {
                return Err(TextError::UnknownFace(*id));
            }
        }
        Ok(())
    }
}
