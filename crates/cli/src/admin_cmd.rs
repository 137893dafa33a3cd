//! `ledgerlens admin create-key|create-client --tenant NAME [--data-dir DIR]`.
//!
//! Works on the same database file as a running `serve` (SQLite in WAL mode lets both write), so
//! keys can be issued without a restart. Secrets are printed once and stored only as hashes.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use ledgerlens_store::{Store, TenantId};

use crate::serve_cmd::{data_dir, open_store};

/// Arguments of `admin`.
#[derive(Debug, Args)]
pub struct AdminArgs {
    #[command(subcommand)]
    command: AdminCommand,
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create an API key for a tenant (created if needed); the key is on the last line.
    CreateKey(TenantArgs),
    /// Create an OAuth client (client_id + client_secret) for a tenant (created if needed).
    CreateClient(TenantArgs),
}

#[derive(Debug, Args)]
struct TenantArgs {
    /// The tenant's name.
    #[arg(long)]
    tenant: String,
    /// Data directory of the server [env: LEDGERLENS_DATA_DIR] [default: ./data].
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Runs `admin`.
pub fn run(args: &AdminArgs) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        match &args.command {
            AdminCommand::CreateKey(tenant) => {
                let (store, tenant_id) = tenant_store(tenant).await?;
                let created = store.create_api_key(&tenant_id, now_ms()).await?;
                println!("tenant: {} ({tenant_id})", tenant.tenant);
                println!("key id: {}", created.id);
                println!("the key below is shown once; only its hash is stored");
                println!("{}", created.key);
            }
            AdminCommand::CreateClient(tenant) => {
                let (store, tenant_id) = tenant_store(tenant).await?;
                let created = store.create_oauth_client(&tenant_id, now_ms()).await?;
                println!("tenant: {} ({tenant_id})", tenant.tenant);
                println!("client_id: {}", created.client_id);
                println!("client_secret: {}", created.client_secret);
                println!("the secret is shown once; only its hash is stored");
            }
        }
        Ok(())
    })
}

async fn tenant_store(args: &TenantArgs) -> Result<(ledgerlens_store::SqliteStore, TenantId)> {
    let store = open_store(&data_dir(args.data_dir.as_ref())?).await?;
    let tenant = store
        .ensure_tenant(&args.tenant, now_ms())
        .await
        .with_context(|| format!("tenant {}", args.tenant))?;
    Ok((store, tenant))
}
