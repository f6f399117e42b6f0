//! Drift with route truth from the Directus server package: the routes the installed
//! `@directus/api` packages of 12.4.1 and 10.10.4 register, the spec against them (alone and with
//! a saved OpenAPI document), and the routes added and removed between the two releases.
//! Set UPDATE_GOLDEN=1 to rewrite the golden reports in tests/golden/drift/.

use directus_e2e::repo_root;
use directus_generator::drift::{self, package, releases};
use directus_generator::load_model;
use directus_generator::model::Version;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::OnceLock;

fn update_golden() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1")
}

fn assert_golden(rel: &str, text: &str) {
    let path = repo_root().join(rel);
    if update_golden() {
        std::fs::write(&path, text).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert!(
        text == expected,
        "{rel} differs from what the code gives now; if the change is intended, run \
         `UPDATE_GOLDEN=1 cargo test -p directus-e2e --test drift_package` and review the diff:\n{text}"
    );
}

/// The `@directus/api` folder of an installed Directus, installed by the harness if need be
/// (the live tests install the same versions; a cached install returns at once).
fn package_dir(version: &str) -> PathBuf {
    let script = repo_root().join("tests/harness/install-directus.sh");
    let out = std::process::Command::new("bash").arg(&script).arg(version).stderr(std::process::Stdio::inherit()).output().expect("run install-directus.sh");
    assert!(out.status.success(), "{} {version} failed", script.display());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let dir = PathBuf::from(stdout.lines().last().expect("the install folder").trim());
    dir.join("node_modules/@directus/api")
}

fn read(version: &str) -> &'static package::Package {
    static PACKAGES: OnceLock<std::sync::Mutex<std::collections::HashMap<String, &'static package::Package>>> = OnceLock::new();
    let mut map = PACKAGES.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    map.entry(version.to_owned()).or_insert_with(|| Box::leak(Box::new(package::read(&package_dir(version)).unwrap_or_else(|e| panic!("{version}: {e}")))))
}

fn route<'a>(p: &'a package::Package, method: &str, path: &str) -> &'a package::PackageRoute {
    p.routes.iter().find(|r| r.method == method && r.path == path).unwrap_or_else(|| panic!("{method} {path} is not in the package's routes"))
}

fn v(text: &str) -> Version {
    let p: Vec<u32> = text.split('.').map(|x| x.parse().unwrap()).collect();
    Version(p[0], p[1], p[2])
}

#[test]
fn the_route_tables_read_from_the_packages() {
    for (version, api, total, in_scope, out_of_scope, search) in [("12.4.1", "39.2.1", 296, 244, 52, 21), ("10.10.4", "18.2.1", 223, 216, 7, 19)] {
        let p = read(version);
        assert_eq!(p.api_version, api);
        assert_eq!(p.directus_version.as_deref(), Some(version), "the directus package beside it names the release");
        assert!(p.env_defaults, "{version}: the @directus/env defaults were read");
        assert_golden(&format!("tests/golden/drift/routes-{version}.tsv"), &package::tsv(p));
        let scoped: Vec<_> = p.routes.iter().filter(|r| package::out_of_scope(&r.path).is_none()).collect();
        assert_eq!((p.routes.len(), scoped.len(), p.routes.len() - scoped.len()), (total, in_scope, out_of_scope), "{version}: totals");
        assert_eq!(scoped.iter().filter(|r| r.method == "SEARCH").count(), search, "{version}: SEARCH routes");
        // Registered outside the controllers: in app.js, and per auth provider.
        assert_eq!(route(p, "GET", "/server/ping").default, package::Availability::Always);
        let sso = route(p, "GET", "/auth/login/{provider}");
        assert_eq!(sso.condition.as_deref(), Some("per AUTH_PROVIDERS provider with driver oauth2, openid or saml"));
        assert_eq!(sso.default, package::Availability::Off);
        assert_eq!(route(p, "POST", "/auth/login/{provider}").condition.as_deref(), Some("per AUTH_PROVIDERS provider with driver ldap or local"));
        assert!(route(p, "POST", "/auth/login").sources[0].contains("auth/drivers/local.js"));
        // Optional segments and patterns.
        route(p, "GET", "/assets/{pk}/{filename?}");
        route(p, "GET", "/server/specs/graphql/{scope?}");
        route(p, "GET", "/flows/trigger/{pk}");
        assert!(package::out_of_scope(&route(p, "ANY", "/graphql").path).is_some());
    }
    let p = read("12.4.1");
    for (method, path, condition, default) in [
        ("POST", "/files/tus", "env[\"TUS_ENABLED\"] === true", package::Availability::Off),
        ("GET", "/metrics", "env[\"METRICS_ENABLED\"] === true", package::Availability::Off),
        ("POST", "/mcp", "toBoolean(env[\"MCP_ENABLED\"]) === true", package::Availability::On),
        ("GET", "/mcp-oauth/clients", "toBoolean(env[\"MCP_OAUTH_ENABLED\"]) === true", package::Availability::Off),
        ("GET", "/server/specs/oas", "env[\"OPENAPI_ENABLED\"] !== false", package::Availability::On),
    ] {
        let r = route(p, method, path);
        assert_eq!((r.condition.as_deref(), r.default), (Some(condition), default), "{method} {path}");
    }
    assert!(p.routes.iter().all(|r| !r.path.starts_with("/webhooks")), "12.4.1 has no webhooks");
    assert!(p.routes.iter().all(|r| !r.path.starts_with("/utils/hash")), "nor hash utilities");
    let old = read("10.10.4");
    route(old, "POST", "/webhooks");
    route(old, "POST", "/utils/hash/generate");
    assert_eq!(route(old, "POST", "/auth/login").condition.as_deref(), Some("!env[\"AUTH_DISABLE_DEFAULT\"]"));
    assert!(old.routes.iter().all(|r| !r.path.starts_with("/policies") && !r.path.starts_with("/files/tus")));
}

/// Every in-scope route the package serves by default is served by a spec operation or listed;
/// nothing listed is served; configuration-dependent routes are never drift.
fn check_complete_and_not_spurious(version: &str, d: &drift::Drift, p: &package::Package, model: &directus_generator::model::Model) {
    let ver = v(version);
    let spec: BTreeSet<(String, String)> = model
        .resources
        .iter()
        .flat_map(|r| &r.operations)
        .filter(|op| op.composite.is_none())
        .filter_map(|op| drift::route_at(op, ver).map(|r| (directus_generator::emit::method_name(op.method).to_owned(), drift::normalize(&r.path))))
        .collect();
    let listed: BTreeSet<(String, String)> = d.missing_from_spec.iter().chain(&d.version_differences).map(|f| (f.method.clone(), f.path.clone())).collect();
    for r in &p.routes {
        let served = spec.iter().any(|(m, path)| r.serves(m, path));
        let key = (r.method.clone(), r.path.clone());
        if package::out_of_scope(&r.path).is_some() || r.default == package::Availability::Off {
            assert!(!listed.contains(&key), "{version}: {key:?} is out of scope or off by default, yet listed as drift");
            continue;
        }
        assert!(served ^ listed.contains(&key), "{version}: {key:?} served by the spec: {served}, listed: {}", listed.contains(&key));
    }
    assert!(d.missing_from_server.is_empty(), "{version}: {:?}", d.missing_from_server);
    assert!(d.parameter_mismatches.is_empty(), "parameters from a package are never claimed");
}

#[test]
fn drift_against_the_installed_packages() {
    let model = load_model(&repo_root().join("spec")).unwrap();
    for version in ["12.4.1", "10.10.4"] {
        let p = read(version);
        let d = drift::compare_package(&model, v(version), &format!("package @directus/api {}", p.api_version), p, None);
        assert_golden(&format!("tests/golden/drift/package-{version}.md"), &drift::report::markdown(&d));
        check_complete_and_not_spurious(version, &d, p, &model);
        let config: BTreeSet<(&str, &str)> = d.configuration_dependent.iter().map(|f| (f.method.as_str(), f.path.as_str())).collect();
        assert!(config.contains(&("GET", "/auth/login/{provider}")), "per-provider SSO start is configuration, not a missing route");
        // The credentials login of ldap and local providers is configuration too, and the spec serves it.
        let login = d.configuration_dependent.iter().find(|f| f.method == "POST" && f.path == "/auth/login/{provider}").expect("POST /auth/login/{provider} is configuration-dependent");
        assert_eq!(login.operations, ["auth.login_provider"], "{version}");
    }
    let d = drift::compare_package(&model, v("12.4.1"), "12.4.1", read("12.4.1"), None);
    let missing: BTreeSet<(&str, &str)> = d.missing_from_spec.iter().map(|f| (f.method.as_str(), f.path.as_str())).collect();
    // Routes the OpenAPI document never lists (issue 16), found in the package: the spec has them
    // all, the last being `users.verify_email`, whose token Directus reads only from the query
    // (spec `only_in_url`).
    assert!(missing.is_empty(), "{missing:?}");
    // Routes the document never lists that the spec has since taken in: served, so not listed.
    for key in [("GET", "/policies"), ("POST", "/access"), ("GET", "/roles/me"), ("GET", "/dashboards"), ("GET", "/shares/info/{pk}"), ("SEARCH", "/items/{collection}"), ("PATCH", "/collections"), ("PATCH", "/fields/{collection}"), ("POST", "/users/register"), ("POST", "/server/setup"), ("POST", "/settings/owner"), ("POST", "/utils/revert/{revision}"), ("POST", "/shares/auth"), ("GET", "/extensions/registry"), ("POST", "/extensions/registry/install"), ("GET", "/users/register/verify-email")] {
        assert!(!missing.contains(&key), "{key:?} is served by the spec, yet listed");
    }
    assert_eq!(d.package.as_ref().map(|p| (p.in_scope, p.served_by_spec)), Some((244, 239)));
    assert_eq!(d.missing_from_spec.len(), 0);
}

#[test]
fn the_openapi_document_checked_against_the_package() {
    let root = repo_root();
    let model = load_model(&root.join("spec")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(root.join("tests/fixtures/oas/directus-12.4.1-oas.json")).unwrap()).unwrap();
    let oas = drift::oas_routes(&doc).unwrap();
    let p = read("12.4.1");
    let d = drift::compare_package(&model, v("12.4.1"), "package @directus/api 39.2.1 and tests/fixtures/oas/directus-12.4.1-oas.json", p, Some(&oas));
    assert_golden("tests/golden/drift/package-12.4.1-with-oas.md", &drift::report::markdown(&d));
    check_complete_and_not_spurious("12.4.1", &d, p, &model);
    // Documented, not served: in the document, 404 ROUTE_NOT_FOUND on the server (issue 16's spurious lines).
    let not_served: BTreeSet<(&str, &str)> = d.documented_not_served.iter().map(|f| (f.method.as_str(), f.path.as_str())).collect();
    for key in [("GET", "/auth/oauth"), ("GET", "/auth/oauth/{}"), ("PATCH", "/extensions/{}/{}"), ("DELETE", "/relations/{}"), ("PATCH", "/relations/{}")] {
        assert!(not_served.contains(&key), "{key:?} is not under documented, not served: {not_served:?}");
        assert!(!d.missing_from_spec.iter().any(|f| f.method == key.0 && drift::normalize(&f.path) == key.1), "{key:?} is listed as missing from the spec");
    }
    // Parameter claims of the document alone are unverified, never drift.
    assert!(d.parameter_mismatches.is_empty());
    assert!(d.unverified_parameters.iter().any(|f| f.method == "GET" && f.path == "/users" && f.note.contains("`export`")), "{:?}", d.unverified_parameters);
    // The package-only view is the same drift: the document adds no route the package lacks.
    let alone = drift::compare_package(&model, v("12.4.1"), "x", p, None);
    assert_eq!(alone.missing_from_spec.len(), d.missing_from_spec.len());
}

#[test]
fn routes_added_and_removed_between_10_10_4_and_12_4_1() {
    let c = releases::compare(read("10.10.4"), read("12.4.1"));
    assert_golden("tests/golden/drift/releases-10.10.4-12.4.1.md", &releases::markdown(&c));
    let added: BTreeSet<(&str, &str)> = c.added.iter().map(|r| (r.method.as_str(), r.path.as_str())).collect();
    let removed: BTreeSet<(&str, &str)> = c.removed.iter().map(|r| (r.method.as_str(), r.path.as_str())).collect();
    for key in [("GET", "/policies"), ("POST", "/comments"), ("POST", "/files/tus"), ("GET", "/roles/me"), ("POST", "/server/setup"), ("GET", "/license")] {
        assert!(added.contains(&key), "{key:?} not added");
    }
    for key in [("POST", "/webhooks"), ("GET", "/webhooks"), ("POST", "/utils/hash/generate"), ("POST", "/utils/hash/verify")] {
        assert!(removed.contains(&key), "{key:?} not removed");
    }
    assert!(c.condition_changed.iter().any(|r| r.path == "/auth/login"), "AUTH_DISABLE_DEFAULT no longer guards the default login");
    // Every route of the newer package is added, unchanged or changed; of the older, removed or kept.
    assert_eq!(c.added.len() + c.unchanged + c.condition_changed.len(), read("12.4.1").routes.len());
    assert_eq!(c.removed.len() + c.unchanged + c.condition_changed.len(), read("10.10.4").routes.len());
}

/// Cuts the operation `id` out of a resource file's text; returns the new text and the cut block.
fn cut_operation(text: &str, id: &str) -> (String, String) {
    let start = text.find(&format!("\n  - id: {id}\n")).unwrap_or_else(|| panic!("no operation {id}")) + 1;
    let end = text[start + 1..].find("\n  - id: ").map(|e| start + 1 + e + 1).unwrap_or(text.len());
    let block = text[start..end].trim_end().to_owned() + "\n";
    (format!("{}{}", &text[..start], &text[end..]).trim_end().to_owned() + "\n", block)
}


#[test]
fn scaffold_drafts_the_removed_routes_and_review_brings_them_back() {
    let root = repo_root();
    let original = load_model(&root.join("spec")).unwrap();
    let p = read("12.4.1");
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(root.join("tests/fixtures/oas/directus-12.4.1-oas.json")).unwrap()).unwrap();
    let oas = drift::oas_routes(&doc).unwrap();
    let baseline = drift::compare_package(&original, v("12.4.1"), "x", p, Some(&oas));

    // The fixture: the spec with two routes removed.
    let spec = directus_e2e::temp_dir("scaffold").join("spec");
    directus_e2e::copy_dir(&root.join("spec"), &spec);
    let mut cut = Vec::new();
    for (file, id) in [("revisions.yaml", "get"), ("server.yaml", "ping")] {
        let path = spec.join("resources").join(file);
        let (text, block) = cut_operation(&std::fs::read_to_string(&path).unwrap(), id);
        std::fs::write(&path, text).unwrap();
        cut.push((path, block));
    }
    let coverage = spec.join("coverage.yaml");
    let kept: String = std::fs::read_to_string(&coverage).unwrap().lines().filter(|l| !l.contains("revisions.get") && !l.contains("server.ping")).map(|l| format!("{l}\n")).collect();
    std::fs::write(&coverage, kept).unwrap();
    let model = load_model(&spec).unwrap_or_else(|d| panic!("the fixture spec validates: {d:?}"));

    // Drift lists exactly the two removed routes on top of what the full spec lacks.
    let d = drift::compare_package(&model, v("12.4.1"), "x", p, Some(&oas));
    let before: BTreeSet<(String, String)> = baseline.missing_from_spec.iter().map(|f| (f.method.clone(), f.path.clone())).collect();
    let new: Vec<&drift::Finding> = d.missing_from_spec.iter().filter(|f| !before.contains(&(f.method.clone(), f.path.clone()))).collect();
    let keys: Vec<(&str, &str)> = new.iter().map(|f| (f.method.as_str(), f.path.as_str())).collect();
    assert_eq!(keys, [("GET", "/revisions/{pk}"), ("GET", "/server/ping")]);

    let written = drift::scaffold::write(&spec, &model, v("12.4.1"), &p.routes, &new, Some(&doc)).unwrap();
    assert_eq!(written.len(), 2, "{written:?}");
    let drafts: String = cut.iter().map(|(path, _)| {
        let text = std::fs::read_to_string(path).unwrap();
        let at = text.rfind("\n  - id: ").unwrap() + 1;
        text[at..].to_owned()
    }).collect::<Vec<_>>().join("\n");
    assert_golden("tests/golden/drift/scaffold-drafts.yaml", &drafts);

    // The drafts validate as drafts: the only problems are the two draft marks, located.
    let diags = load_model(&spec).expect_err("drafts are reported");
    assert_eq!(diags.len(), 2, "{diags:?}");
    for (diag, (file, op)) in diags.iter().zip([("revisions.yaml", "revisions.get"), ("server.yaml", "server.ping")]) {
        let text = diag.to_string();
        assert!(text.contains(file) && text.contains(op) && text.contains("is a draft written by `generator drift --scaffold`"), "{text}");
    }

    // Review (the fixture edit): each draft replaced by the reviewed operation.
    for (path, block) in &cut {
        let text = std::fs::read_to_string(path).unwrap();
        let at = text.rfind("\n  - id: ").unwrap() + 1;
        std::fs::write(path, format!("{}{block}", &text[..at])).unwrap();
    }
    let reviewed = load_model(&spec).unwrap_or_else(|d| panic!("the reviewed spec validates: {d:?}"));
    let ops = |m: &directus_generator::model::Model| -> BTreeSet<String> {
        m.resources.iter().flat_map(|r| &r.operations).map(|o| format!("{} {:?} {:?} {:?}", o.full_id, o.method, o.routes.iter().map(|r| &r.path).collect::<Vec<_>>(), o.path_params.iter().map(|p| &p.name).collect::<Vec<_>>())).collect()
    };
    assert_eq!(ops(&reviewed), ops(&original), "after review the spec has what was removed");
    let files = |dir: &std::path::Path| -> BTreeSet<PathBuf> { directus_generator::generate(dir).unwrap().into_iter().map(|f| f.path).collect() };
    assert_eq!(files(&spec), files(&root.join("spec")), "and generates the same files");
    let drift_after = drift::compare_package(&reviewed, v("12.4.1"), "x", p, Some(&oas));
    assert_eq!(drift_after.missing_from_spec.len(), baseline.missing_from_spec.len());
}
