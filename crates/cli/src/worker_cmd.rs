//! `ledgerlens worker [--data-dir DIR] [--workers N] [--ocr-lang L]`: the job workers and the
//! webhook sender alone, with no HTTP listener, against the same store and blobs as `serve`.
//!
//! Run one `serve --workers 0` for the API and as many `worker` processes as the box allows;
//! jobs live in the database, so any of them may take any job, and a job a stopped worker held
//! is released (or its lease runs out) for another to take.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;

use crate::backends::{BlobArgs, StoreArgs};
use crate::serve_cmd::{init_logging, shutdown_signal, worker_config};

/// Arguments of `worker`.
#[derive(Debug, Clone, Args)]
pub struct WorkerArgs {
    /// Settings file (TOML; keys are these flags' names with underscores); flags and environment
    /// variables win over it [env: LEDGERLENS_CONFIG].
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Where the records are: the same as `serve`'s.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Where the originals are: the same as `serve`'s.
    #[command(flatten)]
    pub blobs: BlobArgs,
    /// Workers in this process, each analysing one document at a time
    /// [env: LEDGERLENS_WORKERS] [default: 2].
    #[arg(long)]
    pub workers: Option<usize>,
    /// OCR languages for scans and photos.
    /// [default: eng]
    #[arg(long)]
    pub ocr_lang: Option<String>,
    /// Let webhook deliveries reach loopback, private, link-local and unique-local addresses
    /// (refused by default against SSRF) [env: LEDGERLENS_ALLOW_PRIVATE_WEBHOOKS=1].
    #[arg(long)]
    pub allow_private_webhooks: bool,
    /// How long a claimed job is a worker's before another process may take it over if the
    /// first stops renewing it (a crash) [env: LEDGERLENS_LEASE_SECONDS] [default: 120].
    #[arg(long)]
    pub lease_seconds: Option<u64>,
}

/// Runs the workers until SIGINT or SIGTERM.
pub fn run(args: &WorkerArgs) -> Result<()> {
    init_logging();
    let mut args = args.clone();
    crate::config_file::ConfigFile::load(args.config.as_deref())?.apply_to_worker(&mut args);
    let args = &args;
    let data_dir = args.store.data_dir()?;
    let config = worker_config(
        args.workers.as_ref(),
        args.ocr_lang.as_deref().unwrap_or("eng"),
        args.allow_private_webhooks,
        args.lease_seconds.as_ref(),
    )?;
    if config.workers == 0 {
        anyhow::bail!("--workers must be at least 1 for `ledgerlens worker`");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let result = runtime.block_on(async {
        let store = args.store.open().await?;
        let blobs = args.blobs.open(&data_dir)?;
        tracing::info!(
            workers = config.workers,
            prefix = %config.worker_prefix,
            data_dir = %data_dir.display(),
            database = store.dialect().name(),
            blobs = %blobs.describe(),
            "working"
        );
        // One line on start, for scripts and tests.
        let mut stdout = std::io::stdout().lock();
        writeln!(
            stdout,
            "ledgerlens: {} worker(s) on {}",
            config.workers,
            data_dir.display()
        )?;
        stdout.flush()?;
        drop(stdout);
        ledgerlens_server::run_workers(config, store, blobs, shutdown_signal())
            .await
            .context("running the workers")
    });
    // Analyses still running on the blocking pool were released to the queue; do not wait for
    // them beyond a moment.
    runtime.shutdown_timeout(Duration::from_secs(1));
    result
}
