//! Documents and their stored analyses.

use std::fmt::Write;

use sqlx::{Row, query};

use super::rows::{self, DOCUMENT_COLUMNS};
use super::{SqlStore, next_number, to_i64};
use crate::{
    DocumentFilter, DocumentId, DocumentPage, DocumentRecord, NewDocument, PageCursor, StoreError,
    Subject, TenantId,
};

/// Most documents one listing page can hold.
const MAX_PAGE: u32 = 1000;

impl SqlStore {
    pub(super) async fn insert_document_sql(
        &self,
        document: NewDocument,
        now_ms: i64,
    ) -> Result<DocumentRecord, StoreError> {
        let id = DocumentId::generate()?;
        let mut tx = self.write_tx().await?;
        if let Some(case) = &document.case_id {
            let exists = query("SELECT 1 AS one FROM cases WHERE id = $1 AND tenant_id = $2")
                .bind(case.as_str())
                .bind(document.tenant.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_none() {
                return Err(StoreError::Invalid(format!("no case {case}")));
            }
        }
        let number = next_number(&mut *tx, &document.tenant, "document").await?;
        // The same file uploaded before by the tenant: known at once, from the content hash.
        let sql = format!(
            "INSERT INTO documents (id, tenant_id, filename, sha256, size_bytes, format, status, \
             options, secret_password, created_at, updated_at, number, case_id, metadata, \
             search_text, duplicate_of) \
             VALUES ($1, $2, $3, $4, $5, $6, 'PENDING', $7, $8, $9, $9, $10, $11, $12, $13, \
             (SELECT d.id FROM documents d WHERE d.tenant_id = $2 AND d.sha256 = $4 \
              ORDER BY d.created_at, d.id LIMIT 1)) \
             RETURNING {DOCUMENT_COLUMNS}"
        );
        let row = query(&sql)
            .bind(id.as_str())
            .bind(document.tenant.as_str())
            .bind(&document.filename)
            .bind(&document.sha256)
            .bind(to_i64(document.size_bytes))
            .bind(&document.format)
            .bind(&document.options_json)
            .bind(document.password.as_deref())
            .bind(now_ms)
            .bind(number)
            .bind(document.case_id.as_ref().map(|c| c.as_str().to_owned()))
            .bind(document.metadata_json.as_deref())
            .bind(Subject::search_text(&document.filename, None))
            .fetch_one(&mut *tx)
            .await?;
        let record = rows::document(&row)?;
        tx.commit().await?;
        Ok(record)
    }

    pub(super) async fn get_document_sql(
        &self,
        tenant: &TenantId,
        id: &DocumentId,
    ) -> Result<Option<DocumentRecord>, StoreError> {
        let sql =
            format!("SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id = $1 AND tenant_id = $2");
        let row = query(&sql)
            .bind(id.as_str())
            .bind(tenant.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::document).transpose()
    }

    pub(super) async fn get_document_by_number_sql(
        &self,
        tenant: &TenantId,
        number: i64,
    ) -> Result<Option<DocumentRecord>, StoreError> {
        let sql = format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE number = $1 AND tenant_id = $2"
        );
        let row = query(&sql)
            .bind(number)
            .bind(tenant.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::document).transpose()
    }

    pub(super) async fn list_documents_sql(
        &self,
        tenant: &TenantId,
        filter: &DocumentFilter,
        cursor: Option<&PageCursor>,
        limit: u32,
    ) -> Result<DocumentPage, StoreError> {
        let limit = limit.clamp(1, MAX_PAGE);
        let mut sql = format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE tenant_id = $1 \
             AND ($2 IS NULL OR created_at < $2 OR (created_at = $2 AND id < $3)) \
             AND ($4 IS NULL OR case_id = $4)"
        );
        // Statuses are our own enum's names, bound as parameters all the same.
        let mut next = 6;
        if !filter.statuses.is_empty() {
            let placeholders = (0..filter.statuses.len())
                .map(|i| format!("${}", i + next))
                .collect::<Vec<_>>()
                .join(", ");
            let _ = write!(sql, " AND status IN ({placeholders})");
            next += filter.statuses.len();
        }
        if filter.tier.is_some() {
            let _ = write!(sql, " AND decision_tier = ${next}");
            next += 1;
        }
        if filter.search.is_some() {
            // LIKE with the pattern's own wildcards escaped: the search is plain text.
            let _ = write!(
                sql,
                " AND (search_text LIKE ${next} ESCAPE '\\' OR id = ${})",
                next + 1
            );
        }
        sql.push_str(" ORDER BY created_at DESC, id DESC LIMIT $5");
        let mut statement = query(&sql)
            .bind(tenant.as_str())
            .bind(cursor.map(|c| c.created_at_ms))
            .bind(cursor.map(|c| c.id.clone()))
            .bind(filter.case_id.as_ref().map(|c| c.as_str().to_owned()))
            // One more than asked tells whether there is a next page.
            .bind(i64::from(limit) + 1);
        for status in &filter.statuses {
            statement = statement.bind(status.as_str());
        }
        if let Some(tier) = &filter.tier {
            statement = statement.bind(tier.clone());
        }
        if let Some(search) = &filter.search {
            statement = statement
                .bind(like_pattern(search))
                .bind(search.trim().to_owned());
        }
        let found = statement.fetch_all(&self.pool).await?;
        let mut documents = found
            .iter()
            .map(rows::document)
            .collect::<Result<Vec<_>, _>>()?;
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let more = documents.len() > limit;
        documents.truncate(limit);
        let next = if more {
            documents.last().map(|last| PageCursor {
                created_at_ms: last.created_at_ms,
                id: last.id.as_str().to_owned(),
            })
        } else {
            None
        };
        Ok(DocumentPage { documents, next })
    }

    pub(super) async fn delete_document_sql(
        &self,
        tenant: &TenantId,
        id: &DocumentId,
    ) -> Result<Option<(DocumentRecord, bool)>, StoreError> {
        let mut tx = self.write_tx().await?;
        let deleted = delete_in(&mut tx, tenant, id).await?;
        tx.commit().await?;
        Ok(deleted)
    }

    pub(super) async fn get_analysis_sql(
        &self,
        tenant: &TenantId,
        id: &DocumentId,
        profile: &str,
    ) -> Result<Option<String>, StoreError> {
        let row = query(
            "SELECT body FROM analyses WHERE document_id = $1 AND tenant_id = $2 AND profile = $3",
        )
        .bind(id.as_str())
        .bind(tenant.as_str())
        .bind(profile)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| row.try_get("body"))
            .transpose()
            .map_err(StoreError::from)
    }

    pub(super) async fn requeue_document_sql(
        &self,
        tenant: &TenantId,
        id: &DocumentId,
        password: Option<String>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = query(
            "UPDATE documents SET status = 'PENDING', attempts = 0, failure_code = NULL, \
             failure_message = NULL, secret_password = COALESCE($1, secret_password), \
             progress_step = NULL, finished_at = NULL, updated_at = $2 \
             WHERE id = $3 AND tenant_id = $4 AND status IN ('ANALYZED', 'FLAGGED', 'FAILED')",
        )
        .bind(password)
        .bind(now_ms)
        .bind(id.as_str())
        .bind(tenant.as_str())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// Deletes one document and what hangs off it inside the caller's transaction; says whether its
/// blob is still used by another document of the tenant.
pub(super) async fn delete_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    tenant: &TenantId,
    id: &DocumentId,
) -> Result<Option<(DocumentRecord, bool)>, StoreError> {
    for table in ["analyses", "runs", "document_fingerprints"] {
        query(&format!(
            "DELETE FROM {table} WHERE document_id = $1 AND tenant_id = $2"
        ))
        .bind(id.as_str())
        .bind(tenant.as_str())
        .execute(&mut **tx)
        .await?;
    }
    let sql = format!(
        "DELETE FROM documents WHERE id = $1 AND tenant_id = $2 RETURNING {DOCUMENT_COLUMNS}"
    );
    let Some(row) = query(&sql)
        .bind(id.as_str())
        .bind(tenant.as_str())
        .fetch_optional(&mut **tx)
        .await?
    else {
        return Ok(None);
    };
    let record = rows::document(&row)?;
    // Later documents that repeated this one no longer repeat anything the tenant keeps.
    query("UPDATE documents SET duplicate_of = NULL WHERE tenant_id = $1 AND duplicate_of = $2")
        .bind(tenant.as_str())
        .bind(id.as_str())
        .execute(&mut **tx)
        .await?;
    let others: i64 =
        query("SELECT COUNT(*) AS n FROM documents WHERE tenant_id = $1 AND sha256 = $2")
            .bind(tenant.as_str())
            .bind(&record.sha256)
            .fetch_one(&mut **tx)
            .await?
            .try_get("n")?;
    Ok(Some((record, others > 0)))
}

/// `%text%` for LIKE, lower-cased, with `%`, `_` and the escape character itself escaped.
pub(super) fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod like_tests {
    #[test]
    fn wildcards_in_the_search_are_plain_text() {
        assert_eq!(super::like_pattern(" 50%_A\\b "), "%50\\%\\_a\\\\b%");
    }
}
