//! The `generator` binary: exit codes and messages a user sees.

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_generator")).args(args).current_dir(root()).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn validate_accepts_the_spec() {
    let (code, stdout, stderr) = run(&["validate"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("ok ("), "{stdout}");
}

#[test]
fn validate_rejects_a_broken_spec_with_located_errors() {
    let (code, _, stderr) = run(&["validate", "--spec", "tests/fixtures/broken"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("tests/fixtures/broken/resources/users.yaml:7:5: error at users.generate_tfa.method"), "{stderr}");
    assert!(stderr.contains("11 problem(s)"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_missing_spec_folder_is_a_clear_error() {
    let (code, _, stderr) = run(&["validate", "--spec", "no/such/folder"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("no/such/folder/api.yaml: error: cannot read the file"), "{stderr}");
}

#[test]
fn generate_refuses_a_broken_spec_and_writes_nothing() {
    let out = std::env::temp_dir().join(format!("gen-broken-{}", std::process::id()));
    let (code, _, stderr) = run(&["generate", "--spec", "tests/fixtures/broken", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn check_names_stale_files_and_the_fix() {
    let out = std::env::temp_dir().join(format!("gen-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let (code, _, stderr) = run(&["generate", "--check", "--spec", "tests/fixtures/kinds", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("missing: "), "{stderr}");
    assert!(stderr.contains("run `cargo run -p directus-generator -- generate --spec tests/fixtures/kinds"), "{stderr}");
    let (code, _, _) = run(&["generate", "--spec", "tests/fixtures/kinds", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0);
    let (code, stdout, _) = run(&["generate", "--check", "--spec", "tests/fixtures/kinds", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(stdout.contains("is up to date"));
    std::fs::remove_dir_all(&out).ok();
}

#[test]
fn diff_exit_codes_and_bad_input() {
    let (code, stdout, _) = run(&["diff", "tests/fixtures/diff/old", "tests/fixtures/diff/new"]);
    assert_eq!(code, 1, "breaking changes exit 1");
    assert!(stdout.contains("needs a **breaking** release: 0.1.0 → 0.2.0 (the minor number;"), "{stdout}");
    let (code, stdout, _) = run(&["diff", "tests/fixtures/kinds", "tests/fixtures/kinds"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("No changes"), "{stdout}");
    let (code, stdout, _) = run(&["diff", "tests/fixtures/diff/old", "tests/fixtures/diff/new", "--format", "json"]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["bump"], "major");
    let (code, _, stderr) = run(&["diff", "no/such/spec", "tests/fixtures/kinds"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("the old spec (no/such/spec) does not validate"), "{stderr}");
    let (code, _, stderr) = run(&["diff", "tests/fixtures/broken", "tests/fixtures/kinds"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("users.yaml:7:5"), "the located problems are shown: {stderr}");
    let (code, _, stderr) = run(&["diff", "--base", "no-such-revision-xyz"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no-such-revision-xyz"), "{stderr}");
    let (code, _, stderr) = run(&["diff"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--base"), "{stderr}");
}

#[test]
fn drift_bad_input() {
    let (code, _, stderr) = run(&["drift", "--oas", "no/such.json"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no/such.json"), "{stderr}");
    let not_json = std::env::temp_dir().join(format!("not-json-{}.json", std::process::id()));
    std::fs::write(&not_json, "<html>").unwrap();
    let (code, _, stderr) = run(&["drift", "--oas", not_json.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not JSON (line 1, column 1)"), "{stderr}");
    std::fs::write(&not_json, r#"{"openapi":"3.0.1"}"#).unwrap();
    let (code, _, stderr) = run(&["drift", "--oas", not_json.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no `paths` object"), "{stderr}");
    std::fs::remove_file(&not_json).ok();
    let (code, _, stderr) = run(&["drift", "--oas", "tests/fixtures/oas/directus-12.4.1-oas.json"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("pass --server-version"), "12.x documents carry no version: {stderr}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let (code, _, stderr) = run(&["drift", "--url", &format!("http://{closed}")]);
    assert_eq!(code, 2);
    assert!(stderr.contains("could not connect"), "{stderr}");
    let (code, stdout, _) = run(&["drift", "--oas", "tests/fixtures/oas/directus-10.13.4-oas.json"]);
    assert_eq!(code, 1, "the spec lacks routes 10.13.4 has: drift");
    assert!(stdout.contains("Differences by version (expected)"), "{stdout}");
}
