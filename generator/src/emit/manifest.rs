//! The generated crate's Cargo.toml: one feature per resource, the CLI behind `cli`.
//!
//! Written with `toml_edit`, never by pasting spec text into a template: a title or path holding
//! a quote and a newline could otherwise add keys (such as `build = "…"`) that Cargo would run.

use crate::model::Model;
use toml_edit::{value, Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};

/// The crate version: the spec's, plus the Directus version as build metadata (`+directus.12.4.1`)
/// when the spec's version carries no build metadata of its own. Cargo ignores build metadata when
/// resolving, so it informs without constraining.
pub fn crate_version(version: &str, api_version: &str) -> String {
    if version.contains('+') {
        version.to_owned()
    } else {
        format!("{version}+directus.{api_version}")
    }
}

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
    package["version"] = value(crate_version(&api.crate_version, &api.api_version));
    package["description"] =
        value(format!("Typed client and CLI for the {}, generated from the spec for Directus {}.", api.title, api.api_version));
    package["edition"] = value("2021");
    package["license"] = value("MIT OR Apache-2.0");
    package["rust-version"] = value("1.82");

    let mut features = Table::new();
    features["default"] = value(strings(["all"]));
    features["all"] = value(strings(model.resources.iter().map(|r| r.name.as_str())));
    features["cli"] = value(strings(["all", "dep:clap", "directus-runtime/cli"]));
    features["tracing"] = value(strings(["directus-runtime/tracing"]));
    features["native-roots"] = value(strings(["directus-runtime/native-roots"]));
    for r in &model.resources {
        features[r.name.as_str()] = value(Array::new());
    }
    comment(&mut features, "all", "Every resource. Turn default features off and pick resources to build less.");
    comment(&mut features, "cli", &format!("The `{}` command-line tool.", api.binary));
    comment(&mut features, "tracing", "A `tracing` span per call: operation, method, route template, status, attempts, duration.");
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
    deps["directus-runtime"] = inline(&[("path", api.runtime_path.as_str().into())]);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_metadata_is_added_once() {
        assert_eq!(crate_version("0.1.0", "12.4.1"), "0.1.0+directus.12.4.1");
        assert_eq!(crate_version("0.1.0+mine", "12.4.1"), "0.1.0+mine");
    }
}
