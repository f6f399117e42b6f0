//! The Directus client generator: spec (YAML) → validate → model → emitters (Rust client,
//! clap CLI, Markdown docs, JSON Schema of the spec format).

mod cores;
pub mod diagnostics;
pub mod diff;
pub mod drift;
pub mod emit;
pub mod models;
pub mod model;
pub mod output;
pub mod spec;
pub mod validate;

use diagnostics::Diagnostic;
use std::path::Path;

/// Reads and validates a spec folder; every problem found is returned, sorted by file and line.
pub fn load_model(spec_dir: &Path) -> Result<model::Model, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let raw = spec::load::load(spec_dir, &mut diags);
    let model = validate::validate(spec_dir, &raw, &mut diags);
    diags.sort();
    diags.dedup();
    match model {
        Some(m) if diags.is_empty() => Ok(m),
        _ => Err(diags),
    }
}

/// [`load_model`] for the old side of `generator diff`: a spec that breaks only the name-table
/// rules (stricter than when it was written) still loads, those problems coming back as warnings
/// (see [`validate::validate_lenient`]).
pub fn load_model_lenient(spec_dir: &Path) -> Result<(model::Model, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let raw = spec::load::load(spec_dir, &mut diags);
    let model = validate::validate_lenient(spec_dir, &raw, &mut diags);
    diags.sort();
    diags.dedup();
    match model {
        Some((m, mut warnings)) if diags.is_empty() => {
            warnings.sort();
            warnings.dedup();
            Ok((m, warnings))
        }
        _ => Err(diags),
    }
}

/// Everything `generate` writes, in memory.
pub fn generate(spec_dir: &Path) -> Result<Vec<emit::OutputFile>, GenerateError> {
    let model = load_model(spec_dir).map_err(GenerateError::Spec)?;
    emit::emit(&model).map_err(GenerateError::Emit)
}

#[derive(Debug)]
pub enum GenerateError {
    Spec(Vec<Diagnostic>),
    Emit(String),
}

impl std::fmt::Display for GenerateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GenerateError::Spec(diags) => {
                for d in diags {
                    writeln!(f, "{d}")?;
                }
                write!(f, "{} problem(s) in the spec", diags.len())
            }
            GenerateError::Emit(e) => f.write_str(e),
        }
    }
}
