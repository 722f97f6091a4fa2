//! `switchboard`: runs the server and its maintenance commands.

use clap::Parser;
use server::cli::Cli;
use std::process::ExitCode;

// mimalloc: the import and the server allocate from several threads at once, where glibc's
// allocator spends a third of an import's time (measured with perf; README "Benchmarks").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    server::telemetry::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(server::cli::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line, with the chain of causes, and no backtrace.
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
