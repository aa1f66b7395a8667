//! `brandpress init DIR`: a new project that builds as it is — the bundled guide, fonts
//! and logo, every channel's templates, and one bilingual starter piece.

use std::path::Path;

use include_dir::{Dir, include_dir};

use crate::error::{Error, Result};

static BRAND: Dir = include_dir!("$CARGO_MANIFEST_DIR/brand");
static TEMPLATES: Dir = include_dir!("$CARGO_MANIFEST_DIR/templates");

const STARTER: &str = r#"+++
title = "ยินดีต้อนรับสู่แบรนด์ของเรา"
summary = "ชิ้นงานแรกของคุณ: แก้ไขไฟล์นี้ แล้วสั่ง brandpress build อีกครั้ง"
slug = "welcome"
lang = "th"
campaign = "launch"

[cta]
text = "ดูเมนู"
url = "https://example.com/menu"

[facts]
price = "฿59"
promo_code = "HELLO"

# Segments ([segments.*] in brand/brand.toml) this piece targets, and what one of them
# sees instead: its own outputs under out/<channel>/members/. Uncomment to try.
# segments = ["members"]
# [variants.members]
# greeting = "สวัสดีคุณ {name}"   # {name}: the first name, as [channels.email] merge_tags
# facts = { price = "฿49" }
+++

## เริ่มต้น

ไฟล์นี้อยู่ใน `content/welcome.md` ข้อความภาษาไทยและ English อยู่ด้วยกันได้
แก้ไขสี ฟอนต์ และกฎการเขียนใน `brand/brand.toml`
"#;

/// Writes a new project into `dir`, which must not exist or be empty.
pub fn init(dir: &Path) -> Result<()> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map_err(|e| Error::file(dir, e))?
            .next()
            .is_none();
        if !empty {
            return Err(Error::file(
                dir,
                "already exists and is not empty; choose a new directory",
            ));
        }
    }
    let write = |rel: &Path, bytes: &[u8]| -> Result<()> {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::file(parent, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| Error::file(&path, e))
    };
    for (root, tree) in [("brand", &BRAND), ("templates", &TEMPLATES)] {
        for file in files(tree) {
            write(&Path::new(root).join(file.path()), file.contents())?;
        }
    }
    write(Path::new("content/welcome.md"), STARTER.as_bytes())?;
    write(Path::new(".gitignore"), b"/out/\n")?;
    Ok(())
}

fn files<'a>(dir: &'a Dir<'a>) -> Vec<&'a include_dir::File<'a>> {
    let mut out: Vec<_> = dir.files().collect();
    for sub in dir.dirs() {
        out.extend(files(sub));
    }
    out
}
