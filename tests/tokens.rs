//! Design tokens, the guide's JSON Schema, shell completions and the man page: the
//! example guide round-trips through DTCG, token files from Style Dictionary and Tokens
//! Studio import, bad token files fail with the JSON pointer, the schema accepts the
//! example guide and rejects broken ones, and every generated script names the commands.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use brandpress::brand::Guide;
use brandpress::tokens::{self, Format, dtcg, import};
use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn brandpress(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run brandpress")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn example() -> Guide {
    Guide::load(&repo()).expect("the example guide loads")
}

/// A copy of the example's `brand/` folder (guide, fonts, logo) in a temporary project.
fn copy_brand() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new(repo().join("brand")) {
        let entry = entry.unwrap();
        let dest = dir.path().join(entry.path().strip_prefix(repo()).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
    dir
}

fn guide_path(dir: &Path) -> PathBuf {
    dir.join("brand/brand.toml")
}

fn dtcg_text() -> String {
    tokens::export(&example(), Format::Dtcg).unwrap()
}

fn write_tokens(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn comments(text: &str) -> Vec<&str> {
    text.lines()
        .filter_map(|l| l.find('#').map(|i| l[i..].trim()))
        .filter(|c| c.starts_with("# "))
        .collect()
}

/// The guide as data: every table and value, no formatting.
fn data(text: &str) -> toml::Table {
    toml::from_str(text).unwrap()
}

#[test]
fn dtcg_export_follows_the_2025_10_format() {
    let v: Value = serde_json::from_str(&dtcg_text()).unwrap();
    let colors = v["color"].as_object().unwrap();
    assert_eq!(colors["$type"], "color");
    // the guide's order, not alphabetical
    let text = dtcg_text();
    let at: Vec<usize> = ["forest", "roast", "saffron", "ink", "paper", "mist"]
        .iter()
        .map(|n| text.find(&format!("\"{n}\": {{")).unwrap())
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
    let forest = &colors["forest"];
    assert_eq!(forest["$value"]["colorSpace"], "srgb");
    assert_eq!(forest["$value"]["hex"], "#1f5c4a");
    let comps: Vec<f64> = forest["$value"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_f64().unwrap())
        .collect();
    assert_eq!(
        comps
            .iter()
            .map(|c| (c * 255.0).round() as u8)
            .collect::<Vec<_>>(),
        [0x1F, 0x5C, 0x4A]
    );
    let ours = &forest["$extensions"]["com.brandpress"];
    assert_eq!(ours["role"], "primary");
    assert_eq!(ours["dark"]["hex"], "#7fc4ae");
    assert_eq!(v["role"]["primary"]["$value"], "{color.forest}");
    // fonts per script, Thai and Latin, with their files
    assert_eq!(v["font"]["heading"]["thai"]["$type"], "fontFamily");
    assert_eq!(v["font"]["heading"]["thai"]["$value"], "Noto Sans Thai");
    assert_eq!(
        v["font"]["body"]["thai"]["$extensions"]["com.brandpress"]["files"][0],
        "NotoSansThai-Regular.ttf"
    );
    assert_eq!(v["font"]["heading"]["weight"]["$value"], 700);
    assert_eq!(
        v["font"]["heading"]["size"]["min"]["$value"],
        serde_json::json!({"value": 28, "unit": "px"})
    );
    let typo = &v["typography"]["body"]["thai"]["$value"];
    for member in [
        "fontFamily",
        "fontSize",
        "fontWeight",
        "letterSpacing",
        "lineHeight",
    ] {
        assert!(typo.get(member).is_some(), "typography lacks {member}");
    }
    // logo, tone and channel rules travel under $extensions, Thai terms intact
    let guide = &v["$extensions"]["com.brandpress"]["guide"];
    assert_eq!(guide["logo"]["clear_space"], 0.25);
    assert!(
        guide["tone"]["banned"]
            .as_array()
            .unwrap()
            .contains(&"ถูกที่สุด".into())
    );
    assert_eq!(
        guide["channels"]["email"]["greeting_fallback"]["th"],
        "ลูกค้า"
    );
    assert!(
        guide["colors"].get("forest").is_none(),
        "palette colors are tokens, not extensions"
    );
    assert!(guide.get("fonts").is_none());
    // every alias in the file resolves (the reader checks it)
    let file = dtcg::read(Path::new("x.tokens.json"), &dtcg_text()).unwrap();
    assert!(!file.legacy);
    let fam = file
        .tokens
        .iter()
        .find(|t| t.dotted() == "typography.heading.thai")
        .unwrap();
    assert_eq!(fam.value["fontFamily"], "Noto Sans Thai");
    assert_eq!(fam.value["fontSize"]["value"], 28);
}

#[test]
fn the_example_guide_round_trips_through_dtcg_with_comments_kept() {
    let dir = copy_brand();
    let guide = guide_path(dir.path());
    let original = std::fs::read_to_string(&guide).unwrap();
    let tokens = write_tokens(dir.path(), "brand.tokens.json", &dtcg_text());

    // into the same guide: nothing changes, byte for byte
    let same = import::import(&tokens, &guide, false).unwrap();
    assert!(same.changes.is_empty(), "{:?}", same.changes);
    assert_eq!(std::fs::read_to_string(&guide).unwrap(), original);

    // into an edited copy: the tokens' meaning comes back, and the comments stay
    let edited = original
        .replace("hex = \"#1F5C4A\"", "hex = \"#000000\"  # changed by hand")
        .replace("cmyk = [0, 32, 73, 5]\n", "")
        .replace("\"cheapest\", ", "")
        .replace("weight = 700", "weight = 600")
        .replace(
            "fallbacks = [\"Tahoma\", \"Arial\", \"sans-serif\"]\nsize = { min = 28",
            "fallbacks = [\"Arial\"]\nsize = { min = 20",
        )
        .replace("max_sentence_words = 16", "max_sentence_words = 20")
        .replace("{ text = \"forest\", background = \"mist\" },\n", "");
    assert_ne!(edited, original);
    std::fs::write(&guide, &edited).unwrap();
    let outcome = import::import(&tokens, &guide, false).unwrap();
    assert_eq!(outcome.changes.len(), 8, "{:#?}", outcome.changes);
    let merged = std::fs::read_to_string(&guide).unwrap();
    assert_eq!(
        data(&merged),
        data(&original),
        "same data as the example guide"
    );
    for c in comments(&original) {
        assert!(merged.contains(c), "comment lost: {c}");
    }
    assert!(
        merged.contains("# changed by hand"),
        "a changed value keeps its comment"
    );
    // and the loaded model says the same
    let a = example();
    let b = Guide::load(dir.path()).unwrap();
    assert_eq!(
        brandpress::cli::summary(&a)
            .lines()
            .skip(1)
            .collect::<Vec<_>>(),
        brandpress::cli::summary(&b)
            .lines()
            .skip(1)
            .collect::<Vec<_>>()
    );
    assert_eq!(
        tokens::export(&a, Format::Css)
            .unwrap()
            .lines()
            .skip(1)
            .collect::<Vec<_>>(),
        tokens::export(&b, Format::Css)
            .unwrap()
            .lines()
            .skip(1)
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_style_dictionary_sample_imports() {
    let dir = copy_brand();
    let guide = guide_path(dir.path());
    let sample = repo().join("tests/fixtures/tokens/style-dictionary-colors.json");
    let outcome = import::import(&sample, &guide, false).unwrap();
    assert_eq!(outcome.changes.len(), 11, "{:#?}", outcome.changes);
    let g = Guide::load(dir.path()).unwrap();
    assert_eq!(g.color("orange-500").unwrap().hex.hex(), "#ED8936");
    assert_eq!(g.color("black").unwrap().role.get_ref(), "palette");
    // appended after the example's colors, the example's own untouched
    let names: Vec<&str> = g.palette().map(|(n, _)| n).collect();
    assert_eq!(
        &names[..6],
        ["forest", "roast", "saffron", "ink", "paper", "mist"]
    );
    // the file's order, not alphabetical
    assert_eq!(&names[6..9], ["black", "white", "orange-100"]);
    assert_eq!(names[names.len() - 1], "orange-900");
    let text = std::fs::read_to_string(&guide).unwrap();
    assert!(text.find("[colors.black]").unwrap() > text.find("[colors.mist]").unwrap());
    assert!(
        text.find("[colors.black]").unwrap()
            < text
                .find("# ---------------------------------------------------------------- fonts")
                .unwrap()
    );
}

#[test]
fn a_tokens_studio_sample_imports_its_colors_and_skips_aliases() {
    let dir = copy_brand();
    let guide = guide_path(dir.path());
    let sample = repo().join("tests/fixtures/tokens/tokens-studio-swift-ui-colors.tokens.json");
    let before = std::fs::read_to_string(&guide).unwrap();
    // dry run: says what it would do, writes nothing
    let dry = import::import(&sample, &guide, true).unwrap();
    assert_eq!(dry.changes, ["colors.red: added (#FF0000)"]);
    assert!(dry.notes.iter().any(|n| n.contains("Tokens Studio")));
    assert!(
        dry.notes
            .iter()
            .any(|n| n.contains("color.danger (alias)") && n.contains("color.error (alias)"))
    );
    assert_eq!(std::fs::read_to_string(&guide).unwrap(), before);
    import::import(&sample, &guide, false).unwrap();
    assert_eq!(
        Guide::load(dir.path())
            .unwrap()
            .color("red")
            .unwrap()
            .hex
            .hex(),
        "#FF0000"
    );
}

/// Bad token files: each fails with the file and the JSON pointer, and the guide is not touched.
#[test]
fn bad_token_files_name_the_json_pointer() {
    let cases: &[(&str, &str, &str)] = &[
        ("not json", "{", "not JSON"),
        ("top is a list", "[]", "JSON object"),
        (
            "unknown $ property",
            r##"{"color": {"a": {"$value": "#000000", "$type": "color", "$bogus": 1}}}"##,
            "/color/a/$bogus",
        ),
        (
            "dot in a name",
            r##"{"color": {"a.b": {"$value": "#000000", "$type": "color"}}}"##,
            "/color/a.b",
        ),
        (
            "alias to nothing",
            r##"{"color": {"$type": "color", "a": {"$value": "{color.nope}"}}}"##,
            "{color.nope} names no token",
        ),
        (
            "alias cycle",
            r##"{"color": {"$type": "color", "a": {"$value": "{color.b}"}, "b": {"$value": "{color.a}"}}}"##,
            "alias cycle: color.a → color.b → color.a",
        ),
        (
            "translucent color",
            r##"{"color": {"$type": "color", "a": {"$value": {"colorSpace": "srgb", "components": [1, 0, 0], "alpha": 0.5}}}}"##,
            "/color/a/$value",
        ),
        (
            "display-p3 without hex",
            r##"{"color": {"$type": "color", "a": {"$value": {"colorSpace": "display-p3", "components": [1, 0, 0]}}}}"##,
            "needs a hex fallback",
        ),
        (
            "rem font size",
            r##"{"font": {"body": {"size": {"$type": "dimension", "min": {"$value": {"value": 1, "unit": "rem"}}}}}}"##,
            "/font/body/size/min/$value",
        ),
        (
            "bad weight",
            r##"{"font": {"body": {"weight": {"$type": "fontWeight", "$value": "chunky"}}}}"##,
            "unknown font weight name",
        ),
        (
            "new role without files",
            r##"{"font": {"code": {"latin": {"$type": "fontFamily", "$value": "Noto Sans Mono"}}}}"##,
            "needs font.code.latin with its files",
        ),
        (
            "$extends",
            r##"{"color": {"$extends": "{base}"}}"##,
            "$extends is not supported",
        ),
        (
            "palette under extensions",
            r##"{"$extensions": {"com.brandpress": {"guide": {"colors": {"red": {"hex": "#FF0000"}}}}}}"##,
            "/$extensions/com.brandpress/guide/colors/red",
        ),
        (
            "an invalid guide results",
            r##"{"$extensions": {"com.brandpress": {"guide": {"logo": {"clear_space": 9}}}}}"##,
            "invalid guide",
        ),
        (
            "unknown guide key",
            r##"{"$extensions": {"com.brandpress": {"guide": {"tone": {"banned_words": ["x"]}}}}}"##,
            "invalid guide",
        ),
    ];
    let dir = copy_brand();
    let guide = guide_path(dir.path());
    let before = std::fs::read_to_string(&guide).unwrap();
    for (name, json, expect) in cases {
        let file = write_tokens(dir.path(), "bad.tokens.json", json);
        let err = import::import(&file, &guide, false).expect_err(name);
        let msg = err.to_string();
        assert!(msg.contains("bad.tokens.json"), "{name}: {msg}");
        assert!(msg.contains(expect), "{name}: expected {expect:?} in {msg}");
        assert_eq!(std::fs::read_to_string(&guide).unwrap(), before, "{name}");
    }
}

#[test]
fn token_files_have_limits() {
    let path = Path::new("deep.tokens.json");
    // nesting: within serde_json's own recursion limit, beyond ours
    let mut deep = String::from(r##"{"$type": "color", "t": {"$value": "#000000"}}"##);
    for i in 0..40 {
        deep = format!(r#"{{"g{i}": {deep}}}"#);
    }
    let msg = dtcg::read(path, &deep).unwrap_err().to_string();
    assert!(msg.contains("deeper than 32"), "{msg}");
    // far deeper: serde_json's limit, a clear error, no stack overflow
    let abyss = format!("{}{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
    assert!(
        dtcg::read(path, &abyss)
            .unwrap_err()
            .to_string()
            .contains("not JSON")
    );
    // size
    let big = format!("{{\"x\": \"{}\"}}", "a".repeat(dtcg::MAX_BYTES));
    assert!(
        dtcg::read(path, &big)
            .unwrap_err()
            .to_string()
            .contains("limit")
    );
    // token count
    let many: Vec<String> = (0..=dtcg::MAX_TOKENS)
        .map(|i| format!(r##""t{i}": {{"$value": "#000000"}}"##))
        .collect();
    let many = format!(r#"{{"c": {{"$type": "color", {}}}}}"#, many.join(","));
    assert!(
        dtcg::read(path, &many)
            .unwrap_err()
            .to_string()
            .contains("more than")
    );
    // a long alias chain
    let chain: Vec<String> = (0..100)
        .map(|i| format!(r#""t{i}": {{"$value": "{{c.t{}}}"}}"#, i + 1))
        .chain([r##""t100": {"$value": "#000000"}"##.to_string()])
        .collect();
    let chain = format!(r#"{{"c": {{"$type": "color", {}}}}}"#, chain.join(","));
    // lists of aliases to lists of aliases: 30 levels of 2 would be 2^30 values
    let mut bomb = vec![r##""l0": {"$value": ["#000000", "#000000"]}"##.to_string()];
    for i in 1..30 {
        bomb.push(format!(
            r#""l{i}": {{"$value": ["{{b.l{0}}}", "{{b.l{0}}}"]}}"#,
            i - 1
        ));
    }
    let bomb = format!(r#"{{"b": {{"$type": "fontFamily", {}}}}}"#, bomb.join(","));
    let msg = dtcg::read(path, &bomb).unwrap_err().to_string();
    assert!(msg.contains("expand to more than"), "{msg}");
    // a group's own token ($root) is read, under the group's name
    let root = r##"{"color": {"accent": {"$type": "color", "$root": {"$value": "#F2A541"}, "light": {"$value": "#FFD08A"}}}}"##;
    let file = dtcg::read(path, root).unwrap();
    let names: Vec<String> = file.tokens.iter().map(|t| t.dotted()).collect();
    assert_eq!(names, ["color.accent", "color.accent.light"]);
    assert!(
        dtcg::read(path, &chain)
            .unwrap_err()
            .to_string()
            .contains("alias chain longer")
    );
}

#[test]
fn colors_convert_from_other_spaces() {
    let c = |v: Value| dtcg::parse_color(&v).map(|r| r.hex());
    use serde_json::json;
    assert_eq!(
        c(json!({"colorSpace": "srgb", "components": [1, 0.5, 0]})).unwrap(),
        "#FF8000"
    );
    assert_eq!(
        c(json!({"colorSpace": "hsl", "components": [120, 100, 25]})).unwrap(),
        "#008000"
    );
    assert_eq!(
        c(json!({"colorSpace": "oklch", "components": [0.62796, 0.25768, 29.2339]})).unwrap(),
        "#FF0000"
    );
    assert_eq!(
        c(json!({"colorSpace": "display-p3", "components": [1, 0, 0], "hex": "#ff0000"})).unwrap(),
        "#FF0000"
    );
    assert_eq!(c(json!("#1f5c4a")).unwrap(), "#1F5C4A");
    assert_eq!(c(json!("#1f5c4aff")).unwrap(), "#1F5C4A");
    assert!(c(json!("#1f5c4a80")).is_err());
    assert!(c(json!({"colorSpace": "srgb", "components": [1, 0]})).is_err());
    assert!(
        c(json!({"colorSpace": "oklch", "components": [0.9, 0.4, 140]}))
            .unwrap_err()
            .contains("outside sRGB")
    );
}

#[test]
fn every_export_format_carries_the_palette_and_the_thai_fonts() {
    let g = example();
    let css = tokens::export(&g, Format::Css).unwrap();
    assert!(css.contains("--color-forest: #1F5C4A;"), "{css}");
    assert!(css.contains("--role-primary: var(--color-forest);"));
    assert!(css.contains("\"Noto Sans Thai\""));
    assert!(css.contains("--font-heading-weight: 700;"));
    assert!(
        css.contains("@media (prefers-color-scheme: dark)")
            && css.contains("--color-forest: #7FC4AE;")
    );
    let scss = tokens::export(&g, Format::Scss).unwrap();
    assert!(
        scss.contains("$color-forest: #1F5C4A;") && scss.contains("$role-primary: $color-forest;")
    );
    assert!(scss.contains("$color-forest-dark: #7FC4AE;") && scss.contains("\"Noto Sans Thai\""));
    let tw = tokens::export(&g, Format::Tailwind).unwrap();
    assert!(tw.contains("@theme {") && tw.contains("--color-primary: var(--color-forest);"));
    assert!(tw.contains("--font-body: ") && tw.contains("--font-weight-heading: 700;"));
    let sd: Value =
        serde_json::from_str(&tokens::export(&g, Format::StyleDictionary).unwrap()).unwrap();
    assert_eq!(sd["color"]["forest"]["value"], "#1F5C4A");
    assert_eq!(sd["role"]["primary"]["value"], "{color.forest.value}");
    assert_eq!(sd["font"]["body"]["thai"]["value"], "Noto Sans Thai");
    // and Style Dictionary's own output reads back (references with `.value`)
    let file = dtcg::read(
        Path::new("sd.json"),
        &tokens::export(&g, Format::StyleDictionary).unwrap(),
    )
    .unwrap();
    assert!(file.legacy);
    let primary = file
        .tokens
        .iter()
        .find(|t| t.dotted() == "role.primary")
        .unwrap();
    assert_eq!(primary.value, "#1F5C4A");
}

#[test]
fn cli_exports_to_stdout_and_to_a_file_and_imports() {
    let dir = copy_brand();
    let project = dir.path().to_str().unwrap();
    let out = brandpress(&["tokens", "export", "--project", project, "--format", "css"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("--color-forest: #1F5C4A;"));
    let file = dir.path().join("brand.tokens.json");
    let out = brandpress(&[
        "tokens",
        "export",
        "--project",
        project,
        "--out",
        file.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let guide = guide_path(dir.path());
    let out = brandpress(&[
        "tokens",
        "import",
        file.to_str().unwrap(),
        "--guide",
        guide.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("changed 0 values"),
        "{}",
        text(&out.stdout)
    );
    let bad = write_tokens(
        dir.path(),
        "bad.tokens.json",
        r#"{"color": {"$type": "color", "a": {"$value": 7}}}"#,
    );
    let out = brandpress(&[
        "tokens",
        "import",
        bad.to_str().unwrap(),
        "--guide",
        guide.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("/color/a/$value"),
        "{}",
        text(&out.stderr)
    );
}

fn schema_validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(&brandpress::brand::schema::guide_schema_json()).unwrap();
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

fn guide_json(text: &str) -> Value {
    serde_json::to_value(data(text)).unwrap()
}

#[test]
fn the_schema_accepts_the_example_guide_and_rejects_broken_ones() {
    let v = schema_validator();
    let original = std::fs::read_to_string(repo().join("brand/brand.toml")).unwrap();
    let errors: Vec<String> = v
        .iter_errors(&guide_json(&original))
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // the guide `brandpress init` writes, too
    let dir = tempfile::tempdir().unwrap();
    brandpress::init::init(&dir.path().join("p")).unwrap();
    let init = std::fs::read_to_string(dir.path().join("p/brand/brand.toml")).unwrap();
    assert!(v.is_valid(&guide_json(&init)));
    for (name, from, to) in [
        ("bad hex", "hex = \"#1F5C4A\"", "hex = \"#1F5C4\""),
        (
            "unknown key",
            "max_exclamations = 1",
            "max_exclamations = 1\nmax_emoji = 2",
        ),
        ("wrong type", "width = 600", "width = \"600px\""),
        (
            "unknown channel",
            "[tone.channels.social]",
            "[tone.channels.radio]",
        ),
        ("missing logo alt", "alt = \"Tonkla Coffee\"\n", ""),
        (
            "a color that is not a table",
            "near_miss = 5.0",
            "near_miss = 5.0\nteal = \"#008080\"",
        ),
        (
            "bad merge tags",
            "merge_tags = \"mailchimp\"",
            "merge_tags = \"hubspot\"",
        ),
    ] {
        assert!(original.contains(from), "{name}");
        let broken = original.replacen(from, to, 1);
        assert!(
            !v.is_valid(&guide_json(&broken)),
            "{name} passed the schema"
        );
        // and the loader agrees it is broken
        assert!(
            toml::from_str::<brandpress::brand::GuideFile>(&broken).is_err() || name == "bad hex",
            "{name}"
        );
    }
}

#[test]
fn cli_prints_the_schema() {
    let out = brandpress(&["brand", "schema"]);
    assert!(out.status.success());
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert!(schema["properties"]["colors"].is_object());
    // doc comments of the model are the descriptions editors show
    assert!(text(&out.stdout).contains("Canonical spellings of brand and product names"));
}

#[test]
fn the_command_line_definition_is_consistent() {
    // clap's own checks: conflicting names, bad defaults, missing value names
    <brandpress::cli::Cli as clap::CommandFactory>::command().debug_assert();
}

#[test]
fn completions_name_every_command() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = brandpress(&["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", text(&out.stderr));
        let script = text(&out.stdout);
        for sub in [
            "build",
            "lint",
            "check",
            "tokens",
            "explain",
            "completions",
            "man",
        ] {
            assert!(script.contains(sub), "{shell} completion lacks {sub}");
        }
        assert!(
            matches!(shell, "powershell" | "elvish")
                || script.contains("dtcg") && script.contains("style-dictionary"),
            "{shell}: values of --format"
        );
    }
    let bash = text(&brandpress(&["completions", "bash"]).stdout);
    assert!(bash.contains("complete -F _brandpress"));
    // bash loads it and completes `tokens export --format ` with the formats
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("brandpress.bash");
    std::fs::write(&script, &bash).unwrap();
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            r#"source '{}'; COMP_WORDS=(brandpress tokens export --format ""); COMP_CWORD=4; COMP_LINE="brandpress tokens export --format "; COMP_POINT=${{#COMP_LINE}}; _brandpress brandpress "" --format; echo "${{COMPREPLY[@]}}""#,
            script.display()
        ))
        .output()
        .expect("bash");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "css scss dtcg tailwind style-dictionary"
    );
    let out = brandpress(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_man_page_lists_the_commands() {
    let out = brandpress(&["man"]);
    assert!(out.status.success());
    let page = text(&out.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH brandpress"),
        "{}",
        &page[..200.min(page.len())]
    );
    for sub in ["build", "lint", "check", "tokens", "brand", "completions"] {
        assert!(
            page.contains(&format!("brandpress\\-{sub}")) || page.contains(sub),
            "man page lacks {sub}"
        );
    }
    // groff reads it without a warning, where groff is installed
    match Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    {
        Ok(mut child) => {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(page.as_bytes())
                .unwrap();
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success() && out.stderr.is_empty(),
                "groff: {}",
                text(&out.stderr)
            );
        }
        Err(_) => eprintln!("groff not installed: the man page's roff is not checked"),
    }
    let dir = tempfile::tempdir().unwrap();
    let out = brandpress(&["man", "--out", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for file in [
        "brandpress.1",
        "brandpress-tokens.1",
        "brandpress-tokens-import.1",
        "brandpress-brand-schema.1",
    ] {
        let p = dir.path().join(file);
        let page = std::fs::read_to_string(&p).unwrap_or_else(|_| panic!("{file} missing"));
        assert!(page.contains(".TH"), "{file}");
    }
    // hidden commands stay out
    assert!(!dir.path().join("brandpress-corpus.1").exists());
}
