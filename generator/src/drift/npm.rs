//! Fetching a Directus release's `@directus/api` package from the npm registry into a cache.

use std::path::{Path, PathBuf};

pub fn fetch(_version: &str, _cache: Option<&Path>) -> Result<PathBuf, String> {
    Err("--directus-version is not written yet".into())
}
