//! `ledgerlens migrate [--data-dir DIR] [--database-url URL]`: applies the pending migrations of the store and prints
//! the versions applied (nothing to do is a success). `serve`, `worker` and `admin` apply them at
//! start too; this command lets an operator do it first, on its own.

use std::io::Write;

use anyhow::{Context, Result};
use clap::Args;

use crate::backends::StoreArgs;

/// Arguments of `migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Where the records are.
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Applies pending migrations; one line per version applied, or one saying it was up to date.
pub fn run(args: &MigrateArgs) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let applied = runtime
        .block_on(async { args.store.open_reporting().await })?
        .1;
    let mut stdout = std::io::stdout().lock();
    if applied.is_empty() {
        writeln!(stdout, "ledgerlens: database up to date, nothing to apply")?;
    }
    for (version, description) in &applied {
        writeln!(stdout, "applied {version:04} {description}")?;
    }
    stdout.flush()?;
    Ok(())
}
