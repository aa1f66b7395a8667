//! The build's one asset store: brand fonts, the logo and the pictures pieces show,
//! each read and parsed or decoded once and shared by every channel.
//!
//! - **Fonts** ([`BrandFonts`]): every brand font file read once; one [`FontStore`] for
//!   the text engine and one fontdb database for SVG text and the web's `@font-face`
//!   rules, over the same bytes.
//! - **Pictures** ([`Picture`]): one format policy for every channel. SVG is parsed in its
//!   sandbox ([`picture::parse_svg`]); PNG, JPEG, WebP and GIF (its first frame) are
//!   decoded by the `image` crate ([`decode`]); anything else is an error naming the file
//!   and, for a hero, the `hero = …` line of the piece. The pixel limits of [`limits`]
//!   apply before anything is decoded.
//! - **Cache**: pictures are kept per path, so a hero that web, email, cards and print all
//!   use is read and decoded once. The cache holds at most [`CACHE_BYTES`] of decoded
//!   pictures (the oldest go first), so a build of many large photos stays bounded.
//!
//! This is a middle layer: it reads the guide, content and paths, and knows nothing of
//! renderers or lint.

pub mod decode;
pub mod fonts;
pub use crate::limits;
pub mod picture;

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use resvg::usvg;

pub use decode::{Decoded, RASTER_FORMATS, decode_raster};
pub use fonts::{BrandFonts, FontFile};
pub use picture::{Format, SvgFonts, hero_error, sniff};

use crate::brand::Guide;
use crate::content::Piece;
use crate::error::{Error, Result};
use crate::paths::Sandbox;
use crate::text::FontStore;

/// The most bytes of decoded pictures (and their files) the cache keeps: 512 MiB, ten
/// 12-megapixel photos.
pub const CACHE_BYTES: usize = 512 << 20;

/// A picture file as every channel reads it.
pub struct Picture {
    /// What its bytes are.
    pub format: Format,
    /// The file as read (PNG and JPEG go into PDFs as they are; web and email copy it).
    pub bytes: Vec<u8>,
    pub content: Content,
    /// The raster pixels premultiplied by alpha, made on first use (what tiny-skia draws).
    premultiplied: OnceLock<Vec<u8>>,
}

/// A picture parsed or decoded.
pub enum Content {
    /// Parsed in its sandbox, within the limits.
    Svg(Box<usvg::Tree>),
    /// Decoded to straight RGBA (a GIF's first frame).
    Raster(Decoded),
}

impl Picture {
    /// Parses or decodes `bytes` read from `path`; SVG images resolve inside `sandbox`.
    /// Errors read after the file name.
    pub fn from_bytes(
        bytes: Vec<u8>,
        path: &Path,
        sandbox: &Sandbox,
        fonts: &SvgFonts,
    ) -> Result<Picture, String> {
        let format =
            sniff(&bytes, path).ok_or_else(|| format!("is not an SVG, {RASTER_FORMATS} image"))?;
        let content = match format {
            Format::Svg => {
                Content::Svg(Box::new(picture::parse_svg(&bytes, path, sandbox, fonts)?))
            }
            _ => Content::Raster(decode_raster(&bytes)?),
        };
        Ok(Picture {
            format,
            bytes,
            content,
            premultiplied: OnceLock::new(),
        })
    }

    /// Width and height in px (an SVG's declared size).
    pub fn size(&self) -> (f32, f32) {
        match &self.content {
            Content::Svg(t) => (t.size().width(), t.size().height()),
            Content::Raster(d) => (d.width as f32, d.height as f32),
        }
    }

    /// A raster picture's pixels premultiplied by alpha (`width × height × 4` bytes),
    /// computed once and shared by every card drawing it; `None` for SVG.
    pub fn premultiplied(&self) -> Option<&[u8]> {
        let Content::Raster(image) = &self.content else {
            return None;
        };
        let data = self.premultiplied.get_or_init(|| {
            let mut data = image.rgba.clone();
            for px in data.chunks_exact_mut(4) {
                let a = u16::from(px[3]);
                for c in &mut px[..3] {
                    *c = ((u16::from(*c) * a + 127) / 255) as u8;
                }
            }
            data
        });
        Some(data)
    }

    /// Bytes held in memory, for the cache's budget (a raster picture's premultiplied
    /// copy counted as if made).
    fn memory(&self) -> usize {
        self.bytes.len()
            + match &self.content {
                Content::Svg(_) => self.bytes.len(),
                Content::Raster(d) => 2 * d.rgba.len(),
            }
    }
}

type Slot = Arc<OnceLock<Result<Arc<Picture>, String>>>;

#[derive(Default)]
struct Cache {
    slots: HashMap<PathBuf, Slot>,
    /// Loaded slots, oldest first, with the bytes each holds.
    order: VecDeque<(PathBuf, Slot, usize)>,
    bytes: usize,
}

/// Fonts, logo and pictures of one build, shared by every renderer (`Send + Sync`).
pub struct Assets {
    fonts: BrandFonts,
    svg_fonts: SvgFonts,
    /// The project and its asset roots: where heroes and body images come from.
    sandbox: Sandbox,
    /// `brand/`: where the logo's SVG may read images from.
    brand_sandbox: Sandbox,
    logo_path: Option<PathBuf>,
    /// Where `[logo] files` is set, for the error when it is empty.
    guide_path: PathBuf,
    logo: OnceLock<Result<Arc<Picture>, String>>,
    cache: Mutex<Cache>,
}

impl Assets {
    /// Reads the brand fonts; the logo and pictures are read when first asked for.
    pub fn load(guide: &Guide) -> Result<Assets> {
        let fonts = BrandFonts::load(guide)?;
        let svg_fonts = fonts.svg();
        Ok(Assets {
            fonts,
            svg_fonts,
            sandbox: guide.sandbox.clone(),
            brand_sandbox: guide.brand_sandbox(),
            logo_path: guide.logo_file().map(|f| guide.logo_path(f)),
            guide_path: guide.source.path.clone(),
            logo: OnceLock::new(),
            cache: Mutex::new(Cache::default()),
        })
    }

    /// The brand fonts.
    pub fn fonts(&self) -> &BrandFonts {
        &self.fonts
    }

    /// The text engine's faces.
    pub fn font_store(&self) -> &Arc<FontStore> {
        self.fonts.store()
    }

    /// The fonts for text inside SVGs.
    pub fn svg_fonts(&self) -> &SvgFonts {
        &self.svg_fonts
    }

    /// The logo file (`[logo] files`: the first SVG, else the first file).
    pub fn logo_path(&self) -> Result<&Path> {
        self.logo_path
            .as_deref()
            .ok_or_else(|| Error::file(&self.guide_path, "[logo] files is empty"))
    }

    /// The logo, parsed (SVG, inside `brand/`) or decoded, once.
    pub fn logo(&self) -> Result<Arc<Picture>> {
        let path = self.logo_path()?;
        self.logo
            .get_or_init(|| {
                let bytes = std::fs::read(path).map_err(|e| format!("cannot be read: {e}"))?;
                Picture::from_bytes(bytes, path, &self.brand_sandbox, &self.svg_fonts).map(Arc::new)
            })
            .clone()
            .map_err(|e| Error::file(path, e))
    }

    /// The picture at `path` (resolved inside the project), read and decoded once while
    /// the cache keeps it. Errors read after the file name.
    pub fn picture(&self, path: &Path) -> Result<Arc<Picture>, String> {
        let slot = self
            .lock()
            .slots
            .entry(path.to_path_buf())
            .or_default()
            .clone();
        let mut loaded_here = false;
        let result = slot
            .get_or_init(|| {
                loaded_here = true;
                self.load_picture(path).map(Arc::new)
            })
            .clone();
        if loaded_here {
            let size = result.as_ref().map_or(0, |p| p.memory());
            let mut cache = self.lock();
            cache.bytes += size;
            cache.order.push_back((path.to_path_buf(), slot, size));
            while cache.bytes > CACHE_BYTES && cache.order.len() > 1 {
                let Some((old, old_slot, old_size)) = cache.order.pop_front() else {
                    break;
                };
                cache.bytes -= old_size;
                if cache
                    .slots
                    .get(&old)
                    .is_some_and(|s| Arc::ptr_eq(s, &old_slot))
                {
                    cache.slots.remove(&old);
                }
            }
        }
        result
    }

    /// The piece's hero, if it has one, read and decoded once (see [`Assets::picture`]);
    /// errors point at the piece's `hero = …` line.
    pub fn hero(&self, piece: &Piece) -> Result<Option<Arc<Picture>>> {
        let Some(path) = piece.hero_path() else {
            return Ok(None);
        };
        self.picture(&path)
            .map(Some)
            .map_err(|e| hero_error(piece, &path, &e))
    }

    /// The hero's file and format, for channels that publish the file as it is (web,
    /// and email for PNG, JPEG and GIF): the same formats and pixel limits as everywhere
    /// (read from the header), without decoding.
    pub fn hero_file(&self, piece: &Piece) -> Result<Option<(Vec<u8>, Format)>> {
        let Some(path) = piece.hero_path() else {
            return Ok(None);
        };
        let bytes = self
            .sandbox
            .read(&path)
            .map_err(|e| hero_error(piece, &path, &format!("cannot be read: {e}")))?;
        let format = check(&bytes, &path).map_err(|e| hero_error(piece, &path, &e))?;
        Ok(Some((bytes, format)))
    }

    fn load_picture(&self, path: &Path) -> Result<Picture, String> {
        let bytes = self
            .sandbox
            .read(path)
            .map_err(|e| format!("cannot be read: {e}"))?;
        Picture::from_bytes(bytes, path, &self.sandbox, &self.svg_fonts)
    }

    fn lock(&self) -> MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The format of a picture file, when it is one every channel accepts; a raster's header
/// is checked against the pixel limits (nothing is decoded).
pub fn check(bytes: &[u8], path: &Path) -> Result<Format, String> {
    let format =
        sniff(bytes, path).ok_or_else(|| format!("is not an SVG, {RASTER_FORMATS} image"))?;
    if format != Format::Svg {
        limits::check_raster(bytes)?;
    }
    Ok(format)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::Project;

    fn example() -> Project {
        Project::load(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn fonts_are_read_once_and_shared() {
        let project = example();
        let assets = Assets::load(&project.guide).unwrap();
        let files = project.guide.all_font_files();
        assert_eq!(assets.font_store().len(), files.len());
        for (i, file) in files.iter().enumerate() {
            let loaded = assets.fonts().file(file).unwrap();
            assert_eq!(loaded.face.0 as usize, i);
            // The engine's face and the SVG database hold the very same bytes.
            let entry = assets.fonts().face(file).unwrap();
            let id = loaded.db_faces[0];
            let same = assets
                .svg_fonts()
                .fontdb
                .with_face_data(id, |data, _| std::ptr::eq(data, entry.data.as_slice()))
                .unwrap();
            assert!(same, "{}", file.display());
        }
        let info = assets.fonts().info(&files[0]).unwrap();
        assert!(
            info.families
                .iter()
                .any(|(f, _)| f.starts_with("Noto Sans"))
        );
    }

    #[test]
    fn pictures_decode_once_per_path() {
        let dir = tempfile::tempdir().unwrap();
        let project = example();
        let path = dir.path().join("a.webp");
        std::fs::write(
            &path,
            decode::tests::solid(image::ImageFormat::WebP, 3, 2, [9, 8, 7, 255]),
        )
        .unwrap();
        let path = path.canonicalize().unwrap();
        let mut assets = Assets::load(&project.guide).unwrap();
        assets.sandbox = Sandbox::only(dir.path());
        let a = assets.picture(&path).unwrap();
        let b = assets.picture(&path).unwrap();
        assert!(Arc::ptr_eq(&a, &b), "decoded once");
        assert_eq!(a.format, Format::Webp);
        assert_eq!(a.size(), (3.0, 2.0));
        // Errors are kept too, and name what is wrong.
        let bad = dir.path().canonicalize().unwrap().join("b.png");
        std::fs::write(&bad, b"BM not a picture").unwrap();
        let e = assets.picture(&bad).err().unwrap();
        assert!(e.contains("PNG, JPEG, WebP or GIF"), "{e}");
        assert!(assets.picture(&dir.path().join("missing.png")).is_err());
    }
}
