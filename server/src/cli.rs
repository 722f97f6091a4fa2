//! The command line: `switchboard [serve]`, `switchboard migrate`.

use crate::config::Config;
use crate::db;
use crate::startup::{Application, shutdown_signal};
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Instant;

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
    /// Import a folder of the earlier version's JSON files (projects.json, campaigns.json, …) in one
    /// transaction. Safe to run again: records already imported are left alone.
    ImportJson {
        /// The folder holding the legacy files.
        dir: PathBuf,
    },
    /// Fill an empty database with a demo: four client projects (each its own brand, currency and
    /// time zone) with test-mode accounts on Google Ads, Meta and Pinterest, their campaigns and
    /// performance pulled in by a sync, six workflows attached to those projects, and a history of
    /// runs made by running the agents. Does nothing when the database already holds projects.
    SeedDemo {
        /// The same seed gives the same data (for the same day).
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Write the database out in the earlier version's JSON format, one file per kind.
    ExportJson {
        /// The folder to write into (created if missing; existing files of the same names are replaced).
        dir: PathBuf,
    },
    /// Create, list or revoke API keys (for the REST API and webhooks).
    ApiKey {
        #[command(subcommand)]
        action: ApiKeyAction,
    },
    /// The owner's account.
    Owner {
        #[command(subcommand)]
        action: OwnerAction,
    },
    /// Print the REST API's OpenAPI 3.1 document (the one served at /api/openapi.json), to generate
    /// clients or check it without a running server.
    Openapi,
}

#[derive(Debug, Subcommand)]
pub enum OwnerAction {
    /// Set (or reset) the owner's password, read from standard input (one line), or from
    /// SWITCHBOARD_OWNER_PASSWORD when that is set. Every login session ends.
    SetPassword,
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyAction {
    /// Create a key and print it (this once; only its hash is kept).
    Create {
        /// What uses the key ("Zapier", "CI").
        #[arg(long)]
        name: String,
    },
    /// List the keys (never the keys themselves).
    List,
    /// Revoke a key by its id (key_…): requests with it are refused from now on.
    Revoke { id: String },
}

#[derive(Debug, Args, Default)]
pub struct ServeArgs {
    /// Address to listen on [env: SWITCHBOARD_ADDR] [default: 127.0.0.1:3000]
    #[arg(long)]
    pub addr: Option<SocketAddr>,
}

/// The maintenance commands work one step at a time: one connection.
async fn open_database(url: &str) -> anyhow::Result<sqlx::SqlitePool> {
    db::connect_with_limit(db::connect_options(url)?, 1).await
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => {
            let config = Config::load(&cli.database.database_url, args.addr)?;
            let app = Application::build(config).await?;
            let shutdown = shutdown_signal();
            tracing::info!(address = %app.address(), "Switchboard is listening on http://{}", app.address());
            app.run_until(shutdown).await
        }
        Command::Openapi => {
            let (_, doc) = crate::api::router();
            println!("{}", doc.to_pretty_json()?);
            Ok(())
        }
        Command::Migrate => {
            let pool = open_database(&cli.database.database_url).await?;
            let applied = db::migrate(&pool).await?;
            println!("database is up to date ({applied} migration(s) applied now)");
            pool.close().await;
            Ok(())
        }
        Command::ImportJson { dir } => {
            let pool = open_database(&cli.database.database_url).await?;
            db::migrate(&pool).await?;
            let started = Instant::now();
            let result = crate::legacy::import_dir(&pool, &dir, &|line| eprintln!("{line}")).await;
            pool.close().await;
            let report = result.map_err(|e| anyhow::anyhow!("import of '{}' failed: {e}", dir.display()))?;
            let seconds = started.elapsed().as_secs_f64();
            print!("{report}");
            println!(
                "{} records read, {} written, in {seconds:.2} s ({:.0} records/s)",
                report.records(),
                report.changed(),
                report.records() as f64 / seconds.max(1e-9)
            );
            Ok(())
        }
        Command::SeedDemo { seed } => {
            // The demo runs the agents: the services need the server's pool, not a single connection.
            let options = db::connect_options(&cli.database.database_url)?;
            let pool = db::connect(options.clone()).await?;
            db::migrate(&pool).await?;
            let (keyring, _) = crate::secrets::Keyring::load(Some(options.get_filename()))?;
            let scratch =
                tempfile::tempdir().map_err(|e| anyhow::anyhow!("cannot make a scratch folder: {e}"))?;
            let result = crate::demo::seed(&pool, seed, scratch.path(), std::sync::Arc::new(keyring)).await;
            pool.close().await;
            match result {
                Ok(report) => {
                    println!("{report}");
                    Ok(())
                }
                Err(e @ crate::demo::DemoError::NotEmpty) => {
                    println!("{e}; nothing was added");
                    Ok(())
                }
                Err(e) => Err(anyhow::anyhow!("seed-demo failed: {e}")),
            }
        }
        Command::ExportJson { dir } => {
            let pool = open_database(&cli.database.database_url).await?;
            db::migrate(&pool).await?;
            let result = crate::legacy::export_dir(&pool, &dir).await;
            pool.close().await;
            let report = result.map_err(|e| anyhow::anyhow!("export to '{}' failed: {e}", dir.display()))?;
            for (file, n) in &report.files {
                println!("{file:<24} {n:>9} records");
            }
            if report.rejects > 0 {
                println!(
                    "{:<24} {:>9} records refused by earlier imports",
                    "import-rejects.json", report.rejects
                );
            }
            Ok(())
        }
        Command::Owner {
            action: OwnerAction::SetPassword,
        } => {
            let password = match std::env::var("SWITCHBOARD_OWNER_PASSWORD")
                .ok()
                .filter(|p| !p.is_empty())
            {
                Some(p) => p,
                None => {
                    use std::io::IsTerminal;
                    if std::io::stdin().is_terminal() {
                        eprint!("New password (12 characters or more; it is shown as you type): ");
                    }
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line).map_err(|e| {
                        anyhow::anyhow!("owner set-password: cannot read standard input: {e}")
                    })?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let hashed = crate::auth::password::hash(&password)
                .map_err(|e| anyhow::anyhow!("owner set-password: {e}"))?;
            let pool = open_database(&cli.database.database_url).await?;
            db::migrate(&pool).await?;
            let store = db::AccessStore::new(db::Db::without_events(&pool));
            let result = store.set_owner_hash(&hashed).await;
            pool.close().await;
            result.map_err(|e| anyhow::anyhow!("owner set-password: {e}"))?;
            println!("the owner's password is set; every login session has ended");
            Ok(())
        }
        Command::ApiKey { action } => {
            let pool = open_database(&cli.database.database_url).await?;
            db::migrate(&pool).await?;
            let result = api_key(&pool, action).await;
            pool.close().await;
            result
        }
    }
}

async fn api_key(pool: &sqlx::SqlitePool, action: ApiKeyAction) -> anyhow::Result<()> {
    use switchboard_core::ports::ApiKeyRepo;
    let repo = db::SqliteApiKeyRepo::new(db::Db::without_events(pool));
    match action {
        ApiKeyAction::Create { name } => {
            let (record, key) = crate::auth::api_keys::create(&repo, &name)
                .await
                .map_err(|e| anyhow::anyhow!("api-key create: {e}"))?;
            eprintln!(
                "created {} ({}); the key is shown this once:",
                record.id, record.name
            );
            println!("{key}");
        }
        ApiKeyAction::List => {
            for k in repo.list().await? {
                let state = match &k.revoked_at {
                    Some(at) => format!("revoked {at}"),
                    None => format!(
                        "active, last used {}",
                        k.last_used_at
                            .map_or_else(|| "never".to_owned(), |t| t.to_string())
                    ),
                };
                println!("{}  {}…  {:<24}  {state}", k.id, k.shown, k.name);
            }
        }
        ApiKeyAction::Revoke { id } => {
            let id =
                switchboard_core::ApiKeyId::parse(&id).map_err(|e| anyhow::anyhow!("api-key revoke: {e}"))?;
            let k = repo
                .revoke(&id)
                .await
                .map_err(|e| anyhow::anyhow!("api-key revoke: {e}"))?;
            println!("revoked {} ({})", k.id, k.name);
        }
    }
    Ok(())
}
