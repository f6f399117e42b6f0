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
        "scripts/accept.sh",
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

    // Drop a docs page and the CLI from the set: `write` removes them, since it wrote them before,
    // and the folder the CLI leaves empty.
    let page = files.iter().position(|f| f.path.ends_with("docs/things.md")).unwrap();
    let cli = files.iter().position(|f| f.path.ends_with("src/bin/kinds.rs")).unwrap();
    let fewer: Vec<_> = generate(&root.join("tests/fixtures/kinds"))
        .unwrap()
        .into_iter()
        .enumerate()
        .filter(|(i, _)| ![page, cli].contains(i))
        .map(|(_, f)| f)
        .collect();
    assert_eq!(output::check(&out, &fewer).differ.len(), 2, "lib.rs and the list of generated files");
    let report = output::write(&out, &fewer).unwrap();
    let mut gone = vec![files[page].path.clone(), files[cli].path.clone()];
    gone.sort();
    assert_eq!(report.removed, gone);
    assert!(!out.join(&files[page].path).exists());
    assert!(!out.join(files[cli].path.parent().unwrap()).exists(), "the emptied src/bin folder is removed");
    assert!(out.join("docs").is_dir(), "docs/ still holds the index");
    // A file the generator never wrote is left alone, and so is its folder.
    std::fs::write(out.join("docs/NOTES.md"), "mine").unwrap();
    let fewer: Vec<_> = fewer.into_iter().filter(|f| !f.path.starts_with("docs")).collect();
    output::write(&out, &fewer).unwrap();
    assert!(out.join("docs/NOTES.md").exists());
    assert!(!out.join("docs/README.md").exists());
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
    assert_eq!(text, expected, "if the change is intended, run `scripts/accept.sh` and review the diff");
    // Each kind of problem the issue names is there, with a line number.
    for needle in ["unknown HTTP method", "is not declared", "duplicate operation id", "unknown field", "cannot read the YAML", "looks like a secret"] {
        let d = diags.iter().find(|d| d.message.contains(needle)).unwrap_or_else(|| panic!("no diagnostic about {needle}"));
        assert!(d.line > 0, "{needle}: no line");
        assert!(!d.fix.is_empty(), "{needle}: no fix");
    }
}

#[test]
fn a_query_set_meta_must_name_one_of_its_parameters() {
    let root = repo_root();
    let dir = directus_e2e::temp_dir("meta");
    std::fs::create_dir_all(dir.join("resources")).unwrap();
    let api = std::fs::read_to_string(root.join("tests/fixtures/kinds/api.yaml")).unwrap().replace("    meta: meta\n", "    meta: counts\n");
    std::fs::write(dir.join("api.yaml"), api).unwrap();
    std::fs::copy(root.join("tests/fixtures/kinds/resources/things.yaml"), dir.join("resources/things.yaml")).unwrap();
    let diags = load_model(&dir).expect_err("`meta: counts` names no parameter");
    let d = diags.iter().find(|d| d.spec_path == "query_sets.query.meta").unwrap_or_else(|| panic!("{diags:?}"));
    assert!(d.message.contains("`counts`") && d.line > 0, "{d}");
    std::fs::remove_dir_all(dir).ok();
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

/// README: "every batch takes any list of keys". Every operation with a `keys` input (a body of
/// keys, or `keys` beside `data`) takes them as one type, whatever the spec's list type.
#[test]
fn every_batch_takes_any_list_of_keys() {
    let files = generate(&repo_root().join("spec")).expect("the spec generates");
    let key_list = "keys: impl IntoIterator<Item = impl Into<rt::Key>>";
    let (mut batches, mut typed) = (0, 0);
    let client_modules = files.iter().filter(|f| f.path.extension().is_some_and(|e| e == "rs") && !f.path.components().any(|c| c.as_os_str() == "bin"));
    for f in client_modules {
        for line in f.contents.lines().map(str::trim) {
            if line.starts_with("keys: ") {
                batches += 1;
                typed += usize::from(line.trim_end_matches(',') == key_list);
                assert!(line.trim_end_matches(',') == key_list, "{}: `{line}` is not `{key_list}`", f.path.display());
            }
        }
    }
    // update_many and delete_many of about twenty resources each.
    assert!(batches >= 38 && typed == batches, "{typed} of {batches} batch methods take any list of keys");
}

/// README: "`schema apply`, `collections delete` and `fields delete` and every `delete-many` ask";
/// the CLI asks for exactly the operations the spec marks `confirm`.
#[test]
fn what_cannot_be_undone_in_bulk_asks_first() {
    let model = load_model(&repo_root().join("spec")).expect("the spec loads");
    let mut asking: Vec<String> = Vec::new();
    for r in &model.resources {
        for op in &r.operations {
            let bulk = op.id == "delete_many" || (op.id == "delete" && matches!(r.name.as_str(), "collections" | "fields")) || (r.name == "schema" && op.id == "apply");
            assert_eq!(op.confirm, bulk, "{}.{}: confirm is {}", r.name, op.id, op.confirm);
            if op.confirm {
                asking.push(format!("{}.{}", r.name, op.id));
            }
        }
    }
    assert!(asking.len() > 20, "{asking:?}");
}

#[test]
fn exit_codes_in_the_docs_match_the_runtime() {
    use directus_runtime::cli::exit;
    use directus_runtime::{ErrorClass, ErrorCode};
    let root = repo_root();
    let mut rows = 0;
    for page in ["users.md", "auth.md", "server.md"] {
        let text = std::fs::read_to_string(root.join("generated/docs").join(page)).unwrap();
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

/// Compares `text` with a golden file, or rewrites it under UPDATE_GOLDEN=1.
fn assert_golden(rel: &str, text: &str) {
    let path = repo_root().join(rel);
    if update_golden() {
        std::fs::write(&path, text).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert!(
        text == expected,
        "{rel} differs from what the code gives now; if the change is intended, run `scripts/accept.sh` (or \
         `UPDATE_GOLDEN=1 cargo test -p directus-e2e --test generator`) and review the diff:\n{text}"
    );
}

fn diff_fixture() -> Vec<directus_generator::diff::Change> {
    let root = repo_root();
    let old = load_model(&root.join("tests/fixtures/diff/old")).expect("old side validates");
    let new = load_model(&root.join("tests/fixtures/diff/new")).expect("new side validates");
    directus_generator::diff::compare(&old, &new)
}

#[test]
fn spec_diff_reports_every_change_class_with_its_impact() {
    use directus_generator::diff::{report, Impact};
    let changes = diff_fixture();
    let r = report::report("tests/fixtures/diff/old", "tests/fixtures/diff/new", &changes, "0.1.0");
    assert_golden("tests/golden/diff/report.md", &report::markdown(&r));
    assert_golden("tests/golden/diff/report.json", &(serde_json::to_string_pretty(&r).unwrap() + "\n"));
    let classes: std::collections::BTreeSet<&str> = changes.iter().map(|c| c.class).collect();
    for class in [
        "resource-added", "resource-removed", "operation-added", "operation-removed", "method", "path", "versions", "auth",
        "param-added", "param-removed", "param-required", "param-optional", "param-type", "param-secret", "param-values",
        "body", "query-set", "query-set-meta", "response", "response-field-added", "response-field-removed", "response-field-type", "docs",
        "api-version", "param-flag", "response-envelope",
    ] {
        assert!(classes.contains(class), "the fixture pair has no `{class}` change");
    }
    let find = |class: &str, text: &str| changes.iter().find(|c| c.class == class && c.detail.contains(text)).unwrap_or_else(|| panic!("{class} {text}"));
    assert_eq!(find("param-added", "`lang`").rust, Impact::Breaking, "a new required argument breaks callers");
    assert_eq!(find("param-added", "`search`").rust, Impact::Compatible, "a new optional input does not");
    assert_eq!(find("param-optional", "`storage`").cli, Impact::Compatible, "a flag that is no longer required breaks no script");
    assert_eq!(find("response-field-added", "`created`").rust, Impact::Compatible, "reply structs are non_exhaustive");
    assert_eq!(find("method", "POST → PUT").rust, Impact::None);
    let renamed = find("param-flag", "`title`");
    assert_eq!((renamed.rust, renamed.cli), (Impact::None, Impact::Breaking), "a renamed flag breaks scripts only");
    assert!(renamed.detail.contains("`--title` → `--caption`"), "{}", renamed.detail);
    assert_eq!(find("response-envelope", "cached").cli, Impact::Breaking, "the CLI prints another shape");
    assert_eq!(find("param-values", "`meta`").rust, Impact::Breaking, "without `*`, the values became an enum: the input's type changed");
    assert_eq!(find("response-type", "`ListCall`").rust, Impact::Breaking, "`offset` beside `limit`: lists return a `ListCall`");
    assert_eq!(find("query-set-meta", "`query`").rust, Impact::None, "`.with_meta()` is on every `ListCall`");
    assert!(r.breaking);
    assert_eq!(r.bump, report::Bump::Major);
    assert_eq!(r.next_crate_version, "0.2.0", "below 1.0 a breaking change raises the minor number");
}

/// The old side of a diff may predate today's name checks (before 910d7d5, a body field `url`
/// became `--body-url`; now it needs a `flag:`): it loads with those problems as warnings, named
/// as the generator of its time named it, and the rename shows as a breaking CLI change.
#[test]
fn spec_diff_loads_an_old_side_that_breaks_only_naming_rules() {
    use directus_generator::diff::Impact;
    let dir = directus_e2e::temp_dir("lenient");
    for (side, flag) in [("old", ""), ("new", ", flag: from-url")] {
        let spec = dir.join(side);
        std::fs::create_dir_all(spec.join("resources")).unwrap();
        std::fs::write(
            spec.join("api.yaml"),
            "format: 1\ntitle: Old names\napi_version: \"12.4.1\"\ncrate: { name: old-names, version: 0.1.0, binary: old, runtime_path: ../runtime }\nerrors: []\n",
        )
        .unwrap();
        std::fs::write(
            spec.join("resources/imports.yaml"),
            format!(
                "resource: imports\ntitle: Imports\ndescription: Imports from a URL.\noperations:\n  - id: import\n    title: Import\n    summary: Imports a file.\n    method: POST\n    path: /imports\n    body:\n      kind: object\n      fields:\n        - {{ name: url, type: string, required: true{flag}, description: Where from. }}\n        - {{ name: token, type: string, secret: true{}, description: A secret. }}\n    response: {{ kind: json }}\n",
                if flag.is_empty() { "" } else { ", flag: import-token" }
            ),
        )
        .unwrap();
    }
    // Today's validator refuses the old side, for its names only.
    let refused = load_model(&dir.join("old")).expect_err("`url` and `token` clash with global flags");
    assert!(refused.iter().all(|d| d.message.contains("reserved")), "{refused:?}");
    let (old, warnings) = directus_generator::load_model_lenient(&dir.join("old")).expect("loads with warnings");
    assert_eq!(warnings, refused, "the same problems, as warnings");
    assert!(warnings[0].as_warning().to_string().contains(": warning at imports.import.body."), "{}", warnings[0].as_warning());
    // A spec with another kind of problem is still refused.
    std::fs::write(dir.join("old/resources/broken.yaml"), "resource: broken\ntitle: Broken\noperations: []\n").unwrap();
    assert!(directus_generator::load_model_lenient(&dir.join("old")).is_err());
    std::fs::remove_file(dir.join("old/resources/broken.yaml")).unwrap();
    let (new, none) = directus_generator::load_model_lenient(&dir.join("new")).unwrap();
    assert!(none.is_empty(), "{none:?}");
    let changes = directus_generator::diff::compare(&old, &new);
    let flags: Vec<&directus_generator::diff::Change> = changes.iter().filter(|c| c.class == "param-flag").collect();
    assert_eq!(flags.len(), 2, "{changes:#?}");
    assert!(flags[0].detail.contains("`--body-token-stdin`, `$DIRECTUS_BODY_TOKEN` → `--import-token-stdin`, `$DIRECTUS_IMPORT_TOKEN`"), "{}", flags[0].detail);
    assert!(flags[1].detail.contains("`--body-url` → `--from-url`"), "{}", flags[1].detail);
    assert!(flags.iter().all(|c| c.cli == Impact::Breaking && c.rust == Impact::None));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn semver_bumps() {
    use directus_generator::diff::report::{next_version, Bump};
    assert_eq!(next_version("0.1.0", Bump::Minor), "0.1.1");
    assert_eq!(next_version("1.2.3", Bump::Major), "2.0.0");
    assert_eq!(next_version("1.2.3", Bump::Minor), "1.3.0");
    assert_eq!(next_version("1.2.3", Bump::Patch), "1.2.4");
    assert_eq!(next_version("1.2.3", Bump::None), "1.2.3");
}

#[test]
fn spec_diff_against_a_git_revision() {
    let root = repo_root();
    let repo = directus_e2e::temp_dir("git");
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git").args(args).current_dir(&repo).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let copy = |from: &str| {
        let _ = std::fs::remove_dir_all(repo.join("spec"));
        for rel in ["api.yaml", "resources/things.yaml", "resources/gadgets.yaml", "resources/widgets.yaml"] {
            let src = root.join(from).join(rel);
            if src.exists() {
                std::fs::create_dir_all(repo.join("spec/resources")).unwrap();
                std::fs::copy(&src, repo.join("spec").join(rel)).unwrap();
            }
        }
    };
    git(&["init", "-q"]);
    copy("tests/fixtures/diff/old");
    git(&["add", "-A"]);
    git(&["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "old"]);
    copy("tests/fixtures/diff/new");
    let old = directus_generator::diff::git::spec_at("HEAD", &repo.join("spec")).expect("spec at HEAD");
    let old = load_model(old.path()).expect("the committed spec validates");
    let new = load_model(&repo.join("spec")).unwrap();
    let via_git = directus_generator::diff::compare(&old, &new);
    let direct = diff_fixture();
    assert_eq!(via_git.len(), direct.len());
    // --write-version's edit: only the crate version line changes.
    let api = repo.join("spec/api.yaml");
    let before = std::fs::read_to_string(&api).unwrap();
    directus_generator::diff::set_crate_version(&api, "0.2.0").unwrap();
    let after = std::fs::read_to_string(&api).unwrap();
    assert_eq!(before.replace("  version: 0.1.0\n", "  version: 0.2.0\n"), after);
    assert_eq!(load_model(&repo.join("spec")).unwrap().api.crate_version, "0.2.0");
    assert!(directus_generator::diff::git::spec_at("no-such-rev", &repo.join("spec")).is_err());
    std::fs::remove_dir_all(repo).ok();
}

#[test]
fn drift_against_the_saved_openapi_documents() {
    use directus_generator::drift;
    let root = repo_root();
    let model = load_model(&root.join("spec")).unwrap();
    for (file, version) in [("directus-12.4.1-oas.json", "12.4.1"), ("directus-10.13.4-oas.json", "10.13.4")] {
        let rel = format!("tests/fixtures/oas/{file}");
        let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(root.join(&rel)).unwrap()).unwrap();
        let routes = drift::oas_routes(&doc).unwrap();
        let v: Vec<u32> = version.split('.').map(|p| p.parse().unwrap()).collect();
        let report = drift::compare(&model, directus_generator::model::Version(v[0], v[1], v[2]), &rel, &routes, &mut |_, _| None);
        assert_golden(&format!("tests/golden/drift/directus-{version}.md"), &drift::report::markdown(&report));
        // Every route the spec expects is either on the server or a known omission: nothing spurious.
        assert!(report.missing_from_server.is_empty(), "{version}: {:?}", report.missing_from_server);
        // Every route in the document that no spec operation serves is listed.
        let listed: std::collections::BTreeSet<(String, String)> = report
            .missing_from_spec
            .iter()
            .chain(&report.version_differences)
            .map(|f| (f.method.clone(), f.path.clone()))
            .collect();
        for key in routes.keys() {
            let served = model.resources.iter().flat_map(|r| &r.operations).any(|op| {
                drift::route_at(op, report_version(version)).is_some_and(|r| drift::normalize(&r.path) == key.1 && directus_generator::emit::method_name(op.method) == key.0)
            });
            assert!(served || listed.contains(key), "{version}: {key:?} is neither served nor listed");
        }
    }
    // 10.13.4 still writes webhooks nowhere: the spec's webhook writes end in 10.10.5, reported as a version difference.
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(root.join("tests/fixtures/oas/directus-10.13.4-oas.json")).unwrap()).unwrap();
    let report = drift::compare(&model, report_version("10.13.4"), "10.13.4", &drift::oas_routes(&doc).unwrap(), &mut |_, _| None);
    assert!(report.version_differences.iter().any(|f| f.method == "POST" && f.path == "/webhooks"), "{:?}", report.version_differences);
    assert_eq!(drift::oas_version(&doc), Some(report_version("10.13.4")), "10.x names its version in info.version");
}

fn report_version(v: &str) -> directus_generator::model::Version {
    let p: Vec<u32> = v.split('.').map(|x| x.parse().unwrap()).collect();
    directus_generator::model::Version(p[0], p[1], p[2])
}
