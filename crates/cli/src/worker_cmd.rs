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
use ledgerlens_store::LocalBlobs;

use crate::serve_cmd::{data_dir, init_logging, open_store, shutdown_signal, worker_config};

/// Arguments of `worker`.
#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Data directory: the database and the uploaded originals, the one `serve` uses
    /// [env: LEDGERLENS_DATA_DIR] [default: ./data].
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Workers in this process, each analysing one document at a time
    /// [env: LEDGERLENS_WORKERS] [default: 2].
    #[arg(long)]
    pub workers: Option<usize>,
    /// OCR languages for scans and photos.
    #[arg(long, default_value = "eng")]
    pub ocr_lang: String,
    /// Let webhook deliveries reach loopback, private, link-local and unique-local addresses
    /// (refused by default against SSRF) [env: LEDGERLENS_ALLOW_PRIVATE_WEBHOOKS=1].
    #[arg(long)]
    pub allow_private_webhooks: bool,
}

/// Runs the workers until SIGINT or SIGTERM.
pub fn run(args: &WorkerArgs) -> Result<()> {
    init_logging();
    let data_dir = data_dir(args.data_dir.as_ref())?;
    let config = worker_config(
        args.workers.as_ref(),
        &args.ocr_lang,
        args.allow_private_webhooks,
    )?;
    if config.workers == 0 {
        anyhow::bail!("--workers must be at least 1 for `ledgerlens worker`");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let result = runtime.block_on(async {
        let store = open_store(&data_dir).await?;
        let blobs = LocalBlobs::new(data_dir.join("blobs"));
        tracing::info!(
            workers = config.workers,
            prefix = %config.worker_prefix,
            data_dir = %data_dir.display(),
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
