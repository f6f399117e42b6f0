//! Emitters: model → files. Each returns its files; none writes to disk.

mod cli;
mod client;
mod docs;
mod manifest;
mod rust;

use crate::model::Model;
use std::path::PathBuf;

/// One output file, its path relative to the output folder.
pub struct OutputFile {
    pub path: PathBuf,
    pub contents: String,
}

/// The command that regenerates, named in every generated file.
pub const REGENERATE: &str = "cargo run -p directus-generator -- generate";

pub fn emit(model: &Model) -> Result<Vec<OutputFile>, String> {
    let crate_dir = PathBuf::from(&model.api.crate_name);
    let mut files = vec![OutputFile { path: crate_dir.join("Cargo.toml"), contents: manifest::cargo_toml(model) }];
    for (name, contents) in client::files(model)? {
        files.push(OutputFile { path: crate_dir.join("src").join(name), contents });
    }
    files.push(OutputFile { path: crate_dir.join("src/bin").join(format!("{}.rs", model.api.binary)), contents: cli::file(model)? });
    for (name, contents) in docs::files(model)? {
        files.push(OutputFile { path: PathBuf::from("docs").join(name), contents });
    }
    for (name, schema) in crate::spec::json_schemas() {
        let text = serde_json::to_string_pretty(&schema).map_err(|e| e.to_string())?;
        files.push(OutputFile { path: PathBuf::from("schema").join(name), contents: text + "\n" });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
