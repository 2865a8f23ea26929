//! `kenmerk`: hash images with Meta-compatible PDQ and match them against
//! indicator files.
//!
//! The binary is a thin layer over the `kenmerk` library: argument parsing,
//! walking the inputs, parallelism and output formatting live here; hashing
//! and decoding live in the library.

#![forbid(unsafe_code)]

mod batch;
mod centre_cmd;
mod db_cmd;
mod eval_cmd;
mod hash_cmd;
mod hash_list;
mod inputs;
mod match_cmd;
mod output;
mod query_cmd;
mod search_args;
mod video_args;
mod video_cmd;
mod video_import;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Detection of known material by perceptual hash (PDQ, bit-exact with Meta's).
#[derive(Parser, Debug)]
#[command(name = "kenmerk", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print the PDQ hash and quality of images (or, with --video, vPDQ of videos).
    Hash(hash_cmd::HashArgs),
    /// Hash images (or, with --video, videos) and match them against an indicator file.
    Match(match_cmd::MatchArgs),
    /// Match a list of hashes against an indicator file.
    Query(query_cmd::QueryArgs),
    /// Make, inspect and check indicator files.
    #[command(subcommand)]
    Db(db_cmd::DbCommand),
    /// Make an ed25519 key pair for signing issued indicator files.
    Keygen(centre_cmd::KeygenArgs),
    /// Measure error rates on a corpus: recall per transformation, false positives.
    Eval(eval_cmd::EvalArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Hash(args) => hash_cmd::run(args),
        Command::Match(args) => match_cmd::run(args),
        Command::Query(args) => query_cmd::run(args),
        Command::Db(command) => db_cmd::run(command),
        Command::Keygen(args) => match centre_cmd::keygen(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("kenmerk: {message}");
                ExitCode::from(1)
            }
        },
        Command::Eval(args) => eval_cmd::run(args),
    }
}
