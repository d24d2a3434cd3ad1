//! `digecon`: the command-line tool. Thin: argument parsing and file I/O only;
//! every computation lives in a library crate.

mod cmd;
mod output;

use clap::Parser;

#[derive(Parser)]
#[command(name = "digecon", version, about = "数字经济发展监测平台 / digital-economy programme platform", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: cmd::Command,
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DIGECON_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cmd::run(cli.command) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // `{:#}` prints the whole context chain on one line: file:line: message.
            eprintln!("错误 / error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
