//! Shared pieces of the end-to-end tests: a real Directus server, TOTP codes, and fixtures.

pub mod coverage;
pub mod fixtures;
pub mod proxy;
pub mod server;
pub mod stub;
pub mod synth_snapshot;
pub mod totp;

use std::path::PathBuf;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

/// A fresh, empty folder under the system temp dir, unique to this process and call.
pub fn temp_dir(label: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!("directus-e2e-{}-{label}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a temp dir");
    dir
}

/// Random hex from the kernel, for tokens and passwords of the test server.
pub fn random_hex(bytes: usize) -> String {
    use std::io::Read;
    let mut buf = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut buf)).expect("read /dev/urandom");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// The README's Rust example, compiled (not run) so it stays true.
#[doc = include_str!("../../README.md")]
mod readme {}

/// An empty folder for the CLI's profiles (`DIRECTUS_CONFIG_DIR`), one per test binary: CLI
/// runs in tests never read or write the user's own.
pub fn profiles_dir() -> &'static std::path::Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| temp_dir("cli-profiles"))
}

/// Runs the generated CLI against a test server with its admin token. `exe` is the calling test's
/// `env!("CARGO_BIN_EXE_directus")`, which only integration tests can name.
pub fn admin_cli(exe: &str, server: &server::Server, args: &[&str]) -> std::process::Output {
    std::process::Command::new(exe)
        .args(args)
        .env("DIRECTUS_URL", &server.url)
        .env("DIRECTUS_TOKEN", &server.admin_token)
        // Profiles (`auth login`) go to a folder of the test's, never the user's own.
        .env("DIRECTUS_CONFIG_DIR", profiles_dir())
        .output()
        .unwrap_or_else(|e| panic!("could not run {exe}: {e}"))
}

/// [`admin_cli`] for a command that must succeed: its JSON output (`null` when it printed nothing).
pub fn admin_cli_json(exe: &str, server: &server::Server, args: &[&str]) -> serde_json::Value {
    let out = admin_cli(exe, server, args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    if out.stdout.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e})"))
    }
}

/// Copies the folder `from` into `to` (made if missing), files and subfolders alike.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    for e in std::fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display())) {
        let e = e.expect("a folder entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("its type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap_or_else(|err| panic!("copy {}: {err}", e.path().display()));
        }
    }
}
