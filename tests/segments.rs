//! Segments and per-segment variants (issue 12): `[segments.<name>]` in the guide,
//! `segments = [...]` and `[variants.<segment>]` in a piece, the variant's outputs under
//! `out/<channel>/<segment>/`, the manifest's `segment` and `serves`, and the email
//! greeting written in each sending platform's merge-tag syntax — on the bundled Thai
//! example (`content/winter-2026/member-double-points.md` has a members' variant).

mod support;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::copy_dir;

use brandpress::build::{BuildOptions, build};
use brandpress::content::Piece;
use brandpress::lint::{self, FileKind, LintContext, Roots};
use brandpress::project::Project;
use brandpress::render::email::EmailRenderer;
use brandpress::render::{Channel, Renderer};
use serde_json::Value;

const PIECE: &str = "content/winter-2026/member-double-points.md";
const SLUG: &str = "member-double-points";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the bundled example project in `dir`.
fn example(dir: &Path) -> PathBuf {
    for part in ["brand", "content", "templates"] {
        copy_dir(&root().join(part), &dir.join(part));
    }
    dir.to_path_buf()
}

/// Rewrites `rel` in the project with `f`, checking it changed.
fn edit(project: &Path, rel: &str, f: impl FnOnce(&str) -> String) {
    let path = project.join(rel);
    let before = std::fs::read_to_string(&path).unwrap();
    let after = f(&before);
    assert!(before != after, "{rel} unchanged");
    std::fs::write(path, after).unwrap();
}

/// The piece's text without its `[variants.members]` table (the last table of its front
/// matter).
fn without_variant(text: &str) -> String {
    let start = text.find("\n# What members see instead").unwrap();
    let end = start + text[start..].find("\n+++\n").unwrap();
    format!("{}{}", &text[..start], &text[end..])
}

fn build_all(project: &Path, out: &Path) -> Value {
    let p = Project::load(project).unwrap_or_else(|e| panic!("{e:?}"));
    build(
        &p,
        &BuildOptions {
            out: out.to_path_buf(),
            channels: Channel::ALL.to_vec(),
            shard: None,
        },
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap()
}

/// Every file of an output folder (but the manifests), by relative path.
fn files(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut map = BTreeMap::new();
    for entry in walkdir::WalkDir::new(out).min_depth(1) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(out)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        // the contact sheet (`index.html`, `_sheet/`) is a view of the outputs, not one:
        // it lists every variant, so it is not compared here (tests/sheet.rs checks it)
        let sheet = rel == "index.html" || rel.starts_with("_sheet/");
        if entry.file_type().is_file() && rel != "manifest.json" && !rel.starts_with('.') && !sheet
        {
            map.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    map
}

/// A PDF with its document id blanked: the trailer's `/ID [(…)(…)]` and the XMP
/// `xmpMM:DocumentID`.
fn without_pdf_id(pdf: &[u8]) -> Vec<u8> {
    let mut out = pdf.to_vec();
    for (open, close) in [
        (&b"/ID["[..], &b"]"[..]),
        (b"<xmpMM:DocumentID>", b"</xmpMM:DocumentID>"),
    ] {
        let start = pdf
            .windows(open.len())
            .rposition(|w| w == open)
            .expect("a PDF with a document id");
        let end = start
            + pdf[start..]
                .windows(close.len())
                .position(|w| w == close)
                .unwrap();
        out[start..end].fill(b' ');
    }
    out
}

fn record<'a>(manifest: &'a Value, path: &str) -> &'a Value {
    manifest["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["path"] == path)
        .unwrap_or_else(|| panic!("{path} not in the manifest"))
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect()
}

fn amounts(record: &Value) -> Vec<&str> {
    record["facts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "amount")
        .map(|f| f["value"].as_str().unwrap())
        .collect()
}

#[test]
fn variants_get_their_own_outputs_and_the_rest_stays_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let with = example(&tmp.path().join("with"));
    let without = example(&tmp.path().join("without"));
    edit(&without, PIECE, without_variant);
    let extra = example(&tmp.path().join("extra"));
    // an unrelated segment in the guide, targeted by no piece
    edit(&extra, "brand/brand.toml", |t| {
        t.replace(
            "[segments.office]",
            "[segments.students]\nlabel = \"นักศึกษา\"\n\n[segments.office]",
        )
    });

    let out_with = tmp.path().join("out-with");
    let out_without = tmp.path().join("out-without");
    let out_extra = tmp.path().join("out-extra");
    let manifest = build_all(&with, &out_with);
    let manifest_without = build_all(&without, &out_without);
    build_all(&extra, &out_extra);
    let (a, b, c) = (files(&out_with), files(&out_without), files(&out_extra));

    // the members' variant: its own file on every channel, one folder deeper
    let variant_paths = [
        format!("web/members/{SLUG}/index.html"),
        format!("email/members/{SLUG}.html"),
        format!("email/members/{SLUG}.txt"),
        format!("email/members/{SLUG}.eml"),
        format!("social/members/{SLUG}-og.png"),
        format!("social/members/{SLUG}-square.png"),
        format!("social/members/{SLUG}-story.png"),
        format!("print/members/{SLUG}.pdf"),
    ];
    let in_members: Vec<&String> = a.keys().filter(|p| p.contains("/members/")).collect();
    let mut expected: Vec<&String> = variant_paths.iter().collect();
    expected.sort();
    assert_eq!(in_members, expected);
    assert!(!b.keys().any(|p| p.contains("/members/")));

    // without the variant, every other file is byte for byte the same: the piece's own
    // outputs and every other piece's
    let base: BTreeMap<_, _> = a.iter().filter(|(p, _)| !p.contains("/members/")).collect();
    assert_eq!(base.len(), b.len());
    for (path, bytes) in &b {
        let (x, y) = if path == &format!("print/{SLUG}.pdf") {
            // the document id hashes the piece's source text, which the variant is part of;
            // nothing else differs
            (without_pdf_id(base[path]), without_pdf_id(bytes))
        } else {
            (base[path].clone(), bytes.clone())
        };
        assert!(x == y, "{path} changed when the variant was added");
    }
    // an unrelated segment in the guide changes no file (a PDF's document id is derived
    // from the guide's text, so PDFs are the same but for it)
    assert_eq!(a.len(), c.len());
    for (path, bytes) in &a {
        if path.ends_with(".pdf") {
            assert!(
                without_pdf_id(&c[path]) == without_pdf_id(bytes),
                "{path} changed with an unrelated segment"
            );
        } else {
            assert!(
                &c[path] == bytes,
                "{path} changed with an unrelated segment"
            );
        }
    }

    // the variant's page reaches the shared assets one folder further up
    // (tera escapes '/' in values as &#x2F;, which browsers read as '/')
    let page = String::from_utf8(a[&variant_paths[0]].clone())
        .unwrap()
        .replace("&#x2F;", "/");
    let page_dir = out_with.join(format!("web/members/{SLUG}"));
    for needle in [
        "href=\"../../assets/brand.css\"",
        "src=\"../../assets/logo.svg\"",
    ] {
        assert!(page.contains(needle), "{needle}");
        let rel = needle.split('"').nth(1).unwrap();
        assert!(page_dir.join(rel).is_file(), "{rel} does not resolve");
    }
    assert!(page.contains("แต้มสองเท่าทุกวันพุธ พร้อมราคาสมาชิก"));
    assert!(page.contains(&format!(
        "https://tonkla.example/campaigns/web/members/{SLUG}/"
    )));
    let base_page = String::from_utf8(a[&format!("web/{SLUG}/index.html")].clone())
        .unwrap()
        .replace("&#x2F;", "/");
    assert!(base_page.contains("href=\"../assets/brand.css\""));
    assert!(!base_page.contains("พร้อมราคาสมาชิก") && !base_page.contains("฿79"));

    // the manifest: who each output serves, and the variant's own facts
    let own = record(&manifest, &format!("email/{SLUG}.html"));
    assert_eq!(own["segment"], Value::Null);
    assert_eq!(strings(&own["serves"]), ["all"]);
    assert!(!amounts(own).contains(&"THB 79.00"), "{own}");
    for path in &variant_paths {
        let r = record(&manifest, path);
        assert_eq!(r["segment"], "members", "{path}");
        assert_eq!(strings(&r["serves"]), ["members"], "{path}");
        assert_eq!(r["piece"], SLUG);
        if !path.ends_with(".eml") {
            assert!(amounts(r).contains(&"THB 79.00"), "{path}: {r}");
        }
    }
    // a piece targeting segments without variants serves them with its own outputs
    let cold = record(&manifest, "web/cold-brew-winter/index.html");
    assert_eq!(strings(&cold["serves"]), ["all", "members", "office"]);
    assert_eq!(
        strings(&record(&manifest, "web/assets/brand.css")["serves"]),
        ["all"]
    );
    // without the variant, the piece serves its segment itself
    let own = record(&manifest_without, &format!("email/{SLUG}.html"));
    assert_eq!(strings(&own["serves"]), ["all", "members"]);

    // the manifest is valid against its schema
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/manifest.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&manifest));

    // the members' price is not a mismatch against the piece's own outputs; a members'
    // email that states another price is
    let lint = |out: &Path| -> Vec<(String, String)> {
        let o = Command::new(env!("CARGO_BIN_EXE_brandpress"))
            .args(["lint", "--format", "json", "--project"])
            .arg(&with)
            .arg(out)
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "consistency/mismatch")
            .map(|f| {
                (
                    f["path"].as_str().unwrap().replace('\\', "/"),
                    f["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(lint(&out_with), []);
    let txt = out_with.join(format!("email/members/{SLUG}.txt"));
    let text = std::fs::read_to_string(&txt).unwrap();
    std::fs::write(&txt, text.replace("฿79", "฿89")).unwrap();
    let found = lint(&out_with);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].0.ends_with(&format!("email/members/{SLUG}.txt"))
            && found[0].1.contains("says price THB 89.00")
            && found[0].1.contains("THB 79.00"),
        "{found:?}"
    );
}

/// The members' email of the example with `[channels.email] merge_tags = tags`: (HTML,
/// text part, the project, its folder).
fn members_email(tags: &str) -> (String, String, Project, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let project = example(tmp.path());
    if tags != "mailchimp" {
        // the example's guide says mailchimp
        edit(&project, "brand/brand.toml", |t| {
            t.replace(
                "merge_tags = \"mailchimp\"",
                &format!("merge_tags = \"{tags}\""),
            )
        });
    }
    let p = Project::load(&project).unwrap();
    let piece: &Piece = p
        .pieces
        .iter()
        .find(|p| p.slug == SLUG)
        .unwrap()
        .variant("members")
        .unwrap();
    let rendered = EmailRenderer::new(&p).unwrap().render(piece).unwrap();
    let get = |ext: &str| {
        let o = rendered
            .outputs
            .iter()
            .find(|o| o.path == Path::new(&format!("email/members/{SLUG}.{ext}")))
            .unwrap();
        String::from_utf8(o.bytes.clone()).unwrap()
    };
    let (html, text) = (get("html"), get("txt"));
    drop(rendered);
    (html, text, p, tmp)
}

#[test]
fn the_greeting_uses_each_platforms_merge_tags_in_both_parts() {
    let mut rules_by_syntax = Vec::new();
    for (tags, name) in [
        ("mailchimp", "*|IF:FNAME|**|FNAME|**|ELSE:|*ลูกค้า*|END:IF|*"),
        ("brevo", "{{ contact.FIRSTNAME|default:'ลูกค้า' }}"),
        (
            "sendgrid",
            "{{#if first_name}}{{first_name}}{{else}}ลูกค้า{{/if}}",
        ),
        ("none", "ลูกค้า"),
    ] {
        let (html, text, project, _dir) = members_email(tags);
        let line = format!("สวัสดีคุณ {name}");
        // the HTML part: the tag byte for byte through templating and CSS inlining
        assert!(
            html.contains(&format!("{line}</p>")),
            "{tags}: {}",
            &html[html.find("bp-greeting").unwrap_or(0)..][..300.min(html.len())]
        );
        // the text part: the greeting first, the same tag
        assert!(text.starts_with(&format!("{line}\n\n")), "{tags}: {text}");
        // Thai around it is untouched
        assert!(text.contains("แต้มสองเท่าทุกวันพุธ พร้อมราคาสมาชิก"));

        // our own email lint: the tags add no finding
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("members.html");
        std::fs::write(&path, &html).unwrap();
        let ctx = LintContext::new(&project.guide)
            .within(Roots::of(&[dir.path().to_path_buf()]).unwrap());
        let mut rules: Vec<String> =
            lint::lint_kind(&ctx, &path, html.as_bytes(), FileKind::EmailHtml)
                .into_iter()
                .map(|f| f.rule.to_string())
                .collect();
        rules.sort();
        assert!(!rules.is_empty(), "{tags}: the email was not linted");
        rules_by_syntax.push((tags, rules));
    }
    let plain = rules_by_syntax.last().unwrap().1.clone();
    for (tags, rules) in &rules_by_syntax {
        assert_eq!(rules, &plain, "{tags} adds findings");
    }
}

#[test]
fn an_english_greeting_falls_back_to_the_guide_word() {
    let tmp = tempfile::tempdir().unwrap();
    let project = example(tmp.path());
    std::fs::write(
        project.join("content/en-members.md"),
        "+++\ntitle = \"Members' week\"\nsummary = \"Double points all week.\"\nlang = \"en\"\nchannels = [\"email\"]\nsegments = [\"members\"]\n\n[variants.members]\ngreeting = \"Hi {name},\"\n+++\n\nSee you at the counter.\n",
    )
    .unwrap();
    edit(&project, "brand/brand.toml", |t| {
        t.replace("merge_tags = \"mailchimp\"", "merge_tags = \"none\"")
            .replace("en = \"there\"", "en = \"friend\"")
    });
    let p = Project::load(&project).unwrap();
    let piece = p.pieces.iter().find(|p| p.slug == "en-members").unwrap();
    let renderer = EmailRenderer::new(&p).unwrap();
    let text = |piece: &Piece| {
        let r = renderer.render(piece).unwrap();
        let o = r
            .outputs
            .iter()
            .find(|o| o.path.extension().unwrap() == "txt")
            .unwrap();
        (o.path.clone(), String::from_utf8(o.bytes.clone()).unwrap())
    };
    let (path, members) = text(piece.variant("members").unwrap());
    assert_eq!(path, Path::new("email/members/en-members.txt"));
    assert!(members.starts_with("Hi friend,\n\n"), "{members}");
    // the piece itself has no greeting
    let (path, own) = text(piece);
    assert_eq!(path, Path::new("email/en-members.txt"));
    assert!(own.starts_with("Members' week\n"), "{own}");
}

/// The error of loading the example with `rel` edited by `f`.
fn load_error(rel: &str, f: impl FnOnce(&str) -> String) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let project = example(tmp.path());
    edit(&project, rel, f);
    match Project::load(&project) {
        Ok(_) => panic!("{rel} loads"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn segment_mistakes_are_errors_where_they_are_written() {
    // a segment the guide does not declare: at the name in `segments = [...]`
    let e = load_error(PIECE, |t| {
        t.replace(
            "segments = [\"members\"]",
            "segments = [\"members\", \"students\"]",
        )
    });
    assert!(
        e.contains("member-double-points.md:8:24: segment \"students\" is not in the brand guide: the guide declares \"coffee-lovers\", \"members\", \"office\""),
        "{e}"
    );
    // a variant for a segment the piece does not list: at the variant's key
    let e = load_error(PIECE, |t| {
        t.replace("[variants.members]", "[variants.office]")
    });
    assert!(
        e.contains("member-double-points.md:20:11: [variants.office] is for a segment the piece does not target"),
        "{e}"
    );
    // an unknown key in a variant, and a greeting placeholder other than {name}
    let e = load_error(PIECE, |t| t.replace("greeting = ", "greting = "));
    assert!(
        e.contains("member-double-points.md:23:1:") && e.contains("greting"),
        "{e}"
    );
    let e = load_error(PIECE, |t| t.replace("{name}", "{ชื่อ}"));
    assert!(
        e.contains("member-double-points.md:23:12:")
            && e.contains("{name} is the only placeholder"),
        "{e}"
    );
    // a variant's CTA without a URL when the piece has no CTA of its own
    let e = load_error("content/winter-2026/line-man-delivery.md", |_| {
        "+++\ntitle = \"ชาไทยเย็น\"\nsummary = \"ส่งฟรีถึงออฟฟิศ\"\nsegments = [\"office\"]\n\n[variants.office]\ncta = { text = \"สั่งเลย\" }\n+++\nเนื้อหา\n".to_string()
    });
    assert!(
        e.contains("line-man-delivery.md:7:1:") && e.contains("needs both text and url"),
        "{e}"
    );
    // guide: a segment name that is not a safe folder name, a reserved one, an empty label
    let e = load_error("brand/brand.toml", |t| {
        t.replace("[segments.office]", "[segments.Office]")
    });
    assert!(e.contains("segment name \"Office\" cannot be used"), "{e}");
    let e = load_error("brand/brand.toml", |t| {
        t.replace("[segments.office]", "[segments.all]")
    });
    assert!(e.contains("\"all\" cannot be used: it is reserved"), "{e}");
    let e = load_error("brand/brand.toml", |t| {
        t.replace("label = \"Office orders\"", "label = \" \"")
    });
    assert!(e.contains("[segments.office] label is empty"), "{e}");
    let e = load_error("brand/brand.toml", |t| {
        t.replace("th = \"ลูกค้า\"", "th = \"ลูก'ค้า\"")
    });
    assert!(
        e.contains("greeting_fallback th") && e.contains("'\\''"),
        "{e}"
    );
    let e = load_error("brand/brand.toml", |t| {
        t.replace("merge_tags = \"mailchimp\"", "merge_tags = \"mailgun\"")
    });
    assert!(e.contains("mailgun") && e.contains("mailchimp"), "{e}");
}

#[test]
fn a_partial_build_keeps_a_variants_files_only_while_the_variant_exists() {
    let tmp = tempfile::tempdir().unwrap();
    let project = example(&tmp.path().join("p"));
    let out = tmp.path().join("out");
    let build_channels = |channels: Vec<Channel>| {
        let p = Project::load(&project).unwrap_or_else(|e| panic!("{e:?}"));
        build(
            &p,
            &BuildOptions {
                out: out.clone(),
                channels,
                shard: None,
            },
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
    };
    build_channels(vec![Channel::Email, Channel::Web]);
    let email = out.join(format!("email/members/{SLUG}.html"));
    assert!(email.is_file());

    // web only: the members' email is kept, as the piece still has the variant
    build_channels(vec![Channel::Web]);
    assert!(email.is_file());
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let kept = record(&manifest, &format!("email/members/{SLUG}.html"));
    assert_eq!(kept["segment"], "members");
    assert_eq!(strings(&kept["serves"]), ["members"]);

    // the variant removed: its files of every channel are gone after a web-only build
    edit(&project, PIECE, without_variant);
    build_channels(vec![Channel::Web]);
    assert!(!email.exists());
    assert!(!out.join("email/members").exists());
    assert!(!out.join("web/members").exists());
    assert!(out.join(format!("email/{SLUG}.html")).is_file());
}
