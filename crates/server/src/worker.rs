//! Background workers: claim a job from the store, analyse, store the result.
//!
//! The queue is the documents table, so jobs survive restarts and any process on the same
//! database can take them. A worker holds a job by a lease it renews while the analysis runs; if
//! the process dies, the lease runs out and another worker takes the job again. Every write of a
//! result is conditional on still holding the lease, so a job is finished at most once.

use std::sync::Arc;

use ledgerlens_store::{BlobKey, Blobs, ClaimedJob, JobOutcome, Store};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::analysis::{DocumentOptions, Failure, analyse};
use crate::{Shared, now_ms};

/// Starts the configured number of workers.
pub(crate) fn spawn_all<S: Store, B: Blobs>(
    shared: &Arc<Shared<S, B>>,
    stop: &watch::Receiver<bool>,
) -> Vec<JoinHandle<()>> {
    (0..shared.config.workers)
        .map(|n| {
            let name = format!("{}-{n}", shared.config.worker_prefix);
            tokio::spawn(run(Arc::clone(shared), name, stop.clone()))
        })
        .collect()
}

fn ms(duration: std::time::Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

async fn run<S: Store, B: Blobs>(
    shared: Arc<Shared<S, B>>,
    name: String,
    mut stop: watch::Receiver<bool>,
) {
    let config = &shared.config;
    while !*stop.borrow() {
        let claimed = shared
            .store
            .claim_job(&name, now_ms(), ms(config.lease), config.max_attempts)
            .await;
        match claimed {
            Ok(Some(job)) => {
                let span = tracing::info_span!(
                    "job",
                    worker = %name,
                    document = %job.document,
                    tenant = %job.tenant,
                    attempt = job.attempts,
                );
                tracing::Instrument::instrument(process(&shared, job, &mut stop), span).await;
            }
            Ok(None) => {
                tokio::select! {
                    () = shared.queued.notified() => {}
                    () = tokio::time::sleep(config.poll_interval) => {}
                    _ = stop.changed() => {}
                }
            }
            Err(error) => {
                tracing::error!(%error, worker = %name, "claiming a job failed");
                tokio::select! {
                    () = tokio::time::sleep(config.poll_interval) => {}
                    _ = stop.changed() => {}
                }
            }
        }
    }
}

/// Runs one job to its end, or releases it when shutdown outlasts the grace period.
async fn process<S: Store, B: Blobs>(
    shared: &Arc<Shared<S, B>>,
    job: ClaimedJob,
    stop: &mut watch::Receiver<bool>,
) {
    tracing::info!("processing");
    let bytes = match load(shared, &job).await {
        Ok(bytes) => bytes,
        Err(failure) => return finish(shared, &job, Err(failure)).await,
    };
    let options: DocumentOptions = match serde_json::from_str(&job.options_json) {
        Ok(options) => options,
        Err(error) => {
            let failure = Failure {
                code: "internal_error".to_owned(),
                message: format!("stored options unreadable: {error}"),
            };
            return finish(shared, &job, Err(failure)).await;
        }
    };
    let task = {
        let shared = Arc::clone(shared);
        let filename = job.filename.clone();
        let password = job.password.clone();
        tokio::task::spawn_blocking(move || {
            analyse(
                &filename,
                &bytes,
                &options,
                password,
                &shared.config.read_options,
                &shared.enricher,
                &shared.scoring,
            )
        })
    };
    tokio::pin!(task);
    let lease = shared.config.lease;
    // Renewed three times per lease, so one slow database round trip cannot lose it (and never
    // a zero period, which `interval` refuses).
    let mut heartbeat =
        tokio::time::interval((lease / 3).max(std::time::Duration::from_millis(100)));
    heartbeat.tick().await;
    let result = loop {
        tokio::select! {
            joined = &mut task => break joined,
            _ = heartbeat.tick() => {
                match shared.store.extend_lease(&job, now_ms().saturating_add(ms(lease))).await {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::warn!("lease lost (deleted, or taken after a stall); dropping the job");
                        return;
                    }
                    Err(error) => tracing::error!(%error, "renewing the lease failed"),
                }
            }
            _ = stop.changed() => {
                let grace = shared.config.shutdown_grace;
                match tokio::time::timeout(grace, &mut task).await {
                    Ok(joined) => break joined,
                    Err(_) => {
                        match shared.store.release_job(&job, now_ms()).await {
                            Ok(_) => tracing::info!("released unfinished at shutdown"),
                            Err(error) => tracing::error!(%error, "releasing failed; the lease will expire"),
                        }
                        return;
                    }
                }
            }
        }
    };
    let result = result.unwrap_or_else(|join_error| {
        tracing::error!(error = %join_error, "analysis panicked");
        Err(Failure {
            code: "internal_error".to_owned(),
            message: "the analysis stopped on an internal error".to_owned(),
        })
    });
    finish(shared, &job, result).await;
}

async fn load<S: Store, B: Blobs>(
    shared: &Shared<S, B>,
    job: &ClaimedJob,
) -> Result<Vec<u8>, Failure> {
    let internal = |message: String| Failure {
        code: "internal_error".to_owned(),
        message,
    };
    let key = BlobKey::new(&job.tenant, &job.sha256).map_err(|e| internal(e.to_string()))?;
    match shared.blobs.get(&key).await {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(Failure {
            code: "original_missing".to_owned(),
            message: "the uploaded file is no longer stored".to_owned(),
        }),
        Err(error) => {
            tracing::error!(%error, "reading the original failed");
            Err(internal("the uploaded file could not be read".to_owned()))
        }
    }
}

async fn finish<S: Store, B: Blobs>(
    shared: &Shared<S, B>,
    job: &ClaimedJob,
    result: Result<Vec<(String, String)>, Failure>,
) {
    let outcome = match result {
        Ok(analyses) => JobOutcome::Analyzed {
            analyses,
            flagged: false,
        },
        Err(Failure { code, message }) => {
            tracing::info!(%code, %message, "failed");
            JobOutcome::Failed { code, message }
        }
    };
    match shared.store.finish_job(job, outcome, now_ms()).await {
        Ok(true) => tracing::info!("done"),
        Ok(false) => tracing::warn!("the job was no longer ours; result dropped"),
        Err(error) => {
            // The lease will expire and another attempt will run: at-least-once processing.
            tracing::error!(%error, "storing the result failed");
        }
    }
}
