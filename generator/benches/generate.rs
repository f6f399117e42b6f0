//! In-process generation time of the real spec (client, CLI, docs, schema), without file writes.
//! `cargo bench -p directus-generator`; bench/run.py runs it with the other figures.

use std::path::Path;

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 20)]
fn full_spec() -> usize {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    directus_generator::generate(&spec).expect("the spec generates").len()
}

/// The spec read, validated and built into the model: the part `generator validate` also does.
#[divan::bench(sample_count = 20)]
fn load_only() -> usize {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    directus_generator::load_model(&spec).expect("the spec loads").resources.len()
}

/// Emitting alone, from a model built once.
#[divan::bench(sample_count = 20)]
fn emit_only(b: divan::Bencher) {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let model = directus_generator::load_model(&spec).expect("the spec loads");
    b.bench(|| directus_generator::emit::emit(&model).expect("emits").len());
}
