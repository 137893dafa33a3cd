//! `ledgerlens serve [--listen ADDR:PORT] [--data-dir DIR]`: the HTTP API and its workers.
//!
//! This is the edge where backends are chosen (SQLite file + local blobs today; PostgreSQL and
//! S3 next) and where the tokio runtime lives: the library crates stay runtime-agnostic.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;
use ledgerlens_core::Format;
use ledgerlens_server::{Config, TokenKey};

use crate::backends::{BlobArgs, StoreArgs};
use crate::engines::Engines;

/// Where the listener binds when neither `--listen` nor `LEDGERLENS_LISTEN` says.
const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// The key bearer tokens are signed with, inside the data directory (32 random bytes, 0600).
const TOKEN_KEY_FILE: &str = "oauth_token.key";

/// Arguments of `serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Settings file (TOML; keys are these flags' names with underscores); flags and environment
    /// variables win over it [env: LEDGERLENS_CONFIG].
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Address to listen on [env: LEDGERLENS_LISTEN] [default: 127.0.0.1:8080]; port 0 picks a
    /// free port (the address is printed on stdout).
    #[arg(long)]
    pub listen: Option<String>,
    /// Where the records are.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Where the originals are.
    #[command(flatten)]
    pub blobs: BlobArgs,
    /// Background workers analysing uploads [env: LEDGERLENS_WORKERS] [default: 2]; 0 serves
    /// the API only, leaving the jobs to `ledgerlens worker` processes on the same store.
    #[arg(long)]
    pub workers: Option<usize>,
    /// OCR languages for scans and photos.
    /// [default: eng]
    #[arg(long)]
    pub ocr_lang: Option<String>,
    /// Let webhook subscriptions reach loopback, private, link-local and unique-local addresses
    /// (refused by default against SSRF) [env: LEDGERLENS_ALLOW_PRIVATE_WEBHOOKS=1].
    #[arg(long)]
    pub allow_private_webhooks: bool,
    /// How long a claimed job is a worker's before another process may take it over if the
    /// first stops renewing it (a crash) [env: LEDGERLENS_LEASE_SECONDS] [default: 120].
    #[arg(long)]
    pub lease_seconds: Option<u64>,
    /// Lifetime of the bearer tokens of `POST /oauth/token`, in seconds
    /// [env: LEDGERLENS_TOKEN_TTL_SECONDS] [default: 3600].
    #[arg(long)]
    pub token_ttl_seconds: Option<u64>,
    /// Requests per second per API key or OAuth client, in this process; beyond it 429
    /// `rate_limited` [env: LEDGERLENS_RATE_LIMIT_PER_SECOND] [default: no limit].
    #[arg(long)]
    pub rate_limit_per_second: Option<u32>,
}

/// A flag, else an environment variable, else nothing. (Read by hand rather than with clap's
/// `env` feature, which would change the workspace's clap build for every crate.)
pub(crate) fn flag_or_env<T: Clone + std::str::FromStr>(
    flag: Option<&T>,
    var: &str,
) -> Result<Option<T>>
where
    T::Err: std::fmt::Display,
{
    if let Some(value) = flag {
        return Ok(Some(value.clone()));
    }
    match std::env::var(var) {
        Ok(text) if !text.is_empty() => text
            .parse()
            .map(Some)
            .map_err(|e| anyhow::anyhow!("{var}={text}: {e}")),
        _ => Ok(None),
    }
}

/// The token signing key of the data directory, created (32 random bytes, mode 0600) on first
/// start. It is written to a private temporary file, then linked into place, so a crash leaves
/// no half-written key and two servers starting at once agree on one key.
pub(crate) fn load_or_create_token_key(data_dir: &Path) -> Result<TokenKey> {
    let path = data_dir.join(TOKEN_KEY_FILE);
    if !path.exists() {
        let key = TokenKey::generate().map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
        let temporary = data_dir.join(format!("{TOKEN_KEY_FILE}.{}.tmp", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let written = options.open(&temporary).and_then(|mut file| {
            file.write_all(key.as_bytes())?;
            file.sync_all()
        });
        let linked = written.and_then(|()| match std::fs::hard_link(&temporary, &path) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            other => other,
        });
        let _ = std::fs::remove_file(&temporary);
        linked.with_context(|| format!("creating the token key {}", path.display()))?;
    }
    let bytes = std::fs::read(&path)
        .with_context(|| format!("reading the token key {}", path.display()))?;
    TokenKey::from_bytes(&bytes).with_context(|| {
        format!(
            "the token key {} is not {} bytes; remove it to make a new one (tokens issued with \
             it stop working)",
            path.display(),
            TokenKey::LEN
        )
    })
}

/// Logs go to stderr, one line per event; `RUST_LOG` filters (default `info`).
pub(crate) fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}

/// The configuration `serve` and `worker` share: the number of workers, the PDF and OCR
/// engines, and the webhook SSRF guard.
pub(crate) fn worker_config(
    workers: Option<&usize>,
    ocr_lang: &str,
    allow_private_webhooks: bool,
    lease_seconds: Option<&u64>,
) -> Result<Config> {
    let mut config = Config::default();
    if let Some(workers) = flag_or_env(workers, "LEDGERLENS_WORKERS")? {
        config.workers = workers;
    }
    if let Some(lease) = flag_or_env(lease_seconds, "LEDGERLENS_LEASE_SECONDS")? {
        if lease == 0 {
            bail!("the lease must be at least 1 second");
        }
        config.lease = Duration::from_secs(lease);
    }
    config.read_options.max_bytes = config.max_upload_bytes;
    config.allow_private_webhooks = allow_private_webhooks
        || std::env::var("LEDGERLENS_ALLOW_PRIVATE_WEBHOOKS")
            .is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes"));
    if config.allow_private_webhooks {
        tracing::warn!("webhooks may reach private and loopback addresses (SSRF guard off)");
    }
    // PDF and OCR engines are looked for once, at start; without them PDFs and scans fail with
    // a clear code while every other format works. An API-only process analyses nothing.
    if config.workers > 0 {
        let mut engines = Engines::default();
        engines.prepare(Format::Pdf, &mut config.read_options, ocr_lang);
        engines.prepare(Format::Image, &mut config.read_options, ocr_lang);
        if let Some(why) = engines.pdfium_missing() {
            tracing::warn!(
                %why,
                "no libpdfium: text PDFs are read by the native extractor, but encrypted PDFs, \
                 fonts it declines and scanned PDFs will fail"
            );
        }
        if config.read_options.ocr_engine.is_none() {
            tracing::warn!("no OCR engine (tesseract): scans and photos will fail");
        }
    }
    Ok(config)
}

/// Runs `serve` until SIGINT or SIGTERM.
pub fn run(args: &ServeArgs) -> Result<()> {
    init_logging();
    let mut args = args.clone();
    crate::config_file::ConfigFile::load(args.config.as_deref())?.apply_to_serve(&mut args);
    let args = &args;
    let listen = flag_or_env(args.listen.as_ref(), "LEDGERLENS_LISTEN")?
        .unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
    let data_dir = args.store.data_dir()?;
    let mut config = worker_config(
        args.workers.as_ref(),
        args.ocr_lang.as_deref().unwrap_or("eng"),
        args.allow_private_webhooks,
        args.lease_seconds.as_ref(),
    )?;
    if let Some(ttl) = flag_or_env(
        args.token_ttl_seconds.as_ref(),
        "LEDGERLENS_TOKEN_TTL_SECONDS",
    )? {
        if ttl == 0 {
            bail!("the token lifetime must be at least 1 second");
        }
        config.token_ttl = Duration::from_secs(ttl);
    }
    config.rate_limit_per_second = flag_or_env(
        args.rate_limit_per_second.as_ref(),
        "LEDGERLENS_RATE_LIMIT_PER_SECOND",
    )?
    .filter(|n| *n > 0);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let result = runtime.block_on(async {
        let store = args.store.open().await?;
        config.token_key = Some(load_or_create_token_key(&data_dir)?);
        let blobs = args.blobs.open(&data_dir)?;
        let listener = tokio::net::TcpListener::bind(&listen)
            .await
            .with_context(|| format!("listening on {listen}"))?;
        let address = listener.local_addr()?;
        tracing::info!(
            %address,
            data_dir = %data_dir.display(),
            database = store.dialect().name(),
            blobs = %blobs.describe(),
            "listening"
        );
        // Tests and scripts read the address from this line (port 0 picks a free port).
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "ledgerlens: listening on http://{address}")?;
        stdout.flush()?;
        drop(stdout);
        ledgerlens_server::serve(config, store, blobs, listener, shutdown_signal())
            .await
            .context("serving")
    });
    // Analyses still running on the blocking pool were released to the queue; do not wait for
    // them beyond a moment.
    runtime.shutdown_timeout(Duration::from_secs(1));
    result
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM (service managers, containers).
pub(crate) async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
