//! The GitHub Action's steps (`action.yml` → `scripts/action/run.sh`) run here as GitHub
//! runs them, without GitHub or `act`: inputs as `INPUT_*` variables, `GITHUB_OUTPUT` and
//! `GITHUB_STEP_SUMMARY` as temp files, brandpress as the binary under test.

mod support;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::copy_dir;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn has(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// One run of `run.sh <mode>` in `dir` with `inputs`; returns its output, GITHUB_OUTPUT's
/// `name=value` lines and the step summary.
fn step(
    dir: &Path,
    mode: &str,
    inputs: &[(&str, &str)],
) -> (Output, Vec<(String, String)>, String) {
    let outputs = dir.join("github_output");
    let summary = dir.join("step_summary");
    let _ = std::fs::remove_file(&outputs);
    let _ = std::fs::remove_file(&summary);
    let mut cmd = Command::new("bash");
    cmd.arg(root().join("scripts/action/run.sh"))
        .arg(mode)
        .current_dir(dir)
        .env("BRANDPRESS_BIN", env!("CARGO_BIN_EXE_brandpress"))
        .env("GITHUB_OUTPUT", &outputs)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("NO_COLOR", "1");
    for (k, v) in inputs {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("bash runs");
    let pairs = std::fs::read_to_string(&outputs)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let summary = std::fs::read_to_string(&summary).unwrap_or_default();
    (out, pairs, summary)
}

fn get<'a>(outputs: &'a [(String, String)], name: &str) -> &'a str {
    outputs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no output {name}: {outputs:?}"))
}

#[test]
fn check_with_sarif_on_the_example_writes_the_report_outputs_and_summary() {
    if !has("bash") {
        eprintln!("skipped: bash is not available");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("example");
    for part in ["brand", "content", "templates"] {
        copy_dir(&root().join(part), &project.join(part));
    }
    let (out, outputs, summary) = step(
        tmp.path(),
        "run",
        &[
            ("INPUT_COMMAND", "check"),
            ("INPUT_PROJECT", project.to_str().unwrap()),
            ("INPUT_FORMAT", "sarif"),
            ("INPUT_SARIF_FILE", "reports/brandpress.sarif"),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    // the built example has no error-severity findings
    assert_eq!(get(&outputs, "exit-code"), "0", "{stdout}\n{stderr}");
    let sarif_path = tmp.path().join(get(&outputs, "sarif-file"));
    assert!(sarif_path.ends_with("reports/brandpress.sarif"));
    let sarif: Value = serde_json::from_slice(&std::fs::read(&sarif_path).unwrap())
        .expect("the SARIF file is one JSON document");
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/fixtures/sarif/sarif-schema-2.1.0.json"))
            .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // the build's summary went to the log, not into the report
    assert!(stderr.contains("built "), "{stderr}");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let level = |l: &str| results.iter().filter(|r| r["level"] == l).count();
    assert_eq!(level("error"), 0);
    if has("jq") {
        assert_eq!(get(&outputs, "warnings"), level("warning").to_string());
        assert_eq!(get(&outputs, "notes"), level("note").to_string());
        assert!(
            level("note") > 0,
            "the example's email CSS has info findings"
        );
    }
    assert!(summary.starts_with("### brandpress check\n"), "{summary}");
    assert!(summary.contains("No error-severity findings."), "{summary}");
    assert!(
        summary.contains("| errors | warnings | notes |"),
        "{summary}"
    );
}

#[test]
fn lint_with_annotations_on_the_agency_files_counts_the_errors() {
    if !has("bash") {
        eprintln!("skipped: bash is not available");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // a Thai folder name, and a path with a space given one per line
    let pages = tmp.path().join("งาน เอเจนซี");
    copy_dir(&root().join("tests/fixtures/lint/agency"), &pages);
    let email = root().join("tests/fixtures/email/agency-promo.html");
    let paths = format!("{}\n  {}\n", pages.display(), email.display());
    let (out, outputs, summary) = step(
        tmp.path(),
        "run",
        &[
            ("INPUT_COMMAND", "lint"),
            ("INPUT_PROJECT", root().to_str().unwrap()),
            ("INPUT_FORMAT", "github"),
            ("INPUT_PATHS", &paths),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        get(&outputs, "exit-code"),
        "1",
        "the agency files have errors"
    );
    let errors: usize = get(&outputs, "errors").parse().unwrap();
    // the summary line brandpress printed last is what the outputs say
    let last = stdout.lines().last().unwrap();
    assert!(
        last.contains(&format!("{errors} errors")),
        "{last} vs {outputs:?}"
    );
    assert!(errors > 10, "{last}");
    // GitHub's limit: 10 error annotations, the rest as log lines
    let annotated = stdout
        .lines()
        .filter(|l| l.starts_with("::error file="))
        .count();
    assert_eq!(annotated, 10, "{stdout}");
    assert!(stdout.contains("more errors"), "{stdout}");
    assert!(stdout.contains("ถูกที่สุด"), "the Thai banned term: {stdout}");
    assert!(
        summary.contains("Error-severity findings: the job fails."),
        "{summary}"
    );
}

#[test]
fn bad_inputs_fail_the_step_with_an_error_annotation() {
    if !has("bash") {
        eprintln!("skipped: bash is not available");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let project = root();
    let p = project.to_str().unwrap();
    for (inputs, says) in [
        (
            vec![("INPUT_COMMAND", "fix"), ("INPUT_PROJECT", p)],
            "command must be check or lint",
        ),
        (
            vec![("INPUT_FORMAT", "xml"), ("INPUT_PROJECT", p)],
            "format must be sarif or github",
        ),
        (
            vec![
                ("INPUT_COMMAND", "check"),
                ("INPUT_PATHS", "out"),
                ("INPUT_PROJECT", p),
            ],
            "paths are for lint",
        ),
        (
            // brandpress itself refuses: no brand guide there
            vec![
                ("INPUT_PROJECT", tmp.path().to_str().unwrap()),
                ("INPUT_PATHS", p),
            ],
            "could not run (exit 2)",
        ),
    ] {
        let (out, outputs, _) = step(tmp.path(), "run", &inputs);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{inputs:?}: {stdout}");
        assert!(stdout.contains("::error title=brandpress"), "{stdout}");
        assert!(stdout.contains(says), "{says}: {stdout}");
        assert!(outputs.iter().all(|(k, v)| k != "exit-code" || v == "2"));
    }
    // install with a binary given uses it; without a Cargo.toml it says so
    let (out, _, _) = step(tmp.path(), "install", &[]);
    assert_eq!(out.status.code(), Some(0));
    let mut cmd = Command::new("bash");
    let out = cmd
        .arg(root().join("scripts/action/run.sh"))
        .arg("install")
        .env_remove("BRANDPRESS_BIN")
        .env("ACTION_PATH", tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("has no Cargo.toml"));
}

/// The `INPUT_*` names in `text`.
fn input_vars(text: &str) -> BTreeSet<String> {
    let mut vars = BTreeSet::new();
    for (i, _) in text.match_indices("INPUT_") {
        let name: String = text[i..]
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || *c == '_')
            .collect();
        if name.len() > "INPUT_".len() {
            vars.insert(name);
        }
    }
    vars
}

#[test]
fn action_yml_maps_every_input_the_script_reads() {
    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    let script = std::fs::read_to_string(root().join("scripts/action/run.sh")).unwrap();
    assert!(action.contains("using: composite"), "a composite action");
    // the inputs declared at the top level of `inputs:`
    let inputs: BTreeSet<String> = action
        .split("\ninputs:\n")
        .nth(1)
        .unwrap()
        .split("\noutputs:\n")
        .next()
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   ") && l.ends_with(':'))
        .map(|l| l.trim().trim_end_matches(':').to_string())
        .collect();
    for input in [
        "command",
        "paths",
        "project",
        "format",
        "changed-since",
        "sarif-file",
    ] {
        assert!(inputs.contains(input), "{input} in {inputs:?}");
        let var = format!("INPUT_{}", input.to_uppercase().replace('-', "_"));
        assert!(
            action.contains(&format!("{var}: ${{{{ inputs.{input} }}}}")),
            "action.yml passes {input} as {var}"
        );
    }
    // each variable the script reads is passed, and nothing else
    assert_eq!(input_vars(&script), input_vars(&action));
    // inputs reach the script through the environment only, never pasted into `run:`
    let lines: Vec<&str> = action.lines().collect();
    let mut scripts = 0;
    for (i, line) in lines.iter().enumerate() {
        let Some(run) = line.trim_start().strip_prefix("run:") else {
            continue;
        };
        let indent = line.len() - line.trim_start().len();
        let block: Vec<&str> = if run.trim() == "|" {
            lines[i + 1..]
                .iter()
                .take_while(|l| l.len() - l.trim_start().len() > indent)
                .copied()
                .collect()
        } else {
            scripts += usize::from(run.contains("scripts/action/run.sh"));
            vec![run]
        };
        assert!(!block.is_empty(), "{line}");
        for l in block {
            assert!(!l.contains("${{"), "an expression in a script: {l}");
        }
    }
    assert_eq!(scripts, 2, "install and run are the script's");
    assert!(action.contains("uses: github/codeql-action/upload-sarif@"));
    for output in ["exit-code", "errors", "warnings", "notes", "sarif-file"] {
        assert!(
            action.contains(&format!("steps.run.outputs.{output} }}}}")),
            "{output}"
        );
        assert!(script.contains(&format!("output {output} ")), "{output}");
    }
}

/// One hook of `.pre-commit-hooks.yaml`: its `key: value` lines.
fn hook(yaml: &str, id: &str) -> std::collections::BTreeMap<String, String> {
    let block = yaml
        .split("\n- id: ")
        .find(|b| b.lines().next() == Some(id))
        .unwrap_or_else(|| panic!("no hook {id}"));
    block
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.trim().split_once(": "))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Runs a hook's entry as pre-commit does: from the repository's root, its words, then
/// `args`, then the file names (relative to the root).
fn run_hook(entry: &str, cwd: &Path, args: &[&str], files: &[&str]) -> Output {
    let mut words = entry.split_whitespace();
    assert_eq!(words.next(), Some("brandpress"), "{entry}");
    Command::new(env!("CARGO_BIN_EXE_brandpress"))
        .args(words)
        .args(args)
        .args(files)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn pre_commit_hooks_lint_the_staged_files() {
    let yaml = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let files = hook(&yaml, "brandpress-lint");
    let folder = hook(&yaml, "brandpress-lint-folder");
    for h in [&files, &folder] {
        assert_eq!(h["language"], "rust", "pre-commit builds it with cargo");
        assert_eq!(h["entry"], "brandpress lint");
    }
    assert_eq!(folder["pass_filenames"], "false");
    // the `files` patterns as pre-commit applies them (Python's re.search)
    if has("python3") {
        let check = |pattern: &str, path: &str| {
            let out = Command::new("python3")
                .args([
                    "-c",
                    "import re, sys; sys.exit(0 if re.search(sys.argv[1], sys.argv[2]) else 1)",
                    pattern,
                    path,
                ])
                .output()
                .unwrap();
            out.status.success()
        };
        for path in [
            "content/ข่าว.md",
            "notes.markdown",
            "site/index.html",
            "x.htm",
        ] {
            assert!(check(&files["files"], path), "{path}");
        }
        for path in ["site/brand.css", "logo.png", "md/x.txt", "a.html.bak"] {
            assert!(!check(&files["files"], path), "{path}");
        }
        assert!(check(&folder["files"], "site/brand.css"));
        assert!(!check(&folder["files"], "content/ข่าว.md"));
    }

    // a repository that is a project: the guide, a Thai piece with a banned term, a
    // clean one, and a site folder with a page and its stylesheet
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    copy_dir(&root().join("brand"), &repo.join("brand"));
    std::fs::create_dir_all(repo.join("content")).unwrap();
    std::fs::write(
        repo.join("content/ข่าว.md"),
        "# ข่าวดี\n\nกาแฟที่ถูกที่สุดในย่านนี้ มาลองกันนะคะ\n",
    )
    .unwrap();
    std::fs::write(
        repo.join("content/สะอาด.md"),
        "# กาแฟใหม่\n\nเมล็ดกาแฟคั่วใหม่จากเชียงราย หอมกลมกล่อม\n",
    )
    .unwrap();
    copy_dir(
        &root().join("tests/fixtures/lint/agency"),
        &repo.join("site"),
    );

    let out = run_hook(&files["entry"], repo, &[], &["content/ข่าว.md"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("error[tone/banned-term]") && stdout.contains("content/ข่าว.md:3:"),
        "{stdout}"
    );
    let out = run_hook(&files["entry"], repo, &[], &["content/สะอาด.md"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // the folder hook: the page with the stylesheet it links, which it checks too
    let out = run_hook(&folder["entry"], repo, &["site/"], &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(!stdout.contains("link/outside-root"), "{stdout}");
    assert!(stdout.contains("site/agency-page.html"), "{stdout}");
}
