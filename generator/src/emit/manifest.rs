//! The generated crate's Cargo.toml: one feature per resource, the CLI behind `cli`.

use crate::model::Model;

pub fn cargo_toml(model: &Model) -> String {
    let api = &model.api;
    let resources: Vec<String> = model.resources.iter().map(|r| format!("\"{}\"", r.name)).collect();
    let features: String = model.resources.iter().map(|r| format!("{} = []\n", r.name)).collect();
    format!(
        r#"{header}[package]
name = "{name}"
version = "{version}+directus.{api_version}"
description = "Typed client and CLI for the {title}, generated from the spec for Directus {api_version}."
edition = "2021"
license = "MIT OR Apache-2.0"
rust-version = "1.82"

[features]
default = ["all"]
# Every resource. Turn default features off and pick resources to build less.
all = [{resources}]
# The `{bin}` command-line tool.
cli = ["all", "dep:clap", "directus-runtime/cli"]
{features}
[[bin]]
name = "{bin}"
required-features = ["cli"]

[dependencies]
directus-runtime = {{ path = "{runtime}" }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
clap = {{ version = "4", optional = true, default-features = false, features = ["std", "help", "usage", "error-context", "suggestions", "derive", "env"] }}
"#,
        header = super::provenance("#", "spec/", &model.spec_hash),
        name = api.crate_name,
        // Build metadata (`+directus.…`) names the Directus version the spec was checked against;
        // Cargo ignores it when resolving, so it informs without constraining.
        version = api.crate_version,
        title = api.title,
        api_version = api.api_version,
        resources = resources.join(", "),
        bin = api.binary,
        runtime = api.runtime_path,
    )
}
