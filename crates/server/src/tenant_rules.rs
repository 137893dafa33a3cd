//! A tenant's own categorisation: the corrections its analysts make become rules that win over
//! the shipped packs, for every later analysis of the tenant.
//!
//! `POST /v1/documents/{id}/transactions/{index}/category` is how a correction is made: by
//! default it applies to the transaction's counterparty (every payment to "ACME FOODS" is
//! groceries from now on), or to the exact narration when the transaction has no counterparty;
//! the document is then analysed again, so its scores follow. Rules are listed and removed
//! under `/v1/rules`.
//!
//! Rules are stored as JSON and compiled into one tenant pack for the enricher. Compiling costs
//! tens of milliseconds, so each tenant's compiled enricher is cached and rebuilt only when its
//! rules change (the cache key is a hash of the rule ids).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use ledgerlens_core::category::Category;
use ledgerlens_enrich::{CounterpartySpec, Enricher, OverrideSpec, PackFile, PackHeader, RuleSpec};
use ledgerlens_store::{Blobs, RuleRecord, Store, TenantId};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::auth::Tenant;
use crate::documents::{document_id, document_json};
use crate::json_body::Body;
use crate::{ApiError, AppState, now_ms};

/// One stored correction.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct TenantRule {
    /// Detailed taxonomy code it assigns.
    pub category: String,
    /// Every transaction of this counterparty key…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterparty: Option<String>,
    /// …or every transaction whose narration holds this phrase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phrase: Option<String>,
    /// `debit` or `credit`; either when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    /// Where the correction was made, for people reading the rule later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Value>,
}

/// The tenant pack of a tenant's rules, in creation order (later rules win among equals).
fn pack_of(rules: &[RuleRecord]) -> PackFile {
    let mut file = PackFile {
        pack: PackHeader {
            id: "tenant".to_owned(),
            version: rules.len().to_string(),
            countries: vec!["*".to_owned()],
            currencies: Vec::new(),
            description: "the tenant's corrections".to_owned(),
        },
        rules: Vec::new(),
        channels: Vec::new(),
        counterparty: CounterpartySpec::default(),
        overrides: Vec::new(),
    };
    for (n, record) in rules.iter().enumerate() {
        // Stored rules were checked on the way in; one that no longer reads is skipped, not
        // allowed to stop every analysis of the tenant.
        let Ok(rule) = serde_json::from_str::<TenantRule>(&record.body_json) else {
            tracing::warn!(rule = %record.id, "unreadable tenant rule skipped");
            continue;
        };
        if let Some(counterparty) = rule.counterparty {
            file.overrides.push(OverrideSpec {
                counterparty,
                category: rule.category,
                direction: rule.direction,
            });
        } else if let Some(phrase) = rule.phrase {
            file.rules.push(RuleSpec {
                id: format!("tenant.rule.{n}"),
                category: Some(rule.category),
                any: vec![phrase],
                direction: Some(rule.direction.unwrap_or_else(|| "any".to_owned())),
                priority: i32::try_from(n).ok(),
                ..RuleSpec::default()
            });
        }
    }
    file
}

/// The compiled enrichers of tenants that have rules.
#[derive(Debug, Default)]
pub(crate) struct TenantEnrichers {
    cache: Mutex<HashMap<TenantId, (u64, Arc<Enricher>)>>,
}

impl TenantEnrichers {
    /// The enricher for `tenant`: the shared built-in one when the tenant has no rules.
    pub(crate) async fn for_tenant<S: Store>(
        &self,
        store: &S,
        builtin: &Arc<Enricher>,
        tenant: &TenantId,
    ) -> Result<Arc<Enricher>, ApiError> {
        let rules = store.list_rules(tenant).await?;
        if rules.is_empty() {
            return Ok(Arc::clone(builtin));
        }
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for rule in &rules {
            rule.id.hash(&mut hasher);
        }
        let version = hasher.finish();
        if let Ok(cache) = self.cache.lock()
            && let Some((cached, enricher)) = cache.get(tenant)
            && *cached == version
        {
            return Ok(Arc::clone(enricher));
        }
        let pack = pack_of(&rules);
        let enricher =
            crate::blocking(move || Enricher::with_tenant_packs(vec![("tenant".to_owned(), pack)]))
                .await?
                .map_err(|e| ApiError::internal(&e))?;
        let enricher = Arc::new(enricher);
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(tenant.clone(), (version, Arc::clone(&enricher)));
        }
        Ok(enricher)
    }
}

fn rule_json(record: &RuleRecord) -> Value {
    let body: Value = serde_json::from_str(&record.body_json).unwrap_or(Value::Null);
    json!({
        "id": record.id,
        "rule": body,
        "created_at": crate::documents::timestamp(record.created_at_ms),
    })
}

fn category(code: &str) -> Result<Category, ApiError> {
    Category::parse(code).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_category",
            format!("{code:?} is not a detailed category of the taxonomy (docs/taxonomy.md)"),
        )
        .with_detail("field", "category")
    })
}

fn direction(text: Option<String>) -> Result<Option<String>, ApiError> {
    match text.as_deref() {
        None | Some("any") => Ok(None),
        Some("debit" | "credit") => Ok(text),
        Some(_) => Err(ApiError::bad_field(
            "invalid_field",
            "direction",
            "debit, credit or any",
        )),
    }
}

/// `GET /v1/rules`: the tenant's rules, oldest first.
pub(crate) async fn list<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
) -> Result<Json<Value>, ApiError> {
    let rules = state.store.list_rules(&tenant).await?;
    Ok(Json(
        json!({ "data": rules.iter().map(rule_json).collect::<Vec<_>>() }),
    ))
}

/// `POST /v1/rules`: a rule written by hand (`category` with `counterparty` or `phrase`).
pub(crate) async fn create<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let body = Body::parse(&body, &["category", "counterparty", "phrase", "direction"])?;
    let Some(code) = body.text("category")? else {
        return Err(ApiError::bad_field("missing_field", "category", "required"));
    };
    let rule = TenantRule {
        category: category(&code)?.code().to_owned(),
        counterparty: body.text("counterparty")?.map(|c| c.trim().to_uppercase()),
        phrase: body.text("phrase")?.map(|p| p.trim().to_lowercase()),
        direction: direction(body.text("direction")?)?,
        source: None,
    };
    match (&rule.counterparty, &rule.phrase) {
        (Some(c), None) if !c.is_empty() && c.len() <= 200 => {}
        (None, Some(p)) if p.chars().count() >= 3 && p.len() <= 200 => {}
        _ => {
            return Err(ApiError::bad_field(
                "invalid_field",
                "counterparty",
                "give exactly one of `counterparty` (a key, 1–200 characters) or `phrase` \
                 (3–200 characters)",
            ));
        }
    }
    let stored = store_rule(&state, &tenant, &rule).await?;
    Ok((StatusCode::CREATED, Json(rule_json(&stored))))
}

async fn store_rule<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &TenantId,
    rule: &TenantRule,
) -> Result<RuleRecord, ApiError> {
    let text = serde_json::to_string(rule).map_err(|e| ApiError::internal(&e))?;
    Ok(state.store.add_rule(tenant, &text, now_ms()).await?)
}

/// `DELETE /v1/rules/{id}`.
pub(crate) async fn delete<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if state.store.delete_rule(&tenant, &id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("rule"))
    }
}

/// `POST /v1/documents/{id}/transactions/{index}/category`: re-categorises one transaction by
/// making a tenant rule from it, then queues the document for analysis again (answer 202 with
/// the rule and the document; follow its progress as after an upload).
pub(crate) async fn recategorise<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    Path((id, index)): Path<(String, String)>,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let id = document_id(Ok(Path(id)))?;
    let body = Body::parse(&body, &["category", "scope", "password"])?;
    let Some(code) = body.text("category")? else {
        return Err(ApiError::bad_field("missing_field", "category", "required"));
    };
    let chosen = category(&code)?;
    let scope = body
        .text("scope")?
        .unwrap_or_else(|| "counterparty".to_owned());
    if scope != "counterparty" && scope != "narration" {
        return Err(ApiError::bad_field(
            "invalid_field",
            "scope",
            "counterparty (every transaction of its counterparty) or narration",
        ));
    }
    let Some(document) = state.store.get_document(&tenant, &id).await? else {
        return Err(ApiError::not_found("document"));
    };
    if !document.status.has_analysis() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_analyzed",
            format!(
                "the document is {}; correct it once analysed",
                document.status
            ),
        ));
    }
    let transactions = state
        .store
        .get_analysis(&tenant, &id, "transactions")
        .await?
        .ok_or_else(|| ApiError::not_found("transaction"))?;
    let transactions: Value =
        serde_json::from_str(&transactions).map_err(|e| ApiError::internal(&e))?;
    let tx = index
        .strip_prefix("tx_")
        .unwrap_or(&index)
        .parse::<usize>()
        .ok()
        .and_then(|i| transactions.get(i))
        .ok_or_else(|| ApiError::not_found("transaction"))?;
    let text = |pointer: &str| tx.pointer(pointer).and_then(Value::as_str);
    let counterparty = text("/counterparty/key").map(str::to_owned);
    let narration = text("/narration").unwrap_or("").trim().to_lowercase();
    let direction = text("/direction").map(str::to_owned);
    let source = json!({
        "document": id.as_str(),
        "transaction": tx.get("index"),
        "was": tx.get("category"),
    });
    let rule = match (scope.as_str(), counterparty) {
        ("counterparty", Some(key)) if !key.is_empty() => TenantRule {
            category: chosen.code().to_owned(),
            counterparty: Some(key),
            phrase: None,
            direction,
            source: Some(source),
        },
        _ if narration.chars().count() >= 3 => TenantRule {
            category: chosen.code().to_owned(),
            counterparty: None,
            phrase: Some(narration),
            direction,
            source: Some(source),
        },
        _ => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "not_correctable",
                "the transaction has neither a counterparty nor a narration to make a rule of",
            ));
        }
    };
    let stored = store_rule(&state, &tenant, &rule).await?;
    let requeued = state
        .store
        .requeue_document(&tenant, &id, body.text("password")?, now_ms())
        .await?;
    if requeued {
        state.queued.notify_one();
    }
    let document = state
        .store
        .get_document(&tenant, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("document"))?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "rule": rule_json(&stored), "document": document_json(&document) })),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, rule: &TenantRule) -> RuleRecord {
        RuleRecord {
            id: id.to_owned(),
            body_json: serde_json::to_string(rule).unwrap(),
            created_at_ms: 0,
        }
    }

    #[test]
    fn counterparty_rules_become_overrides_and_phrases_become_rules() {
        let by_counterparty = TenantRule {
            category: "FOOD_AND_DRINK_GROCERIES".to_owned(),
            counterparty: Some("ACME FOODS".to_owned()),
            phrase: None,
            direction: Some("debit".to_owned()),
            source: None,
        };
        let by_phrase = TenantRule {
            category: "ENTERTAINMENT_TV_AND_MOVIES".to_owned(),
            counterparty: None,
            phrase: Some("netflix".to_owned()),
            direction: None,
            source: None,
        };
        let pack = pack_of(&[
            record("rul_1", &by_counterparty),
            record("rul_2", &by_phrase),
            RuleRecord {
                id: "rul_3".to_owned(),
                body_json: "not json".to_owned(),
                created_at_ms: 0,
            },
        ]);
        assert_eq!(pack.overrides.len(), 1);
        assert_eq!(pack.overrides[0].counterparty, "ACME FOODS");
        assert_eq!(pack.rules.len(), 1);
        assert_eq!(pack.rules[0].any, vec!["netflix".to_owned()]);
        // The pack compiles with the shipped ones.
        assert!(Enricher::with_tenant_packs(vec![("tenant".to_owned(), pack)]).is_ok());
    }
}
