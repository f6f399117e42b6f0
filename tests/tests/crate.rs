//! The generated crate as a Rust team adopting it sees it: the Rust version it declares is true for
//! the locked dependencies, and it packages for crates.io together with the runtime.

use directus_e2e::repo_root;
use std::process::Command;

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(repo_root());
    c
}

fn rust_version_of(manifest: &str) -> String {
    let text = std::fs::read_to_string(repo_root().join(manifest)).unwrap();
    let line = text.lines().find(|l| l.starts_with("rust-version")).unwrap_or_else(|| panic!("{manifest} has no rust-version"));
    line.split('"').nth(1).unwrap().to_owned()
}

fn parse(v: &str) -> Vec<u64> {
    v.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

#[test]
fn the_declared_rust_version_is_true_for_the_locked_dependencies() {
    // Not offline: `cargo metadata` reads the manifests of every locked package, also those for
    // other platforms, which a build on this one never downloads.
    let out = cargo().args(["metadata", "--format-version", "1", "--locked"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let (needed, by) = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| Some((p["rust_version"].as_str()?.to_owned(), p["name"].as_str()?.to_owned())))
        .max_by_key(|(v, _)| parse(v))
        .unwrap();
    for manifest in ["Cargo.toml", "generated/directus-client/Cargo.toml"] {
        let declared = rust_version_of(manifest);
        assert!(parse(&declared) >= parse(&needed), "{manifest} declares Rust {declared}, but the locked {by} needs {needed}");
    }
    assert_eq!(rust_version_of("Cargo.toml"), rust_version_of("generated/directus-client/Cargo.toml"), "one Rust version for the project");
}

#[test]
fn the_client_and_runtime_package_for_crates_io() {
    let out = cargo()
        .args(["package", "-p", "directus-runtime", "-p", "directus-client", "--no-verify", "--allow-dirty", "--locked"])
        .args(["--target-dir", "target/scratch"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "cargo package failed:\n{stderr}");
    let manifest = repo_root().join("generated/directus-client/Cargo.toml");
    let text = std::fs::read_to_string(manifest).unwrap();
    let version = text.lines().find(|l| l.starts_with("version = ")).unwrap();
    assert!(!version.contains('+'), "build metadata does not tell releases apart on crates.io: {version}");
}

#[test]
fn the_client_builds_on_few_crates() {
    // BENCHMARKS.md gives the count; url's default IDNA backend (ICU4X, about 20 crates) is
    // swapped for unicode-rs by the default `idna-unicode-rs` feature.
    let out = cargo().args(["tree", "-p", "directus-client", "-e", "normal", "--prefix", "none", "--locked"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let crates: std::collections::BTreeSet<&str> =
        text.lines().filter_map(|l| l.split(" (").next()).map(str::trim).filter(|l| !l.is_empty()).collect();
    let icu: Vec<&&str> = crates.iter().filter(|c| c.starts_with("icu_")).collect();
    assert!(icu.is_empty(), "ICU4X is back in the client's tree: {icu:?}");
    // The crate itself is not a dependency.
    let count = crates.len() - 1;
    assert!(count <= 79, "the client's default features pull {count} crates (79 before):\n{crates:#?}");
}

#[test]
fn every_resource_builds_alone_without_warnings() {
    // The README says to turn default features off and pick resources; each record type is built
    // only with the features of the resources that need it (`Model::type_resources`), so a type
    // one resource nests from another must come with it. Its own target folder: the test run
    // holds the workspace's.
    let resources: Vec<String> = std::fs::read_dir(repo_root().join("spec/resources"))
        .unwrap()
        .map(|e| e.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(resources.len() > 20, "{resources:?}");
    let mut failed = Vec::new();
    for r in &resources {
        let out = cargo()
            .args(["check", "-p", "directus-client", "--no-default-features", "--features", r, "--locked", "--message-format", "short"])
            .args(["--target-dir", "target/scratch"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning") || l.contains("error")).collect();
        if !out.status.success() || !warnings.is_empty() {
            failed.push(format!("--features {r}:\n{}", if warnings.is_empty() { stderr.to_string() } else { warnings.join("\n") }));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}
