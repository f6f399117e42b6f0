//! Every CLI example of the generated docs (generated/docs/*.md, "Command line:") is run: its
//! placeholders (`<ID>`, `<DATA>`, `@body.json`, `FILE`, `"$PASSWORD"`) get sample values and the
//! command goes to a loopback stub that records the request. The example must parse (no usage
//! error) and send exactly the request the docs page names: its method and route.
//! What the server does with such requests is what the live tests check.

use directus_e2e::stub::{self, reply};
use std::path::Path;
use std::process::Command;

/// Sample values for the docs' placeholders.
fn fill(line: &str, dir: &Path) -> String {
    let mut out = line.to_owned();
    let samples = [
        ("<A,B,…>", "1,2"),
        ("<KEYS>", "1,2"),
        ("<DATA>", "'{}'"),
        ("<FILTER>", r#"'{"id":{"_eq":1}}'"#),
        ("<EXPORT>", "json"),
        ("<FORMAT>", "json"),
        ("<SCOPE>", "items"),
        ("<EMAIL>", "someone@example.com"),
        ("<URL>", "http://127.0.0.1:9/x.txt"),
    ];
    for (placeholder, value) in samples {
        out = out.replace(placeholder, value);
    }
    let file = dir.join("upload.txt");
    out = out.replace("<FILE>", &file.to_string_lossy());
    out = out.replace(" FILE", &format!(" {}", dir.join("download.bin").display()));
    // Any other placeholder is a name or a key.
    while let Some(start) = out.find('<') {
        let Some(len) = out[start..].find('>') else { break };
        out.replace_range(start..start + len + 1, "1");
    }
    out
}

/// A documented route: method and path template.
type Route = (String, String);

/// (resource page, method, route path, example line) for every route of every operation in the docs.
fn examples() -> Vec<(String, String, String, String)> {
    let docs = directus_e2e::repo_root().join("generated/docs");
    let mut out = Vec::new();
    let mut pages: Vec<_> = std::fs::read_dir(&docs).unwrap().filter_map(|e| e.ok()).map(|e| e.path()).collect();
    pages.sort();
    for page in pages.iter().filter(|p| p.file_name().is_some_and(|n| n != "README.md")) {
        let text = std::fs::read_to_string(page).unwrap();
        // Each operation section: its "Dependencies" table gives the routes; its "Command line" the example.
        for section in text.split("\n## ").skip(1) {
            let Some(cli) = section.split("Command line:\n\n```sh\n").nth(1).and_then(|s| s.split("\n```").next()) else { continue };
            let table = section
                .split("| Endpoint | Method | Directus versions |")
                .nth(1)
                .unwrap_or_else(|| panic!("{}: a section without routes", page.display()));
            // Every route row (an operation that moved has one per version range).
            for row in table.lines().skip(2).take_while(|l| l.starts_with('|')) {
                let cells: Vec<&str> = row.split('|').map(str::trim).collect();
                let (path, method) = (cells[1].trim_matches('`').to_owned(), cells[2].to_owned());
                out.push((page.display().to_string(), method, path, cli.to_owned()));
            }
        }
    }
    out
}

/// A `bash -c` running `command` in `dir` with the tool on PATH, against `url` as the given
/// server version, with a token and a profile folder of the tests' own.
fn shell(command: &str, dir: &Path, bin: &Path, url: &str, version: &str) -> Command {
    let mut cmd = Command::new("bash");
    cmd.args(["-c", command])
        .current_dir(dir)
        .env("PATH", format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default()))
        .env("DIRECTUS_URL", url)
        .env("DIRECTUS_TOKEN", "t")
        .env("DIRECTUS_CONFIG_DIR", directus_e2e::profiles_dir())
        .env("DIRECTUS_SERVER_VERSION", version);
    cmd
}

/// A route template as a pattern of the request path: `{x}` matches one segment.
fn matches_route(request_path: &str, template: &str) -> bool {
    let path = request_path.split('?').next().unwrap_or_default();
    let (a, b): (Vec<&str>, Vec<&str>) = (path.split('/').collect(), template.split('/').collect());
    a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| y.starts_with('{') || x == y)
}

/// The README's `directus` lines outside the quickstart (which tests/tests/readme.rs runs against a
/// real server) run the same way: they parse and send a request; `<uuid>` and the files they name
/// get sample values.
#[test]
fn every_cli_line_of_the_readme_parses_and_sends_a_request() {
    let readme = std::fs::read_to_string(directus_e2e::repo_root().join("README.md")).unwrap();
    // The first two sh blocks of the CLI quickstart's section, which tests/tests/readme.rs runs.
    let section = readme.split("## Quickstart: the CLI").nth(1).and_then(|s| s.split("\n## ").next()).unwrap_or_default();
    let quickstart: String = section.split("```sh\n").skip(1).take(2).filter_map(|b| b.split("```").next()).collect();
    let lines: Vec<&str> = readme
        .lines()
        .filter(|l| l.starts_with("directus ") && !quickstart.lines().any(|q| q == *l))
        .collect();
    assert!(lines.len() >= 4, "{lines:?}");
    let dir = directus_e2e::temp_dir("readme-lines");
    std::fs::write(dir.join("article.json"), r#"{"title":"x"}"#).unwrap();
    std::fs::write(dir.join("report.pdf"), "%PDF-1.4").unwrap();
    // What `schema diff` reads, in case its line runs before the `schema snapshot` one writes it.
    std::fs::write(dir.join("schema.yaml"), "version: 1\n").unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_directus")).parent().unwrap().to_owned();
    for line in lines {
        let stub = stub::start(|_, head| {
            let body = if head.starts_with("GET ") { r#"{"data":[]}"# } else { r#"{"data":{}}"# };
            vec![reply("200 OK", &[("Content-Type", "application/json")], body)]
        });
        let command = line.replace("<uuid>", "00000000-0000-4000-8000-000000000000");
        let out = shell(&command, &dir, &bin, &stub.url, "12.4.1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(2), "README: `{line}` is a usage error: {stderr}");
        assert!(stub.count() > 0, "README: `{line}` sent nothing: {stderr}");
    }
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn every_cli_example_in_the_docs_parses_and_sends_its_request() {
    let dir = directus_e2e::temp_dir("docs-examples");
    std::fs::write(dir.join("upload.txt"), "hello").unwrap();
    std::fs::write(dir.join("body.json"), "{}").unwrap();
    // Second secrets come from files in the examples (`--otp-file otp.txt`).
    for name in ["password", "otp", "token", "secret"] {
        std::fs::write(dir.join(format!("{name}.txt")), "sample").unwrap();
    }
    let bin = Path::new(env!("CARGO_BIN_EXE_directus")).parent().unwrap().to_owned();
    let rows = examples();
    // One run per example; any of its routes may be the one this version uses.
    let mut all: Vec<(String, Vec<Route>, String)> = Vec::new();
    for (page, method, route, line) in rows {
        match all.iter_mut().find(|(p, _, l)| *p == page && *l == line) {
            Some(entry) => entry.1.push((method, route)),
            None => all.push((page, vec![(method, route)], line)),
        }
    }
    assert!(all.len() >= 100, "found only {} examples", all.len());
    let mut failures = Vec::new();
    for (page, routes, line) in &all {
        // Reads get an empty list, so an upsert goes on to create; the fields of a collection name
        // its primary key, which an upsert asks for first.
        let stub = stub::start(|_, head| {
            // A resumable upload asks how far the server got before it sends the rest.
            if head.starts_with("HEAD ") {
                return vec![reply("200 OK", &[("Upload-Offset", "0"), ("Upload-Length", "5")], "")];
            }
            let body = if head.starts_with("GET /fields/") {
                r#"{"data":[{"field":"id","schema":{"is_primary_key":true}}]}"#
            } else if head.starts_with("GET ") {
                r#"{"data":[]}"#
            } else {
                r#"{"data":{}}"#
            };
            vec![reply("200 OK", &[("Content-Type", "application/json")], body)]
        });
        let command = fill(line, &dir);
        // Operations that went away are tried on the last version that had them.
        let mut code = None;
        let mut stderr = String::new();
        for version in ["12.4.1", "10.10.4"] {
            let out = shell(&command, &dir, &bin, &stub.url, version)
                .env("PASSWORD", "pw")
                .env("OTP", "123456")
                .env("TOKEN", "tok")
                .env("REFRESH_TOKEN", "rt")
                .env("SECRET", "s")
                .env("STRING", "s")
                .env("RESET_TOKEN", "rt")
                .env("INVITE_TOKEN", "it")
                .output()
                .unwrap();
            code = out.status.code();
            stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            if !(code == Some(5) && stderr.contains("not available")) {
                break;
            }
        }
        let requests = stub.requests.lock().unwrap().clone();
        let lines: Vec<&str> = requests.iter().map(|r| r.lines().next().unwrap_or_default()).collect();
        if code == Some(2) || lines.is_empty() {
            failures.push(format!("{page}: `{line}` sent nothing (exit {code:?}): {stderr}"));
            continue;
        }
        // A composite (upsert) sends others first; one of the requests is the documented one.
        let documented = lines.iter().any(|l| {
            let mut parts = l.split(' ');
            let (m, p) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
            routes.iter().any(|(method, route)| m == method && matches_route(p, route))
        });
        if !documented {
            failures.push(format!("{page}: `{line}` sent {lines:?}, the docs say {routes:?}"));
        }
    }
    std::fs::remove_dir_all(dir).ok();
    assert!(failures.is_empty(), "{} of {} examples fail:\n{}", failures.len(), all.len(), failures.join("\n"));
}
