//! `overhead` built with the `tracing` feature (a file of its own: Cargo warns when two binaries
//! share one source file). `bench/run.py` builds it with `--features tracing --bin overhead-tracing`.

#[path = "overhead.rs"]
mod overhead;

fn main() {
    overhead::main();
}
