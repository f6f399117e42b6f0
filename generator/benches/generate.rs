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
