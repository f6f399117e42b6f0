//! Draft spec operations for the routes a package has and the spec lacks.

use super::package::Package;
use super::Drift;
use crate::model::{Model, Version};
use std::path::Path;

pub fn write(_spec: &Path, _model: &Model, _version: Version, _pkg: &Package, _drift: &Drift, _oas: Option<&serde_json::Value>) -> Result<Vec<String>, String> {
    Err("--scaffold is not written yet".into())
}
