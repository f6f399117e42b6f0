//! The hostile-spec corpus (tests/fixtures/hostile/, see its README): every case either gets
//! located errors, compared with tests/golden/hostile.txt, or generates a crate; those crates are
//! built together, as one workspace, with clippy and warnings as errors. Set UPDATE_GOLDEN=1 to
//! rewrite the golden file.

use directus_e2e::repo_root;
use directus_generator::{generate, load_model, output, GenerateError};
use std::path::{Path, PathBuf};
use std::process::Command;

struct Case {
    name: String,
    expect: Expect,
    dir: PathBuf,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expect {
    Reject,
    Compile,
}

fn cases() -> Vec<Case> {
    let root = repo_root().join("tests/fixtures/hostile");
    let mut out: Vec<Case> = std::fs::read_dir(&root)
        .expect("tests/fixtures/hostile")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| {
            let dir = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(dir.join("expect")).unwrap_or_else(|e| panic!("{name}/expect: {e}"));
            let expect = match text.lines().next() {
                Some("reject") => Expect::Reject,
                Some("compile") => Expect::Compile,
                other => panic!("{name}/expect: first line must be `reject` or `compile`, not {other:?}"),
            };
            Case { name, expect, dir }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(out.len() >= 60, "the corpus has {} cases; the issue asks for at least 60", out.len());
    out
}


/// The case as a spec folder: its files, and the shared api.yaml unless it has its own. The crate
/// and binary get the case's name, so the built crates can share one workspace.
fn assemble(case: &Case, into: &Path) -> PathBuf {
    let spec = into.join(&case.name);
    let _ = std::fs::remove_dir_all(&spec);
    directus_e2e::copy_dir(&case.dir, &spec);
    std::fs::remove_file(spec.join("expect")).ok();
    let api = spec.join("api.yaml");
    if !api.exists() {
        std::fs::copy(case.dir.parent().unwrap().join("api.yaml"), &api).unwrap();
    }
    let unique = case.name.replace('_', "-").to_ascii_lowercase();
    let text = std::fs::read_to_string(&api).unwrap();
    let text = text.replace("name: hostile-client", &format!("name: hostile-{unique}")).replace("binary: hostile\n", &format!("binary: hostile-{unique}\n"));
    std::fs::write(&api, text).unwrap();
    spec
}

/// A diagnostic may lack a line only when it is about a whole file.
fn is_file_level(message: &str) -> bool {
    ["cannot read the file", "not a regular file", "the spec has no resources", "cannot read the resources folder"].iter().any(|m| message.contains(m))
}

#[test]
fn every_hostile_spec_is_rejected_with_located_errors_or_builds_clippy_clean() {
    let root = repo_root();
    let work = root.join("target/hostile");
    let specs = work.join("specs");
    let mut golden = String::new();
    let mut failures = Vec::new();
    let mut crates = Vec::new();
    for case in cases() {
        let spec = assemble(&case, &specs);
        // `generate` must return, never panic, whatever the case holds.
        let result = std::panic::catch_unwind(|| generate(&spec));
        let result = match result {
            Ok(r) => r,
            Err(_) => {
                failures.push(format!("{}: generate panicked", case.name));
                continue;
            }
        };
        match (case.expect, result) {
            (Expect::Reject, Err(GenerateError::Spec(diags))) => {
                let prefix = format!("{}/", specs.display());
                golden += &format!("## {}\n", case.name);
                for d in &diags {
                    golden += &(d.to_string().replace(&prefix, "") + "\n");
                    if d.line == 0 && !is_file_level(&d.message) {
                        failures.push(format!("{}: a diagnostic without a line: {d}", case.name));
                    }
                    if d.fix.is_empty() {
                        failures.push(format!("{}: a diagnostic without a fix: {d}", case.name));
                    }
                }
                golden += "\n";
            }
            (Expect::Reject, Err(GenerateError::Emit(e))) => failures.push(format!("{}: rejected by an emitter, not by validate: {e}", case.name)),
            (Expect::Reject, Ok(_)) => failures.push(format!("{}: expected located errors, but the spec generated", case.name)),
            (Expect::Compile, Err(e)) => failures.push(format!("{}: expected a crate, got:\n{e}", case.name)),
            (Expect::Compile, Ok(files)) => {
                // Four folders below the repository, as the shared api.yaml's runtime_path expects.
                let out = work.join(&case.name);
                let _ = std::fs::remove_dir_all(&out);
                output::write(&out, &files).unwrap();
                let manifest = files.iter().find(|f| f.path.ends_with("Cargo.toml")).expect("a Cargo.toml");
                crates.push(out.join(manifest.path.parent().unwrap()));
            }
        }
    }
    let golden_path = root.join("tests/golden/hostile.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::write(&golden_path, &golden).unwrap();
    }
    let expected = std::fs::read_to_string(&golden_path).unwrap_or_default();
    if golden != expected {
        failures.push("the diagnostics differ from tests/golden/hostile.txt; if intended, run `scripts/accept.sh` and review the diff".into());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    build_clippy_clean(&work, &crates);
}

/// Builds the crates as one workspace (dependencies are compiled once), with clippy and
/// `-D warnings`, after cleaning them so that no earlier result is reused.
fn build_clippy_clean(work: &Path, crates: &[PathBuf]) {
    assert!(!crates.is_empty());
    let members: Vec<String> = crates.iter().map(|c| format!("    {:?},", c.strip_prefix(work).unwrap().to_string_lossy())).collect();
    let manifest = format!("# Written by tests/tests/hostile_specs.rs.\n[workspace]\nresolver = \"2\"\nmembers = [\n{}\n]\n", members.join("\n"));
    std::fs::write(work.join("Cargo.toml"), manifest).unwrap();
    // The project's lock file, so the crates build with the versions the project is tested with.
    std::fs::copy(repo_root().join("Cargo.lock"), work.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let run = |args: &[&str]| {
        let out = Command::new(&cargo)
            .args(args)
            .current_dir(work)
            // Shared with the README test: the same dependencies are built once.
            .env("CARGO_TARGET_DIR", repo_root().join("target/scratch"))
            .env_remove("RUSTFLAGS")
            .output()
            .expect("run cargo");
        (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let names: Vec<String> = crates
        .iter()
        .map(|c| {
            let text = std::fs::read_to_string(c.join("Cargo.toml")).unwrap();
            let line = text.lines().find(|l| l.starts_with("name = ")).unwrap();
            line.trim_start_matches("name = ").trim_matches('"').to_owned()
        })
        .collect();
    let mut clean = vec!["clean"];
    for n in &names {
        clean.extend(["-p", n.as_str()]);
    }
    // A package never built yet cannot be cleaned; that is fine.
    let _ = run(&clean);
    // --keep-going: one run reports every crate that fails, not just the first.
    let (ok, log) = run(&["clippy", "--workspace", "--all-targets", "--all-features", "--keep-going", "--", "-D", "warnings"]);
    assert!(ok, "the generated crates of the compile cases do not build clippy-clean:\n{log}");
    // Spec text must never become code: the doctests of the crates whose descriptions hold code
    // blocks (fenced, tilde, indented, `rust` with a panic) must be none, or pass.
    let mut doc = vec!["test", "--doc", "--all-features"];
    for n in names.iter().filter(|n| n.starts_with("hostile-description-")) {
        doc.extend(["-p", n.as_str()]);
    }
    assert!(doc.len() > 3, "no description cases in the corpus");
    let (ok, log) = run(&doc);
    assert!(ok, "spec text ran as a doctest:\n{log}");
}

#[test]
fn a_fifo_in_resources_is_reported_not_read() {
    let root = repo_root();
    let dir = directus_e2e::temp_dir("fifo");
    directus_e2e::copy_dir(&root.join("tests/fixtures/kinds"), &dir);
    let fifo = dir.join("resources/pipe.yaml");
    let status = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(status.success());
    // Reading a FIFO would block forever; the load must not even open it.
    let diags = load_model(&dir).expect_err("a FIFO is not a spec file");
    assert!(diags.iter().any(|d| d.file == fifo && d.message.contains("not a regular file")), "{diags:?}");
    std::fs::remove_dir_all(dir).ok();
}
