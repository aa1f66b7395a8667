//! The brand guide's fonts as the engine uses them: a [`FontChoice`] per font role and
//! weight, over the build's one [`FontStore`] (loaded by `assets`). Shared by every renderer
//! that lays out text itself (cards, print).

use crate::brand::{FontRole, Guide, Script};
use crate::error::{Error, Result};

use super::{FaceId, FontChoice, FontStore};

/// The faces of `role` for both scripts — each the file whose weight is nearest `weight` —
/// with every other brand face as a fallback: first the role's face of the other script,
/// then the rest nearest in weight, so digits inside bold Thai text stay bold.
pub fn role_choice(
    guide: &Guide,
    store: &FontStore,
    role: &FontRole,
    weight: u16,
) -> Result<FontChoice> {
    let weight_of = |id: FaceId| {
        store
            .face(id)
            .map(|f| f.ttf().weight().to_number())
            .unwrap_or(400)
    };
    let pick = |script: Script| -> Result<FaceId> {
        guide
            .font_files(role, script)
            .iter()
            .filter_map(|p| store.id_for_path(p))
            .min_by_key(|id| weight_of(*id).abs_diff(weight))
            .ok_or_else(|| {
                Error::file(
                    &guide.source.path,
                    format!("a font role has no loadable {script:?} font file"),
                )
            })
    };
    let (latin, thai) = (pick(Script::Latin)?, pick(Script::Thai)?);
    let mut others: Vec<FaceId> = (0..store.len() as u32)
        .map(FaceId)
        .filter(|id| *id != latin && *id != thai)
        .collect();
    others.sort_by_key(|id| (weight_of(*id).abs_diff(weight), id.0));
    let mut fallbacks = vec![latin, thai];
    fallbacks.extend(others);
    Ok(FontChoice {
        latin,
        thai,
        fallbacks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bold_choice_prefers_bold_faces_and_falls_back_by_weight() {
        let guide = Guide::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        let store = FontStore::load(&guide.all_font_files()).unwrap();
        let bold = role_choice(&guide, &store, guide.body(), 700).unwrap();
        let weight = |id: FaceId| store.face(id).unwrap().ttf().weight().to_number();
        assert_eq!((weight(bold.latin), weight(bold.thai)), (700, 700));
        assert_eq!(
            bold.fallbacks[..2],
            [bold.latin, bold.thai],
            "the role's own faces first"
        );
        let mut all = bold.fallbacks.clone();
        all.sort_by_key(|id| id.0);
        all.dedup();
        assert_eq!(
            all.len(),
            store.len(),
            "every brand face is a fallback once"
        );
        let regular = role_choice(&guide, &store, guide.body(), 400).unwrap();
        assert_eq!((weight(regular.latin), weight(regular.thai)), (400, 400));
    }
}
