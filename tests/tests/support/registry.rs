//! A stand-in for the extensions marketplace (registry.directus.io), which the test servers cannot
//! reach: a loopback stub that a Directus started with `MARKETPLACE_REGISTRY` asks instead. It
//! knows one extension (a hook) with one version, its publisher's account, and serves that
//! version's package as a tarball. The Directus servers in the tests are real; only the registry
//! they call out to is scripted.

// Each test binary that includes this uses part of it.
#![allow(dead_code)]

use directus_e2e::stub::{self, head, reply, Step};
use serde_json::json;

pub struct Registry {
    pub stub: stub::Stub,
    pub extension: String,
    pub version: String,
    pub account: String,
    /// The package name of the extension.
    pub name: String,
}

impl Registry {
    /// The request lines that reached the stub starting with `prefix` (e.g. `GET /download/`).
    pub fn requests(&self, prefix: &str) -> Vec<String> {
        self.stub.requests.lock().unwrap().iter().filter_map(|h| h.lines().next()).filter(|l| l.starts_with(prefix)).map(str::to_owned).collect()
    }
}

/// A hook extension packed as npm packs it (a `package/` folder), gzipped.
fn tarball(name: &str) -> Vec<u8> {
    let dir = directus_e2e::temp_dir("registry-package");
    let package = dir.join("package");
    std::fs::create_dir_all(package.join("dist")).unwrap();
    std::fs::write(package.join("dist/index.js"), "export default () => {};\n").unwrap();
    let manifest = json!({ "name": name, "version": "1.0.0", "type": "module",
        "directus:extension": { "type": "hook", "path": "dist/index.js", "source": "src/index.js", "host": "*" } });
    std::fs::write(package.join("package.json"), manifest.to_string()).unwrap();
    let out = dir.join("package.tgz");
    let status = std::process::Command::new("tar").arg("czf").arg(&out).arg("-C").arg(&dir).arg("package").status().expect("run tar");
    assert!(status.success(), "tar failed");
    std::fs::read(out).unwrap()
}

fn uuid() -> String {
    let h = directus_e2e::random_hex(16);
    format!("{}-{}-4{}-8{}-{}", &h[..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}

pub fn start() -> Registry {
    let (extension, version, account) = (uuid(), uuid(), uuid());
    let name = format!("directus-extension-rs-registry-{}", directus_e2e::random_hex(3));
    let publisher = json!({ "id": account, "username": "rs-tests", "verified": false, "github_name": null, "github_avatar_url": null });
    let listed = json!({ "meta": { "filter_count": 1 }, "data": [{
        "id": extension, "name": name, "description": "A hook for the tests", "total_downloads": 7, "verified": false,
        "type": "hook", "last_updated": "2026-11-01T10:00:00.000Z", "host_version": "*", "sandbox": false, "license": "MIT",
        "publisher": { "username": "rs-tests", "verified": false, "github_name": null } }] });
    let described = json!({ "data": {
        "id": extension, "name": name, "description": "A hook for the tests", "total_downloads": 7,
        "downloads": [{ "date": "2026-11-01", "count": 7 }], "verified": false, "readme": "# A hook", "type": "hook", "license": "MIT",
        "versions": [{ "id": version, "version": "1.0.0", "verified": false, "type": "hook", "host_version": "*",
            "publish_date": "2026-11-01T10:00:00.000Z", "unpacked_size": 120, "file_count": 2, "url_bugs": null,
            "url_homepage": null, "url_repository": null, "license": "MIT", "publisher": publisher, "bundled": [],
            "maintainers": [{ "accounts_id": publisher }] }] } });
    let account_reply = json!({ "data": { "id": account, "username": "rs-tests", "verified": false, "github_username": "rs-tests",
        "github_avatar_url": null, "github_name": "RS Tests", "github_company": null, "github_blog": null, "github_location": null, "github_bio": null } });
    let package = tarball(&name);
    let (e, a, v) = (extension.clone(), account.clone(), version.clone());
    let json_type = [("Content-Type", "application/json")];
    let stub = stub::start(move |_, request| {
        let line = request.lines().next().unwrap_or_default();
        let path = line.split(' ').nth(1).unwrap_or_default();
        let route = path.split('?').next().unwrap_or_default();
        if route == "/version" {
            vec![reply("200 OK", &json_type, r#"{"version":"2024-01-29"}"#)]
        } else if route == "/extensions" {
            vec![reply("200 OK", &json_type, &listed.to_string())]
        } else if route == format!("/extensions/{e}") {
            vec![reply("200 OK", &json_type, &described.to_string())]
        } else if route == format!("/accounts/{a}") {
            vec![reply("200 OK", &json_type, &account_reply.to_string())]
        } else if route == format!("/download/{v}") {
            let length = package.len().to_string();
            vec![head("200 OK", &[("Content-Type", "application/gzip"), ("Content-Length", &length)]), Step::Send(package.clone())]
        } else {
            vec![reply("404 Not Found", &json_type, r#"{"errors":[{"message":"not found"}]}"#)]
        }
    });
    Registry { stub, extension, version, account, name }
}
