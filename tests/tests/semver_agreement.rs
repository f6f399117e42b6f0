//! `generator diff` agrees with cargo-semver-checks on the Rust surface. Each case is the old
//! side of the diff fixture (tests/fixtures/diff/old) plus exactly one change: every change the
//! fixture pair holds, and a few shapes of the generated API the pair does not reach. Both crates
//! are generated, cargo-semver-checks compares them, and the bump it requires must be the one
//! `diff` names for Rust callers (breaking → major, compatible → minor, none → none). The lints
//! that report additions are turned on for this, so that an addition requires a minor release.
//! The old crate's rustdoc JSON is built once, with cargo-semver-checks' own flags, and each case
//! is one `cargo semver-checks` run against it (about 3 s each); a baseline given as JSON has no
//! manifest, so `feature_missing` does not run, which costs nothing here: a resource that goes
//! also takes its module and its `Client` method.
//!
//! cargo-semver-checks does not compare the types inside signatures, and reports no addition to
//! a `#[non_exhaustive]` struct or enum; the cases it cannot see are listed in `BLIND`, each with
//! the reason, and the test checks that they still disagree exactly so: when a newer
//! cargo-semver-checks sees one, the test says to drop it from the list.
//!
//! Needs cargo-semver-checks (`scripts/test.sh` installs the pinned version); without it the test
//! fails and says how to install it.

use directus_e2e::repo_root;
use directus_generator::diff::{compare, Change, Impact};
use directus_generator::{generate, load_model, load_model_lenient, output};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The version `BLIND` was checked with; scripts/test.sh installs the same.
const PINNED: &str = "0.51.0";
const INSTALL: &str = "cargo install --locked cargo-semver-checks@0.51.0";

/// A required release, as cargo-semver-checks words it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Bump {
    None,
    Minor,
    Major,
}

/// One edit of the old fixture's files (paths relative to the spec folder).
enum Edit {
    /// Replaces the only occurrence of a text.
    Replace(&'static str, String, String),
    /// Deletes a file.
    Remove(&'static str),
    /// Takes a file as the new side of the fixture has it.
    FromNew(&'static str),
}
use Edit::{FromNew, Remove};

fn rep(file: &'static str, from: &str, to: &str) -> Edit {
    Edit::Replace(file, from.to_owned(), to.to_owned())
}

struct Case {
    name: &'static str,
    /// The class `diff` must report, as its only change beside docs changes and `also`.
    class: &'static str,
    /// Classes the change brings along (a query set that starts to page changes return types).
    also: &'static [&'static str],
    edits: Vec<Edit>,
}

const API: &str = "api.yaml";
const THINGS: &str = "resources/things.yaml";

fn case(name: &'static str, class: &'static str, edits: Vec<Edit>) -> Case {
    Case { name, class, also: &[], edits }
}

fn cases() -> Vec<Case> {
    let mut all = fixture_changes();
    all.extend(more_shapes());
    all
}

/// One case per change of the fixture pair (tests/fixtures/diff/new), in its order.
fn fixture_changes() -> Vec<Case> {
    const LIMIT: &str = "      - { name: limit, in: query, type: integer, description: How many. }\n";
    const GET_ID: &str = "      - { name: id, in: path, type: integer, description: The thing's id. }\n";
    const API_TOKEN: &str = "        - { name: api_token, type: string, secret: true, description: A secret reply field. }\n";
    const GROUP_BY: &str = "      - { name: groupBy, in: query, type: string_list, description: Fields to group by. }\n";
    const SIZE: &str = "      - { name: size, type: integer, description: How big. }\n";
    const UPSERT: &str = "  - id: upsert
    title: Upsert
    summary: Updates the thing matching a filter, or creates it.
    method: PATCH
    path: /things
    composite: { kind: upsert, list: list, create: create, update: update, key: id }
    params:
      - { name: filter, in: query, type: json, required: true, description: Which thing. }
    body:
      kind: value
    response:
      kind: json
";
    const COUNT: &str = "  - id: count
    title: Count
    summary: Counts things.
    method: GET
    path: /things/count
    response:
      kind: json
";
    const TINT: &str = "  - name: tint\n    title: Tint\n    fields:\n      - { name: id, type: integer, description: The key. }\n";
    vec![
        case("api version", "api-version", vec![rep(API, "api_version: \"12.4.1\"", "api_version: \"12.5.0\"")]),
        case("error catalog text", "docs", vec![rep(API, "fix: Check permissions.", "fix: Check the policies of the user.")]),
        case("query set: optional parameter added", "param-added", vec![rep(API, LIMIT, &format!("{LIMIT}      - {{ name: counts, in: query, type: string, description: Counts to return. }}\n"))]),
        Case {
            also: &["response-type"],
            ..case(
                "query set: `offset` added beside `limit` (lists read page by page)",
                "param-added",
                vec![rep(API, LIMIT, &format!("{LIMIT}      - {{ name: offset, in: query, type: integer, description: How many to skip. }}\n"))],
            )
        },
        case("query set: `meta` named", "query-set-meta", vec![rep(API, "    description: The query parameters every list takes.\n", "    description: The query parameters every list takes.\n    meta: limit\n")]),
        case("resource removed", "resource-removed", vec![Remove("resources/gadgets.yaml")]),
        case("operation removed", "operation-removed", vec![rep(THINGS, UPSERT, "")]),
        case("operation renamed", "operation-renamed", vec![rep(THINGS, "  - id: download\n", "  - id: fetch\n    renamed_from: download\n")]),
        case("operation added", "operation-added", vec![rep(THINGS, "  - id: kinds\n", &format!("{COUNT}  - id: kinds\n"))]),
        case("method", "method", vec![rep(THINGS, "from any JSON.\n    method: POST\n", "from any JSON.\n    method: PUT\n")]),
        case("body: array items retyped", "body", vec![rep(THINGS, "      items: string\n", "      items: integer\n")]),
        case("operation text", "docs", vec![rep(THINGS, "    summary: Answers with text.\n", "    summary: Answers with the text pong.\n")]),
        case(
            "optional parameter became required",
            "param-required",
            vec![rep(THINGS, "type: integer, description: Resize to this width. }", "type: integer, required: true, description: Resize to this width. }")],
        ),
        case(
            "route version ranges",
            "versions",
            vec![rep(THINGS, "until: \"10.7.0\" }\n      - { path: /extensions, since: \"10.7.0\" }", "until: \"10.8.0\" }\n      - { path: /extensions, since: \"10.8.0\" }")],
        ),
        case("parameter retyped", "param-type", vec![rep(THINGS, GET_ID, &GET_ID.replace("integer", "string"))]),
        case(
            "required parameter added",
            "param-added",
            vec![rep(THINGS, GET_ID, &format!("{GET_ID}      - {{ name: lang, in: query, type: string, required: true, description: The language. }}\n"))],
        ),
        case("reply envelope fields", "response-envelope", vec![rep(THINGS, API_TOKEN, &format!("{API_TOKEN}      envelope_fields: [cached]\n"))]),
        case("reply field removed", "response-field-removed", vec![rep(THINGS, API_TOKEN, "")]),
        case(
            "reply field added",
            "response-field-added",
            vec![rep(THINGS, API_TOKEN, &format!("{API_TOKEN}        - {{ name: created, type: string, description: When it was made. }}\n"))],
        ),
        case("reply field retyped", "response-field-type", vec![rep(THINGS, "{ name: type, type: string,", "{ name: type, type: integer,")]),
        case("reply type named", "response-type", vec![rep(THINGS, "      shape: array\n\ntypes:", "      shape: array\n      type: kind\n\ntypes:")]),
        case("operation available longer", "versions", vec![rep(THINGS, "removed_in: \"11.0.0\"", "removed_in: \"11.1.0\"")]),
        case("input became secret", "param-secret", vec![rep(THINGS, "required: true, description: A name. }", "required: true, secret: true, description: A name. }")]),
        case("parameter removed", "param-removed", vec![rep(THINGS, GROUP_BY, "")]),
        case("allowed values narrowed (no longer holding `*`)", "param-values", vec![rep(THINGS, "values: [total_count, filter_count, \"*\"]", "values: [total_count]")]),
        case(
            "optional parameter added",
            "param-added",
            vec![rep(THINGS, GROUP_BY, &format!("{GROUP_BY}      - {{ name: search, in: query, type: string, description: Text to find. }}\n"))],
        ),
        case("path", "path", vec![rep(THINGS, "    path: /ping\n", "    path: /server/ping\n")]),
        case(
            "reply kind",
            "response",
            vec![rep(THINGS, "description: The name. }\n    response:\n      kind: json\n", "description: The name. }\n    response:\n      kind: empty\n")],
        ),
        case("auth", "auth", vec![rep(THINGS, "    auth: none\n    params:", "    auth: optional\n    params:")]),
        case(
            "query set added to an operation",
            "query-set",
            vec![rep(THINGS, "    path: /things/{id}\n    params:\n      - { name: id, in: path, type: string,", "    path: /things/{id}\n    query: query\n    params:\n      - { name: id, in: path, type: string,")],
        ),
        case("required input became optional", "param-optional", vec![rep(THINGS, "{ name: storage, type: string, required: true,", "{ name: storage, type: string,")]),
        case("CLI flag renamed", "param-flag", vec![rep(THINGS, "{ name: title, type: string, description", "{ name: title, type: string, flag: caption, description")]),
        case("type removed", "type-removed", vec![rep(THINGS, TINT, "")]),
        case("type field removed", "type-field-removed", vec![rep(THINGS, "      - { name: colour, type: string, description: Its colour. }\n", "")]),
        case("type field values removed", "type-values-removed", vec![rep(THINGS, "values: [\"on\", \"off\"]", "values: [\"on\"]")]),
        case("type field values added", "type-values-added", vec![rep(THINGS, "values: [\"on\", \"off\"]", "values: [\"on\", \"off\", standby]")]),
        case("type field retyped", "type-field-type", vec![rep(THINGS, SIZE, &SIZE.replace("integer", "number"))]),
        case("type field added", "type-field-added", vec![rep(THINGS, SIZE, &format!("{SIZE}      - {{ name: label, type: string, nullable: true, description: Its label. }}\n"))]),
        case("type added", "type-added", vec![rep(THINGS, TINT, &format!("{TINT}  - name: shade\n    title: Shade\n    fields:\n      - {{ name: id, type: integer, description: The key. }}\n"))]),
        case("resource added", "resource-added", vec![FromNew("resources/widgets.yaml")]),
        // CLI flags only (`--yes`, `--fields`): the Rust surface stays as it was.
        case("operation asks before sending", "confirm", vec![rep(THINGS, "  - id: delete_many\n", "  - id: delete_many\n    confirm: true\n")]),
        case("saved record shaped by --fields", "reply-fields", vec![rep(THINGS, "  - id: legacy\n", "  - id: legacy\n    reply_fields: true\n")]),
    ]
}

/// Shapes of the generated API the fixture pair does not reach.
fn more_shapes() -> Vec<Case> {
    const REDIRECT: &str = "      - { name: redirect, in: query, type: string, description: Where to return. }\n";
    vec![
        // `create` has no optional input yet, so no `options` argument.
        case(
            "optional parameter added to an operation without options",
            "param-added",
            vec![rep(THINGS, "    method: POST\n    path: /things\n    body:\n", "    method: POST\n    path: /things\n    params:\n      - { name: tag, in: query, type: string, description: A tag. }\n    body:\n")],
        ),
        case("the only optional parameter removed", "param-removed", vec![rep(THINGS, REDIRECT, "")]),
        case("allowed values became an enum", "param-values", vec![rep(THINGS, REDIRECT, &REDIRECT.replace("type: string,", "type: string, values: [home, back],"))]),
        case("allowed values widened (still holding `*`, so still a string)", "param-values", vec![rep(THINGS, "values: [total_count, filter_count, \"*\"]", "values: [total_count, filter_count, \"*\", all]")]),
        case("free-form body fields no longer taken", "body", vec![rep(THINGS, "      open: true\n", "")]),
        case("command-line tool renamed", "binary-renamed", vec![rep(API, "  binary: kinds\n", "  binary: kinds-tool\n")]),
    ]
}

/// Cases where cargo-semver-checks cannot see what `diff` reports: the bump `diff` names, the one
/// cargo-semver-checks requires instead, and why it cannot see more.
const BLIND: &[(&str, Bump, Bump, &str)] = &[
    (
        "query set: `offset` added beside `limit` (lists read page by page)",
        Bump::Major,
        Bump::Minor,
        "the list methods return `ListCall<T>` instead of `Call<Vec<T>>`; no lint compares return types, so it sees only the new `Query::offset` setter",
    ),
    ("body: array items retyped", Bump::Major, Bump::None, "the body argument goes from `&[&str]` to `&[i64]`; no lint compares argument types"),
    ("parameter retyped", Bump::Major, Bump::None, "`id: i64` becomes `id: &str`; no lint compares argument types"),
    ("reply field added", Bump::Minor, Bump::None, "a field added to a `#[non_exhaustive]` struct; no lint reports one"),
    ("reply field retyped", Bump::Major, Bump::None, "`GetResponse::type` goes from `Option<String>` to `Option<i64>`; no lint compares field types"),
    ("reply type named", Bump::Major, Bump::None, "the method returns `Call<Vec<Kind>>` instead of `Call<Vec<Value>>`; no lint compares return types"),
    (
        "operation available longer",
        Bump::Minor,
        Bump::None,
        "a change of behaviour, not of items: the call now goes out to servers it used to refuse before sending",
    ),
    ("input became secret", Bump::Major, Bump::None, "the argument goes from `impl Into<String>` to `impl Into<Secret>`; no lint compares argument types"),
    (
        "allowed values narrowed (no longer holding `*`)",
        Bump::Major,
        Bump::Minor,
        "the `meta` field and setter take the new enum `Meta` instead of a string; no lint compares field or argument types, so it sees only the new enum",
    ),
    ("reply kind", Bump::Major, Bump::None, "`fn … -> Call<Value>` becomes `async fn … -> Result<()>`; no lint compares return types"),
    ("type field values added", Bump::Minor, Bump::None, "a variant added to a `#[non_exhaustive]` enum; no lint reports one"),
    ("type field retyped", Bump::Major, Bump::None, "`Kind::size` goes from `Option<i64>` to `Option<f64>`; no lint compares field types"),
    ("type field added", Bump::Minor, Bump::None, "a field added to a `#[non_exhaustive]` struct; no lint reports one"),
    (
        "allowed values became an enum",
        Bump::Major,
        Bump::Minor,
        "the `redirect` field and setter take the new enum `Redirect` instead of a string; no lint compares field or argument types, so it sees only the new enum",
    ),
];

/// Lints that report a new public item. cargo-semver-checks leaves them off by default (an
/// addition breaks nobody); on, they make it name the minor bump an addition needs.
const ADDITION_LINTS: &[&str] = &[
    "inherent_method_added",
    "non_exhaustive_struct_added",
    "exhaustive_struct_added",
    "non_exhaustive_enum_added",
    "exhaustive_enum_added",
    "pub_const_added",
    "pub_static_added",
    "inherent_associated_pub_const_added",
];

#[test]
fn diff_names_the_bump_cargo_semver_checks_requires_for_every_change() {
    let tool = semver_checks();
    let root = repo_root();
    let fixture = root.join("tests/fixtures/diff");
    let cases = cases();
    every_fixture_change_has_a_case(&fixture, &cases);
    // Three folders below the repository, as the fixture's `runtime_path` expects of the crates.
    let work = root.join("target/semver-agreement");
    let old_spec = work.join("specs/old");
    let _ = std::fs::remove_dir_all(&old_spec);
    directus_e2e::copy_dir(&fixture.join("old"), &old_spec);
    let (old_model, _) = load_model_lenient(&old_spec).expect("the old side of the diff fixture validates");
    let old_crate = generate_crate(&old_spec, &work.join("old"));
    let target = work.join("build");
    let baseline = baseline_rustdoc(&old_crate, &target, &work.join("old.json"));
    // The baseline as built here against the same crate as cargo-semver-checks builds it: any
    // difference would be an artifact of the two builds.
    let (same, lints) = run_semver_checks(&tool, &baseline, &old_crate, &target);
    assert_eq!(same, Bump::None, "the old crate against its own rustdoc: {lints:?}");
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let spec = work.join(format!("specs/case-{i:02}"));
        assemble(case, &fixture, &spec);
        let model = load_model(&spec).unwrap_or_else(|d| panic!("case `{}` does not validate: {d:?}", case.name));
        let changes = compare(&old_model, &model);
        if let Err(e) = one_change(case, &changes) {
            failures.push(e);
            continue;
        }
        let ours = rust_bump(&changes);
        let krate = generate_crate(&spec, &work.join(format!("case-{i:02}")));
        let started = std::time::Instant::now();
        let (theirs, lints) = run_semver_checks(&tool, &baseline, &krate, &target);
        let row = format!("{:<68} {:<22} diff {:<5} semver-checks {:<5} {:>5.1}s {}", case.name, case.class, show(ours), show(theirs), started.elapsed().as_secs_f32(), lints.join(" "));
        eprintln!("{row}");
        rows.push(row);
        failures.extend(verdict(case.name, ours, theirs, &lints));
    }
    for (name, ..) in BLIND {
        assert!(cases.iter().any(|c| c.name == *name), "BLIND names `{name}`, which is no case");
    }
    assert!(failures.is_empty(), "{}\n\nevery case:\n{}", failures.join("\n"), rows.join("\n"));
}

/// What the two verdicts of a case say together: nothing when they agree (or disagree exactly as
/// `BLIND` says), else the failure.
fn verdict(name: &str, ours: Bump, theirs: Bump, lints: &[String]) -> Option<String> {
    match BLIND.iter().find(|b| b.0 == name) {
        None if ours == theirs => None,
        None => Some(format!("`{name}`: diff says {}, cargo-semver-checks {} ({}); fix the classification in generator/src/diff/mod.rs, or list the case in BLIND with the reason", show(ours), show(theirs), lints.join(", "))),
        Some(_) if ours == theirs => Some(format!("`{name}`: diff and cargo-semver-checks now agree ({}): drop it from BLIND", show(ours))),
        Some((_, diff, blind, why)) if (*diff, *blind) != (ours, theirs) => Some(format!(
            "`{name}`: diff says {}, cargo-semver-checks {} ({}); BLIND expects {} and {} ({why})",
            show(ours),
            show(theirs),
            lints.join(", "),
            show(*diff),
            show(*blind)
        )),
        Some(_) => None,
    }
}

fn show(b: Bump) -> &'static str {
    match b {
        Bump::None => "none",
        Bump::Minor => "minor",
        Bump::Major => "major",
    }
}

/// The bump `diff` names for Rust callers alone (the report's bump also counts the CLI and docs).
fn rust_bump(changes: &[Change]) -> Bump {
    changes
        .iter()
        .map(|c| match c.rust {
            Impact::None => Bump::None,
            Impact::Compatible => Bump::Minor,
            Impact::Breaking => Bump::Major,
        })
        .max()
        .unwrap_or(Bump::None)
}

/// A case holds its class's change and otherwise only docs changes (a changed error fix, say,
/// also changes the docs of the operations listing that error).
fn one_change(case: &Case, changes: &[Change]) -> Result<(), String> {
    let mine = changes.iter().filter(|c| c.class == case.class).count();
    // A docs change may show in several places (the catalog and each operation's error list).
    let mine = if case.class == "docs" { mine.min(1) } else { mine };
    let others = changes.iter().filter(|c| c.class != case.class && c.class != "docs" && !case.also.contains(&c.class)).count();
    let brought = case.also.iter().all(|a| changes.iter().any(|c| c.class == *a));
    if mine == 1 && others == 0 && brought {
        Ok(())
    } else {
        Err(format!("`{}`: expected one `{}` change (with {:?}), diff reports {changes:#?}", case.name, case.class, case.also))
    }
}

/// The fixture pair's changes, class by class, each has a case here: a class added to the
/// fixtures needs one too.
fn every_fixture_change_has_a_case(fixture: &Path, cases: &[Case]) {
    let old = load_model(&fixture.join("old")).expect("old side validates");
    let new = load_model(&fixture.join("new")).expect("new side validates");
    let mut need = std::collections::BTreeMap::<&str, usize>::new();
    for c in compare(&old, &new).iter().filter(|c| c.class != "docs") {
        *need.entry(c.class).or_default() += 1;
    }
    for (class, n) in need {
        let have = cases.iter().filter(|c| c.class == class || c.also.contains(&class)).count();
        assert!(have >= n, "the diff fixture has {n} `{class}` change(s), this test {have} case(s); add one per change");
    }
}


/// The old side of the fixture with the case's edits.
fn assemble(case: &Case, fixture: &Path, spec: &Path) {
    // Fresh each time: a case may remove a file the previous one had.
    let _ = std::fs::remove_dir_all(spec);
    directus_e2e::copy_dir(&fixture.join("old"), spec);
    for edit in &case.edits {
        match edit {
            Edit::Replace(file, from, to) => {
                let path = spec.join(file);
                let text = std::fs::read_to_string(&path).unwrap();
                assert_eq!(text.matches(from.as_str()).count(), 1, "case `{}`: {file} must hold {from:?} once", case.name);
                std::fs::write(&path, text.replacen(from.as_str(), to, 1)).unwrap();
            }
            Remove(file) => std::fs::remove_file(spec.join(file)).unwrap(),
            FromNew(file) => {
                std::fs::copy(fixture.join("new").join(file), spec.join(file)).unwrap();
            }
        }
    }
}

/// Generates the spec's crate into `out` and returns the crate's folder. The crate is made a
/// workspace of its own (it lies inside this repository's, which does not list it) and turns on
/// the lints that report additions.
fn generate_crate(spec: &Path, out: &Path) -> PathBuf {
    let files = generate(spec).unwrap_or_else(|e| panic!("{} does not generate:\n{e}", spec.display()));
    output::write(out, &files).unwrap();
    let manifest = files.iter().find(|f| f.path.ends_with("Cargo.toml")).expect("a Cargo.toml");
    let dir = out.join(manifest.path.parent().unwrap());
    let path = dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text += "\n[workspace]\n\n[package.metadata.cargo-semver-checks.lints]\n";
    for lint in ADDITION_LINTS {
        text += &format!("{lint} = \"deny\"\n");
    }
    std::fs::write(&path, text).unwrap();
    // The workspace's lock, so the crate builds on the dependency versions the project tests (a
    // lock left by an earlier run could pin what the runtime no longer accepts, and a fresh
    // resolution would take whatever is newest that day).
    std::fs::copy(repo_root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    dir
}

/// The cargo-semver-checks to run; fails when it is missing or another version than `BLIND` was
/// checked with.
fn semver_checks() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(&cargo).args(["semver-checks", "--version"]).output();
    let version = match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_owned(),
        _ => panic!("cargo-semver-checks is not installed (`cargo semver-checks --version` fails); this test compares `generator diff` with it. Install it with `{INSTALL}` (scripts/test.sh does)"),
    };
    assert_eq!(version, format!("cargo-semver-checks {PINNED}"), "this test's BLIND list was checked with cargo-semver-checks {PINNED}; install it with `{INSTALL}`");
    PathBuf::from(cargo)
}

/// The flags cargo-semver-checks 0.51 builds rustdoc JSON with (its `EXTRA_RUSTDOCFLAGS`, and
/// lints capped for the dependencies it checks).
const RUSTDOCFLAGS: &str = "-Z unstable-options --document-private-items --document-hidden-items --output-format=json --cap-lints=allow";

/// The old crate's rustdoc JSON, built once instead of once per case: as cargo-semver-checks
/// builds a crate (its flags, every feature), into `json`.
fn baseline_rustdoc(krate: &Path, target: &Path, json: &Path) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["doc", "--no-deps", "--lib", "--all-features", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        // Rustdoc JSON is unstable; cargo-semver-checks turns it on the same way.
        .env("RUSTC_BOOTSTRAP", "1")
        .env("RUSTDOCFLAGS", RUSTDOCFLAGS)
        .env("RUSTFLAGS", "--cap-lints=allow")
        .output()
        .expect("run cargo doc");
    assert!(out.status.success(), "rustdoc JSON of the old crate:\n{}", String::from_utf8_lossy(&out.stderr));
    std::fs::copy(target.join("doc/kinds_client.json"), json).expect("cargo doc wrote doc/kinds_client.json");
    json.to_path_buf()
}

/// Runs `cargo semver-checks` on the baseline's rustdoc JSON and the new crate: the bump it
/// requires and the lints that fired. The new crate's manifest turns the addition lints on.
/// Every case shares one target folder, so the dependencies are checked once.
fn run_semver_checks(cargo: &Path, baseline: &Path, new: &Path, target: &Path) -> (Bump, Vec<String>) {
    let out = Command::new(cargo)
        .args(["semver-checks", "check-release", "--color", "never", "--release-type", "patch", "--baseline-rustdoc"])
        .arg(baseline)
        .arg("--manifest-path")
        .arg(new.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        // The baseline build fetched every dependency; resolving again needs no index.
        .env("CARGO_NET_OFFLINE", "true")
        .env_remove("RUSTFLAGS")
        .env_remove("RUSTDOCFLAGS")
        .output()
        .expect("run cargo semver-checks");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let bump = if text.contains("semver requires new major version") {
        Bump::Major
    } else if text.contains("semver requires new minor version") {
        Bump::Minor
    } else if text.contains("no semver update required") {
        Bump::None
    } else {
        panic!("cargo semver-checks gave no verdict on {}:\n{text}", new.display());
    };
    let lints = text.lines().filter_map(|l| l.strip_prefix("--- failure ")).filter_map(|l| l.split(':').next()).map(str::to_owned).collect();
    (bump, lints)
}
