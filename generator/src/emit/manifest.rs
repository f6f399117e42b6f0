//! The generated crate's Cargo.toml: one feature per resource, the CLI behind `cli`.
//!
//! Written with `toml_edit`, never by pasting spec text into a template: a title or path holding
//! a quote and a newline could otherwise add keys (such as `build = "…"`) that Cargo would run.

use crate::model::Model;
use toml_edit::{value, Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};

/// The Rust version the generated crate needs: the highest `rust-version` of the locked
/// dependencies (tests/tests/crate.rs checks it against `cargo metadata`).
pub const RUST_VERSION: &str = "1.88";

fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
    Value::Array(items.into_iter().collect::<Array>())
}

fn comment(table: &mut Table, key: &str, text: &str) {
    if let Some(mut k) = table.key_mut(key) {
        k.leaf_decor_mut().set_prefix(format!("# {text}\n"));
    }
}

pub fn cargo_toml(model: &Model) -> String {
    let api = &model.api;
    let mut package = Table::new();
    package["name"] = value(&api.crate_name);
    // The spec's version as it is: build metadata (`+directus.12.4.1`) would not tell two
    // releases apart on crates.io, so the Directus version goes into the metadata table below.
    package["version"] = value(&api.crate_version);
    package["description"] =
        value(format!("Typed client and CLI for the {}, generated from the spec for Directus {}.", api.title, api.api_version));
    package["edition"] = value("2021");
    package["license"] = value("MIT OR Apache-2.0");
    package["rust-version"] = value(RUST_VERSION);
    let mut directus = Table::new();
    directus["api-version"] = value(&api.api_version);
    let mut metadata = Table::new();
    metadata.set_implicit(true);
    metadata["directus"] = Item::Table(directus);
    package["metadata"] = Item::Table(metadata);

    let mut features = Table::new();
    features["default"] = value(strings(["all", "idna-unicode-rs"]));
    features["all"] = value(strings(model.resources.iter().map(|r| r.name.as_str())));
    features["cli"] = value(strings(["all", "dep:clap", "directus-runtime/cli"]));
    features["tracing"] = value(strings(["directus-runtime/tracing"]));
    features["native-roots"] = value(strings(["directus-runtime/native-roots"]));
    features["idna-unicode-rs"] = value(strings(["directus-runtime/idna-unicode-rs"]));
    // A resource turns on the record types it replies with, and those they nest.
    let needed = model.type_resources();
    for r in &model.resources {
        let types: Vec<String> = needed.iter().filter(|(_, users)| users.contains(r.name.as_str())).map(|(file, _)| super::types::feature(file)).collect();
        features[r.name.as_str()] = value(strings(types.iter().map(String::as_str)));
    }
    for file in needed.keys() {
        let name = super::types::feature(file);
        features[name.as_str()] = value(Array::new());
        comment(&mut features, &name, &format!("The record types of `{file}` (the resources that reply with them turn this on)."));
    }
    comment(&mut features, "all", "Every resource. Turn default features off and pick resources to build less.");
    comment(&mut features, "cli", &format!("The `{}` command-line tool.", api.binary));
    comment(&mut features, "tracing", "A `tracing` span per call: operation, method, route template, status, attempts, duration.");
    comment(
        &mut features,
        "idna-unicode-rs",
        "Host names beyond ASCII through the unicode-rs IDNA backend (6 crates) instead of ICU4X (about 20).",
    );
    comment(&mut features, "native-roots", "Trust the operating system's root certificates too, beside the built-in (Mozilla) ones.");

    let mut bin = Table::new();
    bin["name"] = value(&api.binary);
    bin["required-features"] = value(strings(["cli"]));
    let mut bins = ArrayOfTables::new();
    bins.push(bin);

    let inline = |pairs: &[(&str, Value)]| {
        let mut t = InlineTable::new();
        for (k, v) in pairs {
            t.insert(*k, v.clone());
        }
        value(t)
    };
    let mut deps = Table::new();
    // A path for building here, and a version so that `cargo package` and `cargo publish` work.
    deps["directus-runtime"] = inline(&[("path", api.runtime_path.as_str().into()), ("version", directus_runtime::VERSION.into())]);
    deps["serde"] = inline(&[("version", "1".into()), ("features", strings(["derive"]))]);
    deps["serde_json"] = value("1");
    deps["clap"] = inline(&[
        ("version", "4".into()),
        ("optional", true.into()),
        ("default-features", false.into()),
        ("features", strings(["std", "help", "usage", "error-context", "suggestions", "derive", "env"])),
    ]);

    let mut doc = DocumentMut::new();
    doc["package"] = Item::Table(package);
    doc["features"] = Item::Table(features);
    doc["bin"] = Item::ArrayOfTables(bins);
    doc["dependencies"] = Item::Table(deps);
    super::provenance("#", "spec/", &model.spec_hash) + &doc.to_string()
}
