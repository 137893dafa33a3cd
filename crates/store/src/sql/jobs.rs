//! The job queue: documents are their own jobs, leased to one worker at a time.

use sqlx::{Row, query};

use super::webhooks::enqueue;
use super::{SqlStore, to_u32};
use crate::records::DocumentStatus;
use crate::{ClaimedJob, DocumentId, JobOutcome, NewEvent, StoreError, Subject, TenantId};

/// Fingerprints inserted per statement (well under both databases' parameter limits).
const FINGERPRINTS_PER_INSERT: usize = 400;

impl SqlStore {
    pub(super) async fn claim_job_sql(
        &self,
        worker: &str,
        now_ms: i64,
        lease_ms: i64,
        max_attempts: u32,
    ) -> Result<Option<ClaimedJob>, StoreError> {
        // A job whose worker died `max_attempts` times is likely what kills workers: stop.
        query(
            "UPDATE documents SET status = 'FAILED', failure_code = 'attempts_exhausted', \
             failure_message = 'processing was interrupted ' || attempts || ' times', \
             secret_password = NULL, lease_owner = NULL, lease_expires_at = NULL, \
             finished_at = $1, updated_at = $1 \
             WHERE status = 'PROCESSING' AND lease_expires_at < $1 AND attempts >= $2",
        )
        .bind(now_ms)
        .bind(i64::from(max_attempts))
        .execute(&self.pool)
        .await?;
        // One statement, so two workers (or two processes) never take the same job: SQLite
        // runs it under the database's single write lock; PostgreSQL locks the chosen row and
        // skips rows other claims hold. The outer condition repeats the inner one so a row
        // that stopped being claimable meanwhile is not taken.
        let sql = format!(
            "UPDATE documents SET status = 'PROCESSING', attempts = attempts + 1, \
             lease_owner = $1, lease_expires_at = $2, started_at = COALESCE(started_at, $3), \
             updated_at = $3 \
             WHERE id = (SELECT id FROM documents \
                         WHERE status = 'PENDING' OR (status = 'PROCESSING' AND lease_expires_at < $3) \
                         ORDER BY created_at, id LIMIT 1{}) \
             AND (status = 'PENDING' OR (status = 'PROCESSING' AND lease_expires_at < $3)) \
             RETURNING id, tenant_id, filename, sha256, options, secret_password, attempts",
            self.dialect.skip_locked()
        );
        let row = query(&sql)
            .bind(worker)
            .bind(now_ms.saturating_add(lease_ms))
            .bind(now_ms)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(ClaimedJob {
            document: DocumentId::from_db(row.try_get("id")?),
            tenant: TenantId::from_db(row.try_get("tenant_id")?),
            lease_owner: worker.to_owned(),
            filename: row.try_get("filename")?,
            sha256: row.try_get("sha256")?,
            options_json: row.try_get("options")?,
            password: row.try_get("secret_password")?,
            attempts: to_u32(row.try_get("attempts")?),
        }))
    }

    pub(super) async fn extend_lease_sql(
        &self,
        job: &ClaimedJob,
        until_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = query(
            "UPDATE documents SET lease_expires_at = $1 \
             WHERE id = $2 AND tenant_id = $3 AND lease_owner = $4 AND status = 'PROCESSING'",
        )
        .bind(until_ms)
        .bind(job.document.as_str())
        .bind(job.tenant.as_str())
        .bind(&job.lease_owner)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub(super) async fn finish_job_sql(
        &self,
        job: &ClaimedJob,
        outcome: JobOutcome,
        events: Vec<NewEvent>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let (status, code, message, analyses, decision, subject) = match outcome {
            JobOutcome::Analyzed {
                analyses,
                flagged,
                decision,
                subject,
            } => {
                let status = if flagged {
                    DocumentStatus::Flagged
                } else {
                    DocumentStatus::Analyzed
                };
                (status, None, None, analyses, decision, subject)
            }
            JobOutcome::Failed { code, message } => (
                DocumentStatus::Failed,
                Some(code),
                Some(message),
                Vec::new(),
                None,
                None,
            ),
        };
        // A failed job keeps what an earlier analysis said about the statement (COALESCE below);
        // the search text is rebuilt from the row's own file name.
        let subject = subject.unwrap_or_default();
        let mut tx = self.write_tx().await?;
        let done = query(
            "UPDATE documents SET status = $1, failure_code = $2, failure_message = $3, \
             secret_password = NULL, lease_owner = NULL, lease_expires_at = NULL, \
             finished_at = $4, updated_at = $4, \
             progress_step = CASE WHEN $1 = 'FAILED' THEN progress_step ELSE 12 END, \
             decision_score = $8, decision_tier = $9, decision_risk = $10, \
             holder = COALESCE($11, holder), bank = COALESCE($12, bank), \
             account = COALESCE($13, account), period_start = COALESCE($14, period_start), \
             period_end = COALESCE($15, period_end), \
             holder_match = CASE WHEN $1 = 'FAILED' THEN holder_match ELSE $16 END \
             WHERE id = $5 AND tenant_id = $6 AND lease_owner = $7 AND status = 'PROCESSING'",
        )
        .bind(status.as_str())
        .bind(code)
        .bind(message)
        .bind(now_ms)
        .bind(job.document.as_str())
        .bind(job.tenant.as_str())
        .bind(&job.lease_owner)
        .bind(decision.as_ref().map(|d| d.score))
        .bind(decision.as_ref().map(|d| d.tier.clone()))
        .bind(decision.map(|d| d.risk_level))
        .bind(subject.holder.clone())
        .bind(subject.bank.clone())
        .bind(subject.account)
        .bind(subject.period_start)
        .bind(subject.period_end)
        .bind(subject.name_match)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        // The search text follows the holder and bank now on the row.
        let row =
            query("SELECT filename, holder, bank FROM documents WHERE id = $1 AND tenant_id = $2")
                .bind(job.document.as_str())
                .bind(job.tenant.as_str())
                .fetch_one(&mut *tx)
                .await?;
        let filename: String = row.try_get("filename")?;
        let on_row = Subject {
            holder: row.try_get("holder")?,
            bank: row.try_get("bank")?,
            ..Subject::default()
        };
        query("UPDATE documents SET search_text = $1 WHERE id = $2 AND tenant_id = $3")
            .bind(Subject::search_text(&filename, Some(&on_row)))
            .bind(job.document.as_str())
            .bind(job.tenant.as_str())
            .execute(&mut *tx)
            .await?;
        for (profile, body) in analyses {
            query(
                "INSERT INTO analyses (document_id, tenant_id, profile, body, created_at) \
                 VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (document_id, profile) DO UPDATE SET body = excluded.body, \
                 created_at = excluded.created_at",
            )
            .bind(job.document.as_str())
            .bind(job.tenant.as_str())
            .bind(profile)
            .bind(body)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        }
        for event in &events {
            enqueue(&mut tx, &job.tenant, event, now_ms).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    pub(super) async fn release_job_sql(
        &self,
        job: &ClaimedJob,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = query(
            "UPDATE documents SET status = 'PENDING', \
             attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, \
             lease_owner = NULL, lease_expires_at = NULL, updated_at = $1 \
             WHERE id = $2 AND tenant_id = $3 AND lease_owner = $4 AND status = 'PROCESSING'",
        )
        .bind(now_ms)
        .bind(job.document.as_str())
        .bind(job.tenant.as_str())
        .bind(&job.lease_owner)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub(super) async fn set_progress_sql(
        &self,
        job: &ClaimedJob,
        step: u32,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = query(
            "UPDATE documents SET progress_step = $1, updated_at = $2 \
             WHERE id = $3 AND tenant_id = $4 AND lease_owner = $5 AND status = 'PROCESSING'",
        )
        .bind(i64::from(step))
        .bind(now_ms)
        .bind(job.document.as_str())
        .bind(job.tenant.as_str())
        .bind(&job.lease_owner)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub(super) async fn status_counts_sql(&self) -> Result<Vec<(DocumentStatus, u64)>, StoreError> {
        let found = query("SELECT status, COUNT(*) AS n FROM documents GROUP BY status")
            .fetch_all(&self.pool)
            .await?;
        found
            .iter()
            .map(|row| {
                let status: String = row.try_get("status")?;
                let status = DocumentStatus::parse(&status).ok_or_else(|| {
                    StoreError::Corrupt(format!("unknown document status {status:?}"))
                })?;
                let n: i64 = row.try_get("n")?;
                Ok((status, u64::try_from(n).unwrap_or(0)))
            })
            .collect()
    }

    pub(super) async fn record_fingerprints_sql(
        &self,
        job: &ClaimedJob,
        fingerprints: &[String],
        min_overlap: f64,
    ) -> Result<Option<DocumentId>, StoreError> {
        let mut tx = self.write_tx().await?;
        let held = query(
            "SELECT duplicate_of FROM documents \
             WHERE id = $1 AND tenant_id = $2 AND lease_owner = $3 AND status = 'PROCESSING'",
        )
        .bind(job.document.as_str())
        .bind(job.tenant.as_str())
        .bind(&job.lease_owner)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(held) = held else {
            tx.rollback().await?;
            return Ok(None);
        };
        let same_file: Option<String> = held.try_get("duplicate_of")?;
        query("DELETE FROM document_fingerprints WHERE document_id = $1 AND tenant_id = $2")
            .bind(job.document.as_str())
            .bind(job.tenant.as_str())
            .execute(&mut *tx)
            .await?;
        let mut unique: Vec<&String> = fingerprints.iter().collect();
        unique.sort_unstable();
        unique.dedup();
        // Many rows per statement: a year of transactions is thousands of fingerprints, and one
        // round trip each would dominate the job on PostgreSQL.
        for chunk in unique.chunks(FINGERPRINTS_PER_INSERT) {
            let values = (0..chunk.len())
                .map(|i| format!("($1, $2, ${})", i + 3))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "INSERT INTO document_fingerprints (tenant_id, document_id, fingerprint) \
                 VALUES {values}"
            );
            let mut statement = query(&sql)
                .bind(job.tenant.as_str())
                .bind(job.document.as_str());
            for fingerprint in chunk {
                statement = statement.bind(fingerprint.as_str());
            }
            statement.execute(&mut *tx).await?;
        }
        // The other document sharing the most of this ledger (oldest on ties).
        let best = query(
            "SELECT o.document_id AS id, COUNT(*) AS shared FROM document_fingerprints mine \
             JOIN document_fingerprints o ON o.tenant_id = mine.tenant_id \
              AND o.fingerprint = mine.fingerprint AND o.document_id <> mine.document_id \
             JOIN documents d ON d.id = o.document_id \
             WHERE mine.document_id = $1 AND mine.tenant_id = $2 \
             GROUP BY o.document_id, d.created_at \
             ORDER BY shared DESC, d.created_at, o.document_id LIMIT 1",
        )
        .bind(job.document.as_str())
        .bind(job.tenant.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let mut found = None;
        if let Some(best) = best {
            let shared: i64 = best.try_get("shared")?;
            #[allow(clippy::cast_precision_loss, reason = "a share, not money")]
            let share = shared as f64 / unique.len().max(1) as f64;
            if share >= min_overlap {
                let id: String = best.try_get("id")?;
                found = Some(DocumentId::from_db(id));
            }
        }
        if same_file.is_none()
            && let Some(id) = &found
        {
            query("UPDATE documents SET duplicate_of = $1 WHERE id = $2 AND tenant_id = $3")
                .bind(id.as_str())
                .bind(job.document.as_str())
                .bind(job.tenant.as_str())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(same_file.map(DocumentId::from_db).or(found))
    }
}
