//! Cases: the applicants documents are filed under.

use sqlx::query;

use super::documents::delete_in;
use super::rows::{self, CASE_COLUMNS, DOCUMENT_COLUMNS};
use super::{SqlStore, next_number};
use crate::domain::{CaseFields, CaseKind, CasePage, CaseRecord, DeletedCase};
use crate::{CaseId, PageCursor, StoreError, TenantId};

/// Most cases one listing page can hold.
const MAX_PAGE: u32 = 1000;

fn check(fields: &CaseFields) -> Result<(), StoreError> {
    let identifiers: serde_json::Value = serde_json::from_str(&fields.identifiers_json)
        .map_err(|e| StoreError::Invalid(format!("identifiers: {e}")))?;
    if !identifiers.is_object() {
        return Err(StoreError::Invalid(
            "identifiers is an object of scheme to value".to_owned(),
        ));
    }
    Ok(())
}

impl SqlStore {
    pub(super) async fn create_case_sql(
        &self,
        tenant: &TenantId,
        kind: CaseKind,
        fields: &CaseFields,
        now_ms: i64,
    ) -> Result<CaseRecord, StoreError> {
        check(fields)?;
        let id = CaseId::generate()?;
        let mut tx = self.write_tx().await?;
        let number = next_number(&mut *tx, tenant, "case").await?;
        let sql = format!(
            "INSERT INTO cases (id, tenant_id, number, kind, name, country, identifiers, \
             business_type, sector, revenue_band, assignee, reference, created_at, updated_at, \
             search_text) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14) \
             RETURNING {CASE_COLUMNS}"
        );
        let row = query(&sql)
            .bind(id.as_str())
            .bind(tenant.as_str())
            .bind(number)
            .bind(kind.as_str())
            .bind(fields.name.as_deref())
            .bind(fields.country.as_deref())
            .bind(&fields.identifiers_json)
            .bind(fields.business_type.as_deref())
            .bind(fields.sector.as_deref())
            .bind(fields.revenue_band.as_deref())
            .bind(fields.assignee.as_deref())
            .bind(fields.reference.as_deref())
            .bind(now_ms)
            .bind(fields.search_text())
            .fetch_one(&mut *tx)
            .await?;
        let record = rows::case(&row)?;
        tx.commit().await?;
        Ok(record)
    }

    pub(super) async fn get_case_sql(
        &self,
        tenant: &TenantId,
        id: &CaseId,
    ) -> Result<Option<CaseRecord>, StoreError> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1 AND tenant_id = $2");
        let row = query(&sql)
            .bind(id.as_str())
            .bind(tenant.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::case).transpose()
    }

    pub(super) async fn get_case_by_number_sql(
        &self,
        tenant: &TenantId,
        number: i64,
    ) -> Result<Option<CaseRecord>, StoreError> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE number = $1 AND tenant_id = $2");
        let row = query(&sql)
            .bind(number)
            .bind(tenant.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::case).transpose()
    }

    pub(super) async fn list_cases_sql(
        &self,
        tenant: &TenantId,
        search: Option<&str>,
        cursor: Option<&PageCursor>,
        limit: u32,
    ) -> Result<CasePage, StoreError> {
        let limit = limit.clamp(1, MAX_PAGE);
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE tenant_id = $1 \
             AND ($2 IS NULL OR created_at < $2 OR (created_at = $2 AND id < $3)) \
             AND ($5 IS NULL OR search_text LIKE $5 ESCAPE '\\') \
             ORDER BY created_at DESC, id DESC LIMIT $4"
        );
        let found = query(&sql)
            .bind(tenant.as_str())
            .bind(cursor.map(|c| c.created_at_ms))
            .bind(cursor.map(|c| c.id.clone()))
            .bind(i64::from(limit) + 1)
            .bind(search.map(super::documents::like_pattern))
            .fetch_all(&self.pool)
            .await?;
        let mut cases = found
            .iter()
            .map(rows::case)
            .collect::<Result<Vec<_>, _>>()?;
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let more = cases.len() > limit;
        cases.truncate(limit);
        let next = if more {
            cases.last().map(|last| PageCursor {
                created_at_ms: last.created_at_ms,
                id: last.id.as_str().to_owned(),
            })
        } else {
            None
        };
        Ok(CasePage { cases, next })
    }

    pub(super) async fn update_case_sql(
        &self,
        tenant: &TenantId,
        id: &CaseId,
        fields: &CaseFields,
        now_ms: i64,
    ) -> Result<Option<CaseRecord>, StoreError> {
        check(fields)?;
        let sql = format!(
            "UPDATE cases SET name = $1, country = $2, identifiers = $3, business_type = $4, \
             sector = $5, revenue_band = $6, assignee = $7, reference = $8, updated_at = $9, \
             search_text = $12 \
             WHERE id = $10 AND tenant_id = $11 RETURNING {CASE_COLUMNS}"
        );
        let row = query(&sql)
            .bind(fields.name.as_deref())
            .bind(fields.country.as_deref())
            .bind(&fields.identifiers_json)
            .bind(fields.business_type.as_deref())
            .bind(fields.sector.as_deref())
            .bind(fields.revenue_band.as_deref())
            .bind(fields.assignee.as_deref())
            .bind(fields.reference.as_deref())
            .bind(now_ms)
            .bind(id.as_str())
            .bind(tenant.as_str())
            .bind(fields.search_text())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::case).transpose()
    }

    pub(super) async fn delete_case_sql(
        &self,
        tenant: &TenantId,
        id: &CaseId,
    ) -> Result<Option<DeletedCase>, StoreError> {
        let mut tx = self.write_tx().await?;
        let sql =
            format!("DELETE FROM cases WHERE id = $1 AND tenant_id = $2 RETURNING {CASE_COLUMNS}");
        let Some(row) = query(&sql)
            .bind(id.as_str())
            .bind(tenant.as_str())
            .fetch_optional(&mut *tx)
            .await?
        else {
            tx.rollback().await?;
            return Ok(None);
        };
        let case = rows::case(&row)?;
        let sql = format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE tenant_id = $1 AND case_id = $2"
        );
        let filed = query(&sql)
            .bind(tenant.as_str())
            .bind(id.as_str())
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(rows::document)
            .collect::<Result<Vec<_>, _>>()?;
        let mut removed = Vec::with_capacity(filed.len());
        for document in filed {
            if let Some(done) = delete_in(&mut tx, tenant, &document.id).await? {
                removed.push(done);
            }
        }
        tx.commit().await?;
        Ok(Some((case, removed)))
    }
}
