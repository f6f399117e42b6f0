//! The generator as a whole: golden output for the fixture spec, freshness of generated/,
//! determinism, and located errors for a broken spec. Set UPDATE_GOLDEN=1 to rewrite golden files.

use directus_e2e::repo_root;
use directus_generator::{generate, load_model, output};
use std::path::Path;

fn update_golden() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1")
}

/// Fails with the list of stale files and the command that fixes them.
fn assert_fresh(spec: &Path, out: &Path, fix: &str) {
    let files = generate(spec).unwrap_or_else(|e| panic!("{} does not generate:\n{e}", spec.display()));
    if update_golden() {
        output::write(out, &files).expect("write golden files");
        return;
    }
    let stale = output::check(out, &files);
    assert!(
        stale.is_empty(),
        "{} is not what {} gives.\nDiffering: {:?}\nMissing: {:?}\nNo longer generated: {:?}\nRun `{fix}` and review the diff.",
        out.display(),
        spec.display(),
        stale.differ,
        stale.missing,
        stale.extra
    );
}

#[test]
fn kinds_fixture_matches_its_golden_files() {
    let root = repo_root();
    assert_fresh(
        &root.join("tests/fixtures/kinds"),
        &root.join("tests/golden/kinds"),
        "UPDATE_GOLDEN=1 cargo test -p directus-e2e --test generator",
    );
}

#[test]
fn committed_generated_folder_is_fresh() {
    let root = repo_root();
    assert_fresh(&root.join("spec"), &root.join("generated"), "cargo run -p directus-generator -- generate");
}

#[test]
fn generating_twice_gives_identical_bytes_and_rewrites_nothing() {
    let root = repo_root();
    let spec = root.join("spec");
    let a = generate(&spec).unwrap();
    let b = generate(&spec).unwrap();
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.path, y.path);
        assert!(x.contents == y.contents, "{} differs between two runs", x.path.display());
    }
    let out = directus_e2e::temp_dir("twice");
    let first = output::write(&out, &a).unwrap();
    assert_eq!(first.written.len(), a.len() + 1, "every file plus the list of generated files");
    let second = output::write(&out, &b).unwrap();
    assert!(second.written.is_empty(), "second run rewrote {:?}", second.written);
    std::fs::remove_dir_all(out).ok();
}

#[test]
fn a_file_that_leaves_the_spec_is_removed_and_check_reports_edits() {
    let root = repo_root();
    let out = directus_e2e::temp_dir("removal");
    let files = generate(&root.join("tests/fixtures/kinds")).unwrap();
    output::write(&out, &files).unwrap();

    let lib = files.iter().find(|f| f.path.ends_with("src/lib.rs")).unwrap();
    std::fs::write(out.join(&lib.path), "// hand edit\n").unwrap();
    let stale = output::check(&out, &files);
    assert_eq!(stale.differ, vec![lib.path.clone()]);

    // Drop a docs page from the set: `write` removes it, since it wrote it before.
    let page = files.iter().position(|f| f.path.ends_with("things/ping.md")).unwrap();
    let mut fewer: Vec<_> = generate(&root.join("tests/fixtures/kinds")).unwrap();
    fewer.remove(page);
    assert_eq!(output::check(&out, &fewer).differ.len(), 2, "lib.rs and the list of generated files");
    let report = output::write(&out, &fewer).unwrap();
    assert_eq!(report.removed, vec![files[page].path.clone()]);
    assert!(!out.join(&files[page].path).exists());
    // A file the generator never wrote is left alone.
    std::fs::write(out.join("docs/NOTES.md"), "mine").unwrap();
    output::write(&out, &fewer).unwrap();
    assert!(out.join("docs/NOTES.md").exists());
    std::fs::remove_dir_all(out).ok();
}

#[test]
fn broken_spec_reports_every_problem_with_its_location() {
    let root = repo_root();
    let diags = load_model(&root.join("tests/fixtures/broken")).expect_err("the broken spec must not validate");
    let prefix = format!("{}/", root.display());
    let text: String = diags.iter().map(|d| d.to_string().replace(&prefix, "") + "\n").collect();
    let golden = root.join("tests/golden/broken.txt");
    if update_golden() {
        std::fs::write(&golden, &text).unwrap();
    }
    let expected = std::fs::read_to_string(&golden).expect("tests/golden/broken.txt");
    assert_eq!(text, expected, "set UPDATE_GOLDEN=1 to accept the new output");
    // Each kind of problem the issue names is there, with a line number.
    for needle in ["unknown HTTP method", "is not declared", "duplicate operation id", "unknown field", "cannot read the YAML", "looks like a secret"] {
        let d = diags.iter().find(|d| d.message.contains(needle)).unwrap_or_else(|| panic!("no diagnostic about {needle}"));
        assert!(d.line > 0, "{needle}: no line");
        assert!(!d.fix.is_empty(), "{needle}: no fix");
    }
}

#[test]
fn mangled_specs_give_errors_not_panics() {
    let root = repo_root();
    let source = std::fs::read_to_string(root.join("tests/fixtures/kinds/resources/things.yaml")).unwrap();
    let api = std::fs::read_to_string(root.join("tests/fixtures/kinds/api.yaml")).unwrap();
    let dir = directus_e2e::temp_dir("mangled");
    std::fs::create_dir_all(dir.join("resources")).unwrap();
    std::fs::write(dir.join("api.yaml"), &api).unwrap();
    let lines: Vec<&str> = source.lines().collect();
    let mut cases: Vec<String> = Vec::new();
    // Every line dropped, every line doubled, and the file cut at many points.
    for i in 0..lines.len() {
        let mut l = lines.clone();
        l.remove(i);
        cases.push(l.join("\n"));
        let mut l = lines.clone();
        l.insert(i, lines[i]);
        cases.push(l.join("\n"));
    }
    for cut in (0..source.len()).step_by(37) {
        if source.is_char_boundary(cut) {
            cases.push(source[..cut].to_owned());
        }
    }
    cases.push("\u{0}\u{1}: [".into());
    cases.push("operations: 7".into());
    let mut rejected = 0;
    for case in &cases {
        std::fs::write(dir.join("resources/things.yaml"), case).unwrap();
        let result = std::panic::catch_unwind(|| load_model(&dir));
        match result {
            Ok(Ok(_)) => {}
            Ok(Err(diags)) => {
                assert!(!diags.is_empty());
                rejected += 1;
            }
            Err(_) => panic!("the generator panicked on:\n{case}"),
        }
    }
    assert!(rejected > cases.len() / 2, "only {rejected} of {} mangled specs were rejected", cases.len());
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn exit_codes_in_the_docs_match_the_runtime() {
    use directus_runtime::cli::exit;
    use directus_runtime::{ErrorClass, ErrorCode};
    let root = repo_root();
    let mut rows = 0;
    for entry in std::fs::read_dir(root.join("generated/docs/users")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines().filter(|l| l.starts_with("| `") && l.matches('|').count() == 5) {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let (code, status, documented) = (cells[1].trim_matches('`'), cells[2], cells[4]);
            let (Ok(status), Ok(documented)) = (status.parse::<u16>(), documented.parse::<u8>()) else { continue };
            let actual = exit::of(ErrorClass::of(status, Some(&ErrorCode::parse(code))));
            assert_eq!(documented, actual, "{code} ({status}): docs say exit {documented}, the CLI exits {actual}");
            rows += 1;
        }
    }
    assert!(rows >= 6, "found only {rows} error rows in the docs");
}
