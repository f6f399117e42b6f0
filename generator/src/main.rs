//! `generator`: the command line of the Directus client generator.

use clap::{Parser, Subcommand};
use directus_generator::{emit, generate, load_model, output, GenerateError};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "generator", version, about = "Generates the Directus Rust client, CLI and docs from the YAML spec")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the client crate, CLI, docs and spec schema into the output folder
    Generate {
        /// The spec folder (api.yaml and resources/)
        #[arg(long, default_value = "spec")]
        spec: PathBuf,
        /// Where the output goes
        #[arg(long, default_value = "generated")]
        out: PathBuf,
        /// Write nothing; fail if the output folder is not what the spec gives
        #[arg(long)]
        check: bool,
    },
    /// Check the spec and report every problem, with file, line and column
    Validate {
        #[arg(long, default_value = "spec")]
        spec: PathBuf,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Validate { spec } => match load_model(&spec) {
            Ok(model) => {
                let ops: usize = model.resources.iter().map(|r| r.operations.len()).sum();
                println!("{}: ok ({} resources, {ops} operations)", spec.display(), model.resources.len());
                ExitCode::SUCCESS
            }
            Err(diags) => {
                for d in &diags {
                    eprintln!("{d}");
                }
                eprintln!("{} problem(s) in {}", diags.len(), spec.display());
                ExitCode::FAILURE
            }
        },
        Command::Generate { spec, out, check } => {
            let files = match generate(&spec) {
                Ok(f) => f,
                Err(e @ GenerateError::Spec(_)) => {
                    eprintln!("{e}");
                    eprintln!("nothing was written; fix the spec, or run `generator validate --spec {}`", spec.display());
                    return ExitCode::FAILURE;
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let fix = format!("{} --spec {} --out {}", emit::REGENERATE, spec.display(), out.display());
            if check {
                let stale = output::check(&out, &files);
                if stale.is_empty() {
                    println!("{} is up to date ({} files)", out.display(), files.len());
                    return ExitCode::SUCCESS;
                }
                for p in &stale.differ {
                    eprintln!("stale: {}", out.join(p).display());
                }
                for p in &stale.missing {
                    eprintln!("missing: {}", out.join(p).display());
                }
                for p in &stale.extra {
                    eprintln!("no longer generated: {}", out.join(p).display());
                }
                eprintln!("{} is not what the spec gives; run `{fix}` and commit the result", out.display());
                return ExitCode::FAILURE;
            }
            match output::write(&out, &files) {
                Ok(r) => {
                    for p in &r.written {
                        println!("wrote {}", out.join(p).display());
                    }
                    for p in &r.removed {
                        println!("removed {}", out.join(p).display());
                    }
                    println!("{} written, {} removed, {} unchanged", r.written.len(), r.removed.len(), r.unchanged);
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: writing into {}: {e}", out.display());
                    ExitCode::FAILURE
                }
            }
        }
    }
}
