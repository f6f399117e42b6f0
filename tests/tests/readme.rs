//! The README's quickstarts, run as a newcomer would: the local-server command of "A local
//! Directus", then the CLI quickstart's shell lines in order, and the client quickstart (its
//! `Cargo.toml` lines and its Rust program, built as a crate of their own) against that server.
//!
//! Three things differ from a newcomer's terminal, each because the test must not touch the user's
//! setup: the server gets a free port and a temporary folder instead of 8055 and
//! `target/local-directus` (the commands are rewritten to match); `cargo install` is not run (the
//! `directus` built for the tests, from the same sources, is first on PATH); and the quickstart's
//! path dependency points at this checkout.

use directus_e2e::repo_root;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The code blocks under the `## heading` of the README, as (language, code).
fn blocks(readme: &str, heading: &str) -> Vec<(String, String)> {
    let start = readme.find(&format!("\n## {heading}\n")).unwrap_or_else(|| panic!("README has no section `## {heading}`"));
    let section = &readme[start + 1..];
    let section = &section[..section[3..].find("\n## ").map(|e| e + 3).unwrap_or(section.len())];
    let mut out = Vec::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        if let Some(lang) = line.trim_start().strip_prefix("```").filter(|l| !l.is_empty()) {
            let code: Vec<&str> = lines.by_ref().take_while(|l| l.trim_start() != "```").collect();
            out.push((lang.to_owned(), code.join("\n") + "\n"));
        }
    }
    out
}

fn block(readme: &str, heading: &str, lang: &str) -> String {
    blocks(readme, heading)
        .into_iter()
        .find(|(l, _)| l.split(',').next() == Some(lang))
        .unwrap_or_else(|| panic!("README section `{heading}` has no ```{lang} block"))
        .1
}

/// The local server, started with the README's command; stopped with Ctrl-C's signal on drop.
struct Local {
    child: Child,
    dir: std::path::PathBuf,
}

impl Local {
    fn stop(&mut self) -> (bool, String) {
        let _ = Command::new("kill").args(["-INT", &self.child.id().to_string()]).status();
        let (tx, rx) = mpsc::channel();
        let mut stderr = self.child.stderr.take();
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(e) = stderr.as_mut() {
                let _ = std::io::Read::read_to_string(e, &mut text);
            }
            let _ = tx.send(text);
        });
        let status = self.child.wait().map(|s| s.success()).unwrap_or(false);
        (status, rx.recv_timeout(Duration::from_secs(30)).unwrap_or_default())
    }
}

impl Drop for Local {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.stop();
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start_local(readme: &str, port: u16, dir: &Path) -> Local {
    let code = block(readme, "A local Directus", "sh");
    let command = code.lines().next().expect("a command").to_owned();
    assert!(command.starts_with("scripts/local-directus.sh"), "the first command of `A local Directus` is {command:?}");
    let mut child = Command::new("bash")
        .args(["-c", &command])
        .current_dir(repo_root())
        .env("DIRECTUS_LOCAL_PORT", port.to_string())
        .env("DIRECTUS_LOCAL_DIR", dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run scripts/local-directus.sh");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut seen = String::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            seen += &line;
            seen.push('\n');
            if line.starts_with("Press Ctrl-C") {
                let _ = tx.send(Ok(seen.clone()));
            }
        }
        let _ = tx.send(Err(seen));
    });
    let mut local = Local { child, dir: dir.to_owned() };
    match rx.recv_timeout(Duration::from_secs(600)) {
        Ok(Ok(banner)) => {
            assert!(banner.contains("admin password:") && banner.contains("static token:"), "{banner}");
            local
        }
        other => {
            let (_, err) = local.stop();
            panic!("scripts/local-directus.sh did not get to `Press Ctrl-C`: {other:?}\nstderr:\n{err}");
        }
    }
}

/// Runs shell lines with the local server's folder and port in place of the README's.
fn shell(code: &str, local: &Local, port: u16) -> std::process::Output {
    let code = code.replace("target/local-directus", &local.dir.to_string_lossy()).replace("8055", &port.to_string());
    let bin = Path::new(env!("CARGO_BIN_EXE_directus")).parent().unwrap().to_owned();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let mut cmd = Command::new("bash");
    cmd.args(["-euo", "pipefail", "-c", &code]).current_dir(repo_root()).env("PATH", path);
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("DIRECTUS_")) {
        cmd.env_remove(k);
    }
    // A README `auth login` stores its session in a profile of the test's.
    cmd.env("DIRECTUS_CONFIG_DIR", directus_e2e::profiles_dir());
    cmd.output().expect("run bash")
}

#[test]
fn the_readme_quickstarts_work_as_written() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let port = free_port();
    let dir = directus_e2e::temp_dir("readme-local");
    let mut local = start_local(&readme, port, &dir);

    // The CLI quickstart and its "log in once" (the section's first two sh blocks), every line but
    // the install, in one shell so `source` and `unset` carry over. The section's further
    // examples name files and keys of the reader's; tests/tests/docs_examples.rs runs those.
    let cli: String = blocks(&readme, "Quickstart: the CLI").into_iter().filter(|(l, _)| l == "sh").take(2).map(|(_, code)| code).collect();
    let lines: Vec<&str> = cli.lines().filter(|l| !l.starts_with("cargo install")).collect();
    assert!(lines.len() >= 5, "{cli}");
    let out = shell(&lines.join("\n"), &local, port);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "the CLI quickstart failed:\nstdout:\n{stdout}\nstderr:\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.starts_with("pong\n"), "{stdout}");
    assert!(stdout.contains("\"title\":\"Hello\""), "{stdout}");
    assert!(stdout.contains("otpauth://"), "{stdout}");

    // The client quickstart: the README's dependency lines and program, as a crate of their own.
    let toml = block(&readme, "Quickstart: the client", "toml");
    let program = block(&readme, "Quickstart: the client", "rust");
    let krate = repo_root().join("target/readme-quickstart");
    std::fs::create_dir_all(krate.join("src")).unwrap();
    let client_path = repo_root().join("generated/directus-client");
    let manifest = format!(
        "[package]\nname = \"readme-quickstart\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n{}",
        toml.replace("path = \"generated/directus-client\"", &format!("path = {:?}", client_path.to_string_lossy()))
    );
    std::fs::write(krate.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(krate.join("src/main.rs"), program).unwrap();
    std::fs::copy(repo_root().join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let build = Command::new(cargo)
        .args(["build", "--quiet"])
        .current_dir(&krate)
        .env("CARGO_TARGET_DIR", repo_root().join("target/scratch"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo");
    assert!(build.status.success(), "the client quickstart does not build:\n{}", String::from_utf8_lossy(&build.stderr));
    let exe = repo_root().join("target/scratch/debug/readme-quickstart");
    let out = shell(&format!("source target/local-directus/env\n{}", exe.display()), &local, port);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "the client quickstart failed:\nstdout:\n{stdout}\nstderr:\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("signed in as admin@example.com\n"), "{stdout}");
    assert!(stdout.contains("Directus 12.4.1\n"), "{stdout}");

    // Ctrl-C stops the server cleanly.
    let (ok, err) = local.stop();
    assert!(ok && err.contains("stopped"), "scripts/local-directus.sh did not stop cleanly on SIGINT:\n{err}");
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err(), "the server still listens after Ctrl-C");
    std::fs::remove_dir_all(dir).ok();
}
