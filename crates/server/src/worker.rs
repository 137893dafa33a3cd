//! Background workers: claim a job from the store, analyse, store the result.
//!
//! The queue is the documents table, so jobs survive restarts and any process on the same
//! database can take them. A worker holds a job by a lease it renews while the analysis runs; if
//! the process dies, the lease runs out and another worker takes the job again. Every write of a
//! result is conditional on still holding the lease, so a job is finished at most once.
//!
//! Along the way the worker reports the 12 steps of spec 003 (broadcast in-process for SSE, the
//! last one written on the row) and queues the webhook events: `document.processing` when it
//! takes the job, and `document.analyzed` / `flagged` / `failed` in the same transaction as the
//! result, so an event is announced exactly when the result is stored.

use std::sync::Arc;
use std::time::Instant;

use ledgerlens_store::{
    BlobKey, Blobs, ClaimedJob, Decision, JobOutcome, NewEvent, Store, Subject,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::analysis::{DocumentOptions, Failure, analyse};
use crate::progress::{Progress, STEPS, TOTAL_STEPS};
use crate::webhooks::payload;
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
    shared.metrics.claimed();
    let started = Instant::now();
    let mut laps = Laps { last: started };
    laps.lap(shared, 1, Instant::now());
    report(shared, &job, 1).await;
    let processing = NewEvent {
        event_type: "document.processing".to_owned(),
        payload: payload(
            "document.processing",
            now_ms(),
            json!({
                "document_id": job.document.as_str(),
                "status": "PROCESSING",
                "step": 1,
                "total_steps": TOTAL_STEPS,
                "message": step_message(1),
                "attempt": job.attempts,
            }),
        ),
    };
    match shared
        .store
        .enqueue_event(&job.tenant, &processing, now_ms())
        .await
    {
        Ok(queued) if queued > 0 => shared.deliveries_due.notify_one(),
        Ok(_) => {}
        Err(error) => tracing::error!(%error, "queueing document.processing failed"),
    }
    crate::webhooks::enqueue_vendor_copies(
        &shared.store,
        &shared.deliveries_due,
        &job.tenant,
        &processing,
    )
    .await;
    let enricher = match shared
        .tenant_enrichers
        .for_tenant(&shared.store, &shared.enricher, &job.tenant)
        .await
    {
        Ok(enricher) => enricher,
        Err(error) => {
            let failure = Failure {
                code: "internal_error".to_owned(),
                message: format!(
                    "the tenant's categorisation rules could not be loaded: {}",
                    error.message
                ),
            };
            return finish(shared, &job, Err(failure), started, &mut laps).await;
        }
    };
    let bytes = match load(shared, &job).await {
        Ok(bytes) => bytes,
        Err(failure) => return finish(shared, &job, Err(failure), started, &mut laps).await,
    };
    laps.lap(shared, 2, Instant::now());
    report(shared, &job, 2).await;
    let options: DocumentOptions = match serde_json::from_str(&job.options_json) {
        Ok(options) => options,
        Err(error) => {
            let failure = Failure {
                code: "internal_error".to_owned(),
                message: format!("stored options unreadable: {error}"),
            };
            return finish(shared, &job, Err(failure), started, &mut laps).await;
        }
    };
    // Each step with the moment it completed on the blocking pool, for the step durations.
    let (steps_tx, mut steps_rx) = mpsc::unbounded_channel::<(u32, Instant)>();
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
                &enricher,
                &shared.scoring,
                &|step| {
                    let _ = steps_tx.send((step, Instant::now()));
                },
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
            Some((step, at)) = steps_rx.recv() => {
                laps.lap(shared, step, at);
                report(shared, &job, step).await;
            }
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
    // Steps reported just before the analysis returned.
    while let Ok((step, at)) = steps_rx.try_recv() {
        laps.lap(shared, step, at);
        report(shared, &job, step).await;
    }
    let result = result.unwrap_or_else(|join_error| {
        tracing::error!(error = %join_error, "analysis panicked");
        Err(Failure {
            code: "internal_error".to_owned(),
            message: "the analysis stopped on an internal error".to_owned(),
        })
    });
    finish(shared, &job, result, started, &mut laps).await;
}

/// Times the steps of one job: each step's duration runs from the previous step's end.
struct Laps {
    last: Instant,
}

impl Laps {
    fn lap<S, B>(&mut self, shared: &Shared<S, B>, step: u32, at: Instant) {
        shared
            .metrics
            .step(step, at.saturating_duration_since(self.last));
        self.last = self.last.max(at);
    }
}

fn step_message(step: u32) -> &'static str {
    usize::try_from(step)
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|n| STEPS.get(n))
        .map_or("", |(_, message)| *message)
}

/// Publishes a completed step to this process's subscribers and writes it on the row.
///
/// Subscribers in this process see every step. The row, which subscribers in other processes
/// poll, gets the steps a client waits on — taking the job, loading the original, the end of the
/// analysis (10) and the duplicate check (11) — but not the analysis's inner steps (3–9): they
/// follow each other within milliseconds, and a commit each was the largest share of the
/// database's work when two worker processes drained a queue of 1 000 documents.
async fn report<S: Store, B: Blobs>(shared: &Shared<S, B>, job: &ClaimedJob, step: u32) {
    shared.progress.publish(&job.document, Progress::Step(step));
    if (3..=9).contains(&step) {
        return;
    }
    if let Err(error) = shared.store.set_progress(job, step, now_ms()).await {
        // Progress is advisory: the job goes on.
        tracing::warn!(%error, step, "recording progress failed");
    }
}

/// Share of a statement's transactions an earlier statement must hold for the later one to be
/// its duplicate (an overlapping month at either end is normal; most of the ledger is not).
const DUPLICATE_OVERLAP: f64 = 0.8;

/// One fingerprint per transaction: its date and amount, numbered among equal ones (two
/// identical card payments on one day stay two). Running balances are left out on purpose:
/// formats such as OFX carry none, and a statement resubmitted in another format must still
/// match. Within one tenant, different statements share a few such pairs by chance, never
/// most of them.
fn fingerprints(transactions: &Value) -> Vec<String> {
    let mut seen: std::collections::HashMap<(String, String), u32> =
        std::collections::HashMap::new();
    transactions
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|tx| {
                    let text = |field: &str| {
                        tx.get(field)
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_owned()
                    };
                    let date = text("date");
                    let amount = text("amount");
                    let text = format!("{date}|{amount}");
                    let n = seen.entry((date, amount)).or_insert(0);
                    *n += 1;
                    let digest = Sha256::digest(format!("{text}|{n}").as_bytes());
                    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Step 11: records the job's fingerprints and says which earlier document it repeats.
async fn duplicate_check<S: Store, B: Blobs>(
    shared: &Shared<S, B>,
    job: &ClaimedJob,
    analyses: &[(String, String)],
) -> Option<ledgerlens_store::DocumentId> {
    let transactions = analyses
        .iter()
        .find(|(profile, _)| profile == "transactions")
        .and_then(|(_, body)| serde_json::from_str::<Value>(body).ok())?;
    let fingerprints = fingerprints(&transactions);
    match shared
        .store
        .record_fingerprints(job, &fingerprints, DUPLICATE_OVERLAP)
        .await
    {
        Ok(found) => found,
        Err(error) => {
            tracing::warn!(%error, "duplicate check failed; going on");
            None
        }
    }
}

/// Adds `duplicate_of` to an event's `data`.
fn with_duplicate(payload: &str, duplicate_of: &str) -> String {
    match serde_json::from_str::<Value>(payload) {
        Ok(mut value) => {
            if let Some(Value::Object(data)) = value.get_mut("data") {
                data.insert("duplicate_of".to_owned(), duplicate_of.into());
            }
            value.to_string()
        }
        Err(_) => payload.to_owned(),
    }
}

/// The terminal event's type and `data`, from the outcome (the score summary comes from the
/// EnvoyX profile, whose fields spec 003's webhook example uses).
fn terminal_event(
    job: &ClaimedJob,
    result: &Result<Vec<(String, String)>, Failure>,
    envoyx: &Value,
    started: Instant,
) -> (bool, NewEvent) {
    let processing_time = (started.elapsed().as_secs_f64() * 10.0).round() / 10.0;
    let (event_type, flagged, data) = match result {
        Ok(_) => {
            let flagged = envoyx.get("status").and_then(Value::as_str) == Some("FLAGGED");
            let status = if flagged { "FLAGGED" } else { "ANALYZED" };
            let mut data = json!({
                "document_id": job.document.as_str(),
                "status": status,
                "step": TOTAL_STEPS,
                "total_steps": TOTAL_STEPS,
                "message": "Bank statement analysis complete.",
                "processing_time": processing_time,
            });
            if let Value::Object(object) = &mut data {
                for field in [
                    "credit_score",
                    "credit_tier",
                    "overall_risk_level",
                    "is_legitimate",
                    "flag_count",
                ] {
                    if let Some(value) = envoyx.get(field) {
                        object.insert(field.to_owned(), value.clone());
                    }
                }
            }
            let event = if flagged {
                "document.flagged"
            } else {
                "document.analyzed"
            };
            (event, flagged, data)
        }
        Err(failure) => (
            "document.failed",
            false,
            json!({
                "document_id": job.document.as_str(),
                "status": "FAILED",
                "total_steps": TOTAL_STEPS,
                "message": failure.message,
                "failure": { "code": failure.code, "message": failure.message },
                "processing_time": processing_time,
            }),
        ),
    };
    (
        flagged,
        NewEvent {
            event_type: event_type.to_owned(),
            payload: payload(event_type, now_ms(), data),
        },
    )
}

/// The EnvoyX profile of an analysis, parsed once for the terminal event and the decision
/// (`Null` when absent or unreadable).
fn envoyx_of(result: &Result<Vec<(String, String)>, Failure>) -> Value {
    result
        .as_ref()
        .ok()
        .and_then(|analyses| analyses.iter().find(|(profile, _)| profile == "envoyx"))
        .and_then(|(_, body)| serde_json::from_str(body).ok())
        .unwrap_or(Value::Null)
}

/// The headline of the decision (the EnvoyX profile's score, tier and risk level), kept on the
/// document's row for listings.
fn decision_of(envoyx: &Value) -> Option<Decision> {
    Some(Decision {
        score: envoyx.get("credit_score")?.as_i64()?,
        tier: envoyx.get("credit_tier")?.as_str()?.to_owned(),
        risk_level: envoyx.get("overall_risk_level")?.as_str()?.to_owned(),
    })
}

/// Whose statement it is (the native profile's first account and its period), kept on the
/// document's row so the list shows it and its search finds the holder.
fn subject_of(result: &Result<Vec<(String, String)>, Failure>) -> Option<Subject> {
    #[derive(serde::Deserialize)]
    struct Native {
        #[serde(default)]
        accounts: Vec<Account>,
        period: Option<Period>,
        holder: Option<Holder>,
    }
    #[derive(serde::Deserialize)]
    struct Holder {
        name_match: Option<NameMatch>,
    }
    #[derive(serde::Deserialize)]
    struct NameMatch {
        result: Option<String>,
    }
    #[derive(serde::Deserialize)]
    struct Account {
        holder: Option<String>,
        bank: Option<String>,
        identifier: Option<String>,
    }
    #[derive(serde::Deserialize)]
    struct Period {
        start: Option<String>,
        end: Option<String>,
    }
    let (_, body) = result
        .as_ref()
        .ok()?
        .iter()
        .find(|(profile, _)| profile == "native")?;
    let native: Native = serde_json::from_str(body).ok()?;
    let account = native.accounts.into_iter().next();
    let (holder, bank, account) =
        account.map_or((None, None, None), |a| (a.holder, a.bank, a.identifier));
    let (period_start, period_end) = native.period.map_or((None, None), |p| (p.start, p.end));
    let nonblank = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    let name_match = native
        .holder
        .and_then(|h| h.name_match)
        .and_then(|m| m.result);
    let subject = Subject {
        name_match: nonblank(name_match),
        holder: nonblank(holder),
        bank: nonblank(bank),
        account: nonblank(account),
        period_start: nonblank(period_start),
        period_end: nonblank(period_end),
    };
    (subject != Subject::default()).then_some(subject)
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
    started: Instant,
    laps: &mut Laps,
) {
    let envoyx = envoyx_of(&result);
    let (flagged, mut event) = terminal_event(job, &result, &envoyx, started);
    if let Ok(analyses) = &result {
        // Step 11: the same file uploaded before, or a ledger that mostly repeats an earlier
        // statement of the tenant. Recorded and announced, not a failure: a lender may well
        // receive the same statement twice, but should know.
        if let Some(duplicate_of) = duplicate_check(shared, job, analyses).await {
            tracing::info!(%duplicate_of, "duplicate of an earlier document");
            event.payload = with_duplicate(&event.payload, duplicate_of.as_str());
        }
        laps.lap(shared, 11, Instant::now());
        report(shared, job, 11).await;
    }
    let status = match &result {
        Ok(_) if flagged => "FLAGGED",
        Ok(_) => "ANALYZED",
        Err(_) => "FAILED",
    };
    let subject = subject_of(&result);
    let outcome = match result {
        Ok(analyses) => JobOutcome::Analyzed {
            decision: decision_of(&envoyx),
            subject,
            analyses,
            flagged,
        },
        Err(Failure { code, message }) => {
            tracing::info!(%code, %message, "failed");
            JobOutcome::Failed { code, message }
        }
    };
    let analysed = matches!(outcome, JobOutcome::Analyzed { .. });
    // The vendor-shaped copies go in the same transaction as the result and the native event.
    let mut events = crate::webhooks::vendor_copies(&shared.store, &job.tenant, &event).await;
    events.insert(0, event);
    match shared
        .store
        .finish_job(job, outcome, events, now_ms())
        .await
    {
        Ok(true) => {
            tracing::info!("done");
            shared.metrics.finished(status);
            if analysed {
                laps.lap(shared, TOTAL_STEPS, Instant::now());
            }
            shared.deliveries_due.notify_one();
            if analysed {
                // Stored with the result (finish_job sets the step to 12).
                shared
                    .progress
                    .publish(&job.document, Progress::Step(TOTAL_STEPS));
            }
            match shared.store.get_document(&job.tenant, &job.document).await {
                Ok(Some(record)) => shared
                    .progress
                    .publish(&job.document, Progress::End(Box::new(record))),
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, "reading the finished document failed"),
            }
        }
        Ok(false) => tracing::warn!("the job was no longer ours; result dropped"),
        Err(error) => {
            // The lease will expire and another attempt will run: at-least-once processing.
            tracing::error!(%error, "storing the result failed");
        }
    }
}
