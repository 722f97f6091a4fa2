//! The command line: `switchboard [serve]`, `switchboard migrate`.

use crate::config::Config;
use crate::db;
use crate::startup::{Application, shutdown_signal};
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;

#[derive(Debug, Parser)]
#[command(
    name = "switchboard",
    version,
    about = "Switchboard: ad operations across Google Ads, Meta Ads and Pinterest Ads",
    long_about = "Switchboard runs agents through workflows across Google Ads, Meta Ads and Pinterest Ads.\n\
                  Without a subcommand it serves the web app (same as `switchboard serve`).\n\n\
                  Logs go to stderr; set RUST_LOG (for example RUST_LOG=debug) to see more."
)]
pub struct Cli {
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// Database to use. SQLite URLs only for now; the file and its folder are created if missing.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = crate::config::DEFAULT_DATABASE_URL,
        global = true
    )]
    pub database_url: String,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app and the API (the default). Migrations run first.
    Serve(ServeArgs),
    /// Apply pending database migrations, then exit.
    Migrate,
}

#[derive(Debug, Args, Default)]
pub struct ServeArgs {
    /// Address to listen on [env: SWITCHBOARD_ADDR] [default: 127.0.0.1:3000]
    #[arg(long)]
    pub addr: Option<SocketAddr>,
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => {
            let config = Config::load(&cli.database.database_url, args.addr)?;
            let app = Application::build(config).await?;
            tracing::info!(address = %app.address(), "Switchboard is listening on http://{}", app.address());
            app.run_until(shutdown_signal()).await
        }
        Command::Migrate => {
            let options = db::connect_options(&cli.database.database_url)?;
            let pool = db::connect(options).await?;
            let applied = db::migrate(&pool).await?;
            println!("database is up to date ({applied} migration(s) applied now)");
            pool.close().await;
            Ok(())
        }
    }
}
