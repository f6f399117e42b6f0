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
    assert!(stderr.contains("7 problem(s)"), "{stderr}");
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
