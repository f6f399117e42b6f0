//! `generator models` without a server: golden output for the fixture snapshot (JSON and the
//! same as YAML), determinism, `--check` and `--diff` on a changed schema, hostile names, and
//! scale. Set UPDATE_GOLDEN=1 to rewrite the golden files. The live half is live_models.rs.

use directus_e2e::repo_root;
use directus_generator::emit::OutputFile;
use directus_generator::models::{self, emit, snapshot};
use directus_generator::output;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn update_golden() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1")
}

fn fixture() -> PathBuf {
    repo_root().join("tests/fixtures/models/snapshot.json")
}

fn golden() -> PathBuf {
    repo_root().join("tests/golden/models/fixture-models")
}

/// The arguments that made the golden crate (the paths are from the crate to this checkout).
const GOLDEN_ARGS: &[&str] = &["--crate", "fixture-models", "--runtime-path", "../../../../runtime", "--client-path", "../../../../generated/directus-client"];

fn layout() -> emit::Layout {
    emit::Layout::Crate {
        name: "fixture-models".into(),
        runtime_path: Some("../../../../runtime".into()),
        client_path: Some("../../../../generated/directus-client".into()),
    }
}

fn files_of(value: &Value, label: &str) -> Vec<OutputFile> {
    let snap = snapshot::from_value(value.clone(), label).unwrap();
    let built = models::build(&snap, &[]).unwrap_or_else(|p| panic!("{label} does not build: {p:?}"));
    emit::emit(&built, &layout(), &emit::Source { label: "snapshot.json", directus: snap.directus.as_deref() }).unwrap()
}

fn fixture_value() -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture()).unwrap()).unwrap()
}

fn generator() -> Command {
    Command::new(env!("CARGO_BIN_EXE_generator-under-test"))
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("run the generator");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn fixture_snapshot_matches_its_golden_crate() {
    let files = files_of(&fixture_value(), "snapshot.json");
    if update_golden() {
        output::write(&golden(), &files).unwrap();
        return;
    }
    let stale = output::check(&golden(), &files);
    assert!(stale.is_empty(), "tests/golden/models is stale: {stale:?}; run with UPDATE_GOLDEN=1 and review the diff");
}

#[test]
fn the_same_snapshot_as_yaml_or_wrapped_in_data_gives_the_same_bytes_twice() {
    let value = fixture_value();
    let a = files_of(&value, "json");
    let b = files_of(&value, "again");
    assert!(a.iter().zip(&b).all(|(x, y)| x.path == y.path && x.contents == y.contents), "two runs differ");
    let yaml = serde_norway::to_string(&value).unwrap();
    let from_yaml = snapshot::parse(&yaml, "snapshot.yaml").unwrap();
    let from_json = snapshot::parse(&serde_json::to_string(&value).unwrap(), "snapshot.json").unwrap();
    let (y, j) = (models::build(&from_yaml, &[]).unwrap(), models::build(&from_json, &[]).unwrap());
    let source = emit::Source { label: "snapshot.json", directus: Some("12.4.1") };
    let (y, j) = (emit::emit(&y, &layout(), &source).unwrap(), emit::emit(&j, &layout(), &source).unwrap());
    assert!(y.iter().zip(&j).all(|(x, y)| x.contents == y.contents), "YAML and JSON give different models");
    let wrapped = serde_json::json!({ "data": value });
    assert_eq!(files_of(&wrapped, "wrapped").len(), a.len());
}

#[test]
fn every_field_type_and_relation_kind_of_the_fixture_is_typed() {
    let lib = std::fs::read_to_string(golden().join("src/articles.rs")).unwrap();
    for expected in [
        "pub title: Option<String>",
        "pub body: Option<Option<String>>",
        "pub status: Option<ArticlesStatus>",
        "pub layout: Option<Option<ArticlesLayout>>",
        "pub rating: Option<Option<i64>>",
        "pub views: Option<Option<rt::BigInt>>",
        "pub score: Option<Option<f64>>",
        "pub price: Option<Option<rt::Decimal>>",
        "pub featured: Option<bool>",
        "pub metadata: Option<Option<serde_json::Value>>",
        "pub tags: Option<Option<Vec<String>>>",
        "pub links: Option<Option<Vec<ArticlesLinksItem>>>",
        "pub author: Option<Option<rt::Related<i64, super::Authors>>>",
        "pub reviewer: Option<Option<rt::Related<String, directus_client::types::User>>>",
        "pub cover: Option<Option<rt::Related<String, directus_client::types::File>>>",
        "pub categories: Option<Vec<rt::Related<i64, super::ArticlesCategories>>>",
        "pub blocks: Option<Vec<rt::Related<i64, super::ArticlesBlocks>>>",
        "/// `in-review`\n    InReview,",
        "Unknown(String)",
        "rt::value_enum!(",
        "type Key = String;",
    ] {
        assert!(lib.contains(expected), "articles.rs lacks `{expected}`");
    }
    assert!(!lib.contains("divider"), "a presentation alias became a field");
    let read = |f: &str| std::fs::read_to_string(golden().join("src").join(f)).unwrap();
    assert!(read("authors.rs").contains("pub articles: Option<Vec<rt::Related<String, super::Articles>>>"), "o2m");
    assert!(read("articles_blocks.rs").contains("pub item: Option<Option<rt::Related<String, serde_json::Value>>>"), "m2a item");
    assert!(read("articles_blocks.rs").contains("Quotes(Box<super::Quotes>)"), "m2a item, typed by its collection");
    assert!(read("places.rs").contains("pub location: Option<Option<rt::Geometry>>"), "geometry");
    assert!(read("site_settings.rs").contains("impl rt::Singleton for SiteSettings"), "singleton");
    assert!(read("categories.rs").contains("type Key = String;"), "string key");
    assert!(read("categories.rs").contains("pub slug: Option<String>"), "a key with choices is still the key's type");
    assert!(read("counters.rs").contains("type Key = rt::BigInt;"), "bigInteger key");
    assert!(read("quotes.rs").contains("pub counter: Option<Option<rt::Related<rt::BigInt, super::Counters>>>"), "m2o to a bigInteger key");
    assert!(read("directus_users.rs").contains("pub struct DirectusUsersCustom"), "custom fields of a system collection");
    assert!(read("my_collection.rs").contains("rename = \"my-field\""), "serde rename");
}

/// The snapshot with one field added, one removed and one retyped.
fn changed(value: &Value, change: &str) -> Value {
    let mut v = value.clone();
    let fields = v["fields"].as_array_mut().unwrap();
    match change {
        "added" => fields.push(serde_json::json!({"collection": "authors", "field": "website", "type": "string", "meta": {"sort": 99}, "schema": {"is_nullable": true}})),
        "removed" => fields.retain(|f| !(f["collection"] == "authors" && f["field"] == "bio")),
        "retyped" => {
            for f in fields.iter_mut().filter(|f| f["collection"] == "quotes" && f["field"] == "source") {
                f["type"] = "integer".into();
            }
        }
        _ => unreachable!(),
    }
    v
}

#[test]
fn check_fails_on_a_changed_schema_and_diff_gives_the_verdicts() {
    let dir = directus_e2e::temp_dir("models-check");
    let out = dir.join("fixture-models");
    directus_e2e::copy_dir(&golden(), &out);
    let check = |snap: &Path| {
        run(generator().args(["models", "--snapshot"]).arg(snap).arg("--out").arg(&out).args(GOLDEN_ARGS).arg("--check"))
    };
    let (code, stdout, stderr) = check(&fixture());
    assert_eq!(code, 0, "the golden crate is fresh: {stdout}{stderr}");
    let value = fixture_value();
    let old = dir.join("old.json");
    std::fs::write(&old, serde_json::to_string(&value).unwrap()).unwrap();
    for (change, class, breaking) in [("added", "field `authors.website` added", false), ("removed", "field `authors.bio` removed", true), ("retyped", "field `quotes.source` is now `Option<Option<i64>>`", true)] {
        let new = dir.join(format!("{change}.json"));
        std::fs::write(&new, serde_json::to_string(&changed(&value, change)).unwrap()).unwrap();
        let (code, _, stderr) = check(&new);
        assert_eq!(code, 1, "--check passes on a field {change}: {stderr}");
        assert!(stderr.contains("stale:") && stderr.contains("is not what the snapshot gives"), "{stderr}");
        let (code, stdout, stderr) = run(generator().args(["models", "--diff"]).arg(&old).arg(&new));
        assert_eq!(code, if breaking { 1 } else { 0 }, "field {change}: {stdout}{stderr}");
        let line = stdout.lines().find(|l| l.contains(class)).unwrap_or_else(|| panic!("no `{class}` in:\n{stdout}"));
        assert!(line.ends_with(if breaking { "| **breaking** |" } else { "| compatible |" }), "{line}");
        let (_, json, _) = run(generator().args(["models", "--format", "json", "--diff"]).arg(&old).arg(&new));
        let report: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(report["breaking"], breaking, "{json}");
        // `generator diff` given two snapshot files says the same.
        let (same_code, same_out, _) = run(generator().arg("diff").arg(&old).arg(&new));
        assert_eq!((same_code, same_out), (code, stdout.clone()));
    }
    // Writing the new models makes --check pass again, and removes nothing it did not write.
    let new = dir.join("added.json");
    let (code, stdout, _) = run(generator().args(["models", "--snapshot"]).arg(&new).arg("--out").arg(&out).args(GOLDEN_ARGS));
    assert_eq!(code, 0);
    assert!(stdout.contains("wrote") && stdout.contains("authors.rs"), "{stdout}");
    assert_eq!(check(&new).0, 0);
}

#[test]
fn hostile_names_are_refused_with_where_what_and_how() {
    let out = directus_e2e::temp_dir("models-hostile");
    // From the checkout, so the report names the snapshot as a user would type it.
    let (code, stdout, stderr) = run(generator().current_dir(repo_root()).args(["models", "--snapshot", "tests/fixtures/models/hostile.json", "--out"]).arg(&out));
    assert_eq!(code, 2, "{stdout}{stderr}");
    let golden = repo_root().join("tests/golden/models/hostile.txt");
    if update_golden() {
        std::fs::write(&golden, &stderr).unwrap();
    } else {
        assert_eq!(stderr, std::fs::read_to_string(&golden).unwrap(), "the hostile report changed; UPDATE_GOLDEN=1 rewrites it");
    }
    assert!(std::fs::read_dir(&out).map(|d| d.count() == 0).unwrap_or(true), "files were written despite the problems");
    for expected in [
        "collection `2fa_codes` becomes `2faCodes`",
        "collection `my_posts` and collection `my-posts` both become `MyPosts`",
        "field `notes.title` and field `notes.Title` both become `title`",
        "field `notes.self` becomes `self`",
        "collection `collection` becomes `Collection`, which the generated code uses itself",
        "collection `lib` becomes `lib`, which the generated code uses itself (the crate's modules)",
        "choice `in_review` of field `notes.mood` and choice `in-review` of field `notes.mood` both become `InReview`",
        "choice `Unknown` of field `notes.mood` becomes `Unknown`, which the generated code uses itself",
        "notes.weird: has the Directus type `vector`",
        "relates to collection `people`, which the snapshot does not have",
        "fix:",
    ] {
        assert!(stderr.contains(expected), "no `{expected}` in:\n{stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// The scale case generates whole. How fast is bench/run.py's `models` section (BENCHMARKS.md),
/// not a timed assertion here: a shared machine's timing fails tests for nothing.
#[test]
fn five_hundred_collections_of_ten_thousand_fields_generate() {
    let value = directus_e2e::synth_snapshot::synthetic_snapshot(500, 20);
    let fields = value["fields"].as_array().unwrap().len();
    assert!((9_900..=10_100).contains(&fields), "{fields} fields");
    let dir = directus_e2e::temp_dir("models-scale");
    let snap = dir.join("snapshot.json");
    std::fs::write(&snap, serde_json::to_string(&value).unwrap()).unwrap();
    let out = dir.join("out");
    let (code, _, stderr) = run(generator().args(["models", "--snapshot"]).arg(&snap).arg("--out").arg(&out));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(std::fs::read_dir(out.join("src")).unwrap().count(), 501, "500 modules and lib.rs");
}

/// What PostgreSQL's Directus sends for the types SQLite cannot hold exactly or at all (numeric
/// and bigint as strings, a GeoJSON point), read by the committed models crate: no digit lost.
#[test]
fn decimals_big_integers_and_geometry_decode_exactly_from_a_postgres_reply() {
    use fixture_models::{Articles, ArticlesStatus, Places};
    let reply = serde_json::json!({
        "id": "7d1a4c3e-0000-4000-8000-000000000001",
        "title": "t",
        "status": "archived",
        "price": "12345678901234567890.12",
        "views": "9223372036854775807",
        "rating": null,
        "author": { "id": 3, "name": "Ada" },
        "categories": [1, 2]
    });
    let a: Articles = serde_json::from_value(reply).unwrap();
    assert_eq!(a.price.clone().flatten().unwrap().as_str(), "12345678901234567890.12");
    assert_eq!(a.views.flatten().unwrap().0, i64::MAX);
    assert_eq!(a.status, Some(ArticlesStatus::Unknown("archived".into())));
    assert_eq!(a.rating, Some(None), "null is not absent");
    assert_eq!(a.body, None, "absent");
    assert_eq!(a.author.clone().flatten().unwrap().record().unwrap().name.as_deref(), Some("Ada"));
    assert_eq!(a.categories.clone().unwrap().iter().filter_map(|c| c.key().copied()).collect::<Vec<_>>(), [1, 2]);
    // Written back, the decimal is the same text and nothing absent is sent.
    let back = serde_json::to_value(&a).unwrap();
    assert_eq!(back["price"], "12345678901234567890.12");
    assert!(back.get("body").is_none() && back["rating"].is_null());
    let p: Places = serde_json::from_value(serde_json::json!({"id": 1, "location": {"type": "Point", "coordinates": [2.35, 48.85]}})).unwrap();
    assert_eq!(p.location.flatten().unwrap().0["coordinates"][1], 48.85);
}

/// The README's "Typed items" Rust block is tests/tests/support/typed_items.rs, which
/// live_models.rs compiles against the fixture's models and runs against a real server.
#[test]
fn the_readme_typed_items_example_is_the_one_the_live_test_runs() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let section = readme.split("\n## Typed items\n").nth(1).expect("README has a `## Typed items` section");
    let section = section.split("\n## ").next().unwrap();
    let code = section.split("```rust\n").nth(1).and_then(|b| b.split("```").next()).expect("a ```rust block");
    let file = std::fs::read_to_string(repo_root().join("tests/tests/support/typed_items.rs")).unwrap();
    assert_eq!(code, file, "the README's Typed items example and tests/tests/support/typed_items.rs differ; keep them the same");
}

/// `--module` writes the same models as a module for a crate of the user's: `mod.rs` and one file
/// per collection, no Cargo.toml.
#[test]
fn module_layout_writes_mod_rs_beside_the_collections() {
    let out = directus_e2e::temp_dir("models-module");
    let (code, stdout, stderr) = run(generator().args(["models", "--module", "--snapshot"]).arg(fixture()).arg("--out").arg(&out));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let mut names: Vec<String> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert!(names.contains(&"mod.rs".to_owned()) && names.contains(&"articles.rs".to_owned()) && !names.contains(&"Cargo.toml".to_owned()), "{names:?}");
    // The modules are the crate's, byte for byte but for where they sit.
    let module = std::fs::read_to_string(out.join("articles.rs")).unwrap();
    assert_eq!(module, std::fs::read_to_string(golden().join("src/articles.rs")).unwrap());
    assert!(std::fs::read_to_string(out.join("mod.rs")).unwrap().contains("pub trait Collections"));
    let (code, _, stderr) = run(generator().args(["models", "--module", "--crate", "x", "--snapshot"]).arg(fixture()).arg("--out").arg(&out));
    assert_eq!(code, 2, "--crate and --module together: {stderr}");
}

/// The fixture mangled at random, `count` times from `seed`: keys dropped, values replaced by
/// other JSON, field types, keys, choices and relation targets changed, notes with control and
/// bidi characters.
fn mangled(seed: u64, count: usize) -> Vec<Value> {
    let base = fixture_value();
    let mut seed = seed;
    let mut next = move |n: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n.max(1)
    };
    let junk = [
        Value::Null,
        serde_json::json!(7),
        serde_json::json!("x"),
        serde_json::json!("a\u{202E}b\u{7}c"),
        serde_json::json!([]),
        serde_json::json!({}),
        serde_json::json!("geometry.Polygon"),
        serde_json::json!("alias"),
        serde_json::json!("self"),
        serde_json::json!("9lives"),
    ];
    let types = [
        "string", "text", "uuid", "hash", "integer", "bigInteger", "float", "decimal", "boolean", "date", "time", "dateTime",
        "timestamp", "json", "csv", "geometry", "geometry.MultiPolygon", "alias", "unknown",
    ];
    let targets = ["authors", "articles", "categories", "counters", "directus_users", "directus_files", "directus_activity", "nowhere"];
    let choices = ["a", "b-c", "B_C", "Unknown", "", "1st", "self", "r#x", "ünï"];
    let mut out = Vec::new();
    for _ in 0..count {
        let mut v = base.clone();
        for _ in 0..1 + next(4) {
            let list = ["collections", "fields", "relations"][next(3)];
            let Some(items) = v[list].as_array_mut() else { continue };
            if items.is_empty() {
                continue;
            }
            let i = next(items.len());
            let item = &mut items[i];
            let keys: Vec<String> = item.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
            if keys.is_empty() {
                continue;
            }
            let key = keys[next(keys.len())].clone();
            match next(7) {
                0 => {
                    item.as_object_mut().unwrap().remove(&key);
                }
                1 => item[&key] = junk[next(junk.len())].clone(),
                2 if list == "fields" => item["type"] = types[next(types.len())].into(),
                3 if list == "fields" && item["schema"].is_object() => item["schema"]["is_primary_key"] = (next(2) == 0).into(),
                4 if list == "fields" && item["meta"].is_object() => {
                    let picked: Vec<Value> = (0..1 + next(3)).map(|_| serde_json::json!({"text": "t", "value": choices[next(choices.len())]})).collect();
                    item["meta"]["interface"] = ["select-dropdown", "select-radio", "list"][next(3)].into();
                    item["meta"]["options"] = serde_json::json!({ "choices": picked, "fields": [{"field": choices[next(choices.len())], "type": types[next(types.len())]}] });
                }
                5 if list == "relations" => item["related_collection"] = targets[next(targets.len())].into(),
                _ => {
                    if let Some(meta) = item.get_mut("meta").and_then(Value::as_object_mut) {
                        meta.insert("note".into(), serde_json::json!("note \u{202E}evil\u{2066} ``` rust\n    fn x() {}\n```"));
                    }
                }
            }
        }
        out.push(v);
    }
    out
}

/// A mangled snapshot's models (files, and the client features they need), or `None` when it is
/// refused; a panic fails the test.
fn models_of(v: &Value, layout: &emit::Layout) -> Option<(Vec<OutputFile>, Vec<&'static str>)> {
    let result = std::panic::catch_unwind(|| {
        let snap = snapshot::from_value(v.clone(), "mangled").ok()?;
        match models::build(&snap, &[]) {
            Ok(m) => {
                let files = emit::emit(&m, layout, &emit::Source { label: "mangled", directus: None });
                Some((files.unwrap_or_else(|e| panic!("an emitter failed on a snapshot that built: {e}")), m.client_features()))
            }
            Err(p) => {
                assert!(!p.is_empty());
                None
            }
        }
    });
    result.unwrap_or_else(|_| panic!("generator models panicked on:\n{v}"))
}

/// Mangled snapshots give problems or models that parse, never a panic, and no control or
/// bidi character reaches the Rust written.
#[test]
fn mangled_snapshots_give_problems_or_models_never_a_panic() {
    let (mut ok, mut refused) = (0, 0);
    for v in mangled(0x005e_ed12, 300) {
        match models_of(&v, &layout()) {
            Some((files, _)) => {
                ok += 1;
                for f in &files {
                    let bad = f.contents.chars().any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') || (c.is_control() && c != '\n'));
                    assert!(!bad, "{} holds a control or bidi character", f.path.display());
                }
            }
            None => refused += 1,
        }
    }
    eprintln!("{ok} mangled snapshots gave models, {refused} were refused");
    assert!(ok > 30 && refused > 30, "the mutations should exercise both ends: {ok} ok, {refused} refused");
}

/// The models of mangled snapshots that were not refused build clippy-clean: 24 of them as
/// modules of one crate, checked with `cargo clippy -D warnings` (in target/scratch, as the README
/// test builds its crate).
#[test]
fn mangled_snapshots_that_give_models_build_clippy_clean() {
    let krate = repo_root().join("target/models-mangled");
    let _ = std::fs::remove_dir_all(krate.join("src"));
    let mut lib = String::from("//! Models of mangled snapshots, one module each.\n");
    let mut n = 0;
    let mut features = std::collections::BTreeSet::new();
    for v in mangled(0x00c0_ffee, 400) {
        let Some((files, needs)) = models_of(&v, &emit::Layout::Module) else { continue };
        features.extend(needs);
        let dir = krate.join(format!("src/m{n}"));
        for f in &files {
            let path = dir.join(&f.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, &f.contents).unwrap();
        }
        lib += &format!("pub mod m{n};\n");
        n += 1;
        if n == 24 {
            break;
        }
    }
    assert_eq!(n, 24, "too few mangled snapshots gave models");
    std::fs::write(krate.join("src/lib.rs"), lib).unwrap();
    let root = repo_root();
    let manifest = format!(
        "[package]\nname = \"models-mangled\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n[dependencies]\n\
         directus-client = {{ path = {:?}, default-features = false, features = {:?} }}\n\
         directus-runtime = {{ path = {:?} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n",
        root.join("generated/directus-client").to_string_lossy(),
        features.into_iter().collect::<Vec<_>>(),
        root.join("runtime").to_string_lossy()
    );
    std::fs::write(krate.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(root.join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["clippy", "--quiet", "--offline", "--", "-D", "warnings"])
        .current_dir(&krate)
        .env("CARGO_TARGET_DIR", root.join("target/scratch"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo clippy");
    assert!(out.status.success(), "models of mangled snapshots do not build clippy-clean (in {}):\n{}", krate.display(), String::from_utf8_lossy(&out.stderr));
}

/// `--exclude` is the way out the problems name: without the collections they point at, the
/// hostile snapshot gives models.
#[test]
fn excluding_the_collections_a_problem_names_lets_the_rest_through() {
    let out = directus_e2e::temp_dir("models-exclude");
    let mut cmd = generator();
    cmd.current_dir(repo_root()).args(["models", "--snapshot", "tests/fixtures/models/hostile.json", "--out"]).arg(&out);
    for c in ["2fa_codes", "my_posts", "collection", "notes", "lib", "🚀"] {
        cmd.args(["--exclude", c]);
    }
    let (code, stdout, stderr) = run(&mut cmd);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(std::fs::read_to_string(out.join("src/lib.rs")).unwrap().contains("pub use my_posts::{MyPosts, MyPostsField};"));
    // A relation to an excluded collection is named as such.
    let (code, _, stderr) = run(generator().args(["models", "--exclude", "authors", "--snapshot"]).arg(fixture()).arg("--out").arg(out.join("x")));
    assert_eq!(code, 2);
    assert!(stderr.contains("articles.author: relates to collection `authors`, which --exclude leaves out"), "{stderr}");
}

/// The field `collection.field` of a snapshot, to edit.
fn field_mut<'a>(v: &'a mut Value, collection: &str, field: &str) -> &'a mut Value {
    v["fields"].as_array_mut().unwrap().iter_mut().find(|x| x["collection"] == collection && x["field"] == field).unwrap()
}

/// Every class of model change `diff` knows, with its verdict.
#[test]
fn model_diff_verdicts_for_every_class_of_change() {
    use directus_generator::diff::Impact;
    let old = fixture_value();
    let models_of = |v: &Value| models::build(&snapshot::from_value(v.clone(), "x").unwrap(), &[]).unwrap();
    let verdict = |edit: &dyn Fn(&mut Value)| {
        let mut new = old.clone();
        edit(&mut new);
        let changes = models::diff::compare(&models_of(&old), &models_of(&new));
        changes.iter().map(|c| (c.class, c.rust)).collect::<Vec<_>>()
    };
    let choices = |v: &mut Value| -> Vec<Value> { field_mut(v, "articles", "status")["meta"]["options"]["choices"].as_array().unwrap().clone() };
    let set_choices = |v: &mut Value, list: Vec<Value>| field_mut(v, "articles", "status")["meta"]["options"]["choices"] = Value::Array(list);
    assert_eq!(
        verdict(&|v| {
            let mut list = choices(v);
            list.push(serde_json::json!({"text": "Gone", "value": "gone"}));
            set_choices(v, list);
        }),
        [("choice-added", Impact::Compatible)]
    );
    assert_eq!(
        verdict(&|v| {
            let mut list = choices(v);
            list.pop();
            set_choices(v, list);
        }),
        [("choice-removed", Impact::Breaking)]
    );
    assert_eq!(
        verdict(&|v| {
            v["collections"].as_array_mut().unwrap().retain(|c| c["collection"] != "places");
            v["fields"].as_array_mut().unwrap().retain(|c| c["collection"] != "places");
        }),
        [("collection-removed", Impact::Breaking)]
    );
    assert_eq!(
        verdict(&|v| {
            v["collections"].as_array_mut().unwrap().push(serde_json::json!({"collection": "extra", "meta": {}, "schema": {"name": "extra"}}));
            v["fields"].as_array_mut().unwrap().push(serde_json::json!({"collection": "extra", "field": "id", "type": "integer", "schema": {"is_primary_key": true}}));
        }),
        [("collection-added", Impact::Compatible)]
    );
    assert_eq!(verdict(&|v| field_mut(v, "quotes", "text")["meta"]["note"] = "changed".into()), [("field-doc-changed", Impact::None)]);
    assert_eq!(verdict(&|v| field_mut(v, "quotes", "text")["schema"]["is_nullable"] = false.into()), [("field-retyped", Impact::Breaking)]);
    assert_eq!(
        verdict(&|v| {
            for c in v["collections"].as_array_mut().unwrap().iter_mut().filter(|c| c["collection"] == "quotes") {
                c["meta"]["singleton"] = true.into();
            }
        }),
        [("singleton-changed", Impact::Breaking)]
    );
}
