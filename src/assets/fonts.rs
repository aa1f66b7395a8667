//! The brand fonts, read and parsed once per build: one [`FontStore`] for the text engine
//! (cards, print, the email button's width) and one fontdb database for `<text>` inside
//! SVGs and for the web's `@font-face` rules, both over the same shared file bytes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::brand::Guide;
use crate::error::{Error, Result};
use crate::text::{FaceEntry, FaceId, FontStore, TextError};

use super::picture::SvgFonts;

/// One brand font file as loaded.
#[derive(Debug, Clone)]
pub struct FontFile {
    pub path: PathBuf,
    /// Its face 0 in the [`FontStore`].
    pub face: FaceId,
    /// Its faces in the fontdb database (a collection has several).
    pub db_faces: Vec<fontdb::ID>,
}

/// Every brand font file, parsed once.
pub struct BrandFonts {
    store: Arc<FontStore>,
    db: Arc<fontdb::Database>,
    /// The body's Latin family: what SVG text without a family we have is set in.
    family: String,
    files: Vec<FontFile>,
}

impl BrandFonts {
    /// Reads every file of [`Guide::all_font_files`] once, in guide order (so face `i`
    /// of the store is file `i`).
    pub fn load(guide: &Guide) -> Result<BrandFonts> {
        let mut store = FontStore::new();
        let mut db = fontdb::Database::new();
        let mut files = Vec::new();
        for path in guide.all_font_files() {
            let data = std::fs::read(&path).map_err(|source| {
                Error::file(
                    guide.fonts_dir(),
                    TextError::FontIo {
                        path: path.clone(),
                        source,
                    },
                )
            })?;
            let data = Arc::new(data);
            let face = store
                .add_bytes(path.clone(), Arc::clone(&data), 0)
                .map_err(|e| Error::file(guide.fonts_dir(), e))?;
            let shared: Arc<dyn AsRef<[u8]> + Send + Sync> = data;
            let db_faces = db
                .load_font_source(fontdb::Source::Binary(shared))
                .into_iter()
                .collect();
            files.push(FontFile {
                path,
                face,
                db_faces,
            });
        }
        Ok(BrandFonts {
            store: Arc::new(store),
            db: Arc::new(db),
            family: guide.body().latin.family.get_ref().clone(),
            files,
        })
    }

    /// The text engine's faces.
    pub fn store(&self) -> &Arc<FontStore> {
        &self.store
    }

    /// The fonts for SVG text: the shared database and the default family.
    pub fn svg(&self) -> SvgFonts {
        SvgFonts {
            fontdb: Arc::clone(&self.db),
            family: self.family.clone(),
        }
    }

    /// Every file, in guide order.
    pub fn files(&self) -> &[FontFile] {
        &self.files
    }

    /// The loaded file at `path`.
    pub fn file(&self, path: &Path) -> Option<&FontFile> {
        self.files.iter().find(|f| f.path == path)
    }

    /// The engine's face of the file at `path`.
    pub fn face(&self, path: &Path) -> Option<&FaceEntry> {
        self.store.face(self.file(path)?.face)
    }

    /// fontdb's description (family, weight, style) of the first face of `path`.
    pub fn info(&self, path: &Path) -> Option<&fontdb::FaceInfo> {
        self.db.face(*self.file(path)?.db_faces.first()?)
    }
}
