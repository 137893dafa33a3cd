//! A tenant's API keys and OAuth clients over the API (the dashboard's settings), and its
//! audit log. The same operations as `ledgerlens admin`, for callers holding
//! `credentials:manage`; a caller can only grant scopes it holds itself, so a credential
//! cannot mint a more powerful one.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use ledgerlens_store::{Blobs, CredentialKind, CredentialSpec, NewAudit, Principal, Store};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::Caller;
use crate::documents::timestamp;
use crate::json_body::Body;
use crate::{ApiError, AppState, now_ms};

/// Scopes a credential can hold (besides `*`).
pub(crate) const SCOPES: &[&str] = &[
    "documents:read",
    "documents:write",
    "webhooks:manage",
    "credentials:manage",
    "settings:manage",
    "read_bank_xray_report",
];

/// Records an action in the tenant's audit log; a failure to log is reported, not raised
/// (the action itself already happened).
pub(crate) async fn audit<S: Store>(
    store: &S,
    caller: &Principal,
    action: &str,
    target: Option<&str>,
) {
    let entry = NewAudit {
        tenant: &caller.tenant,
        actor: &caller.credential,
        action,
        target,
        detail: None,
    };
    if let Err(error) = store.audit(entry, now_ms()).await {
        tracing::error!(%error, action, "audit log write failed");
    }
}

/// `GET /v1/credentials`.
pub(crate) async fn list<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Caller(caller): Caller,
) -> Result<Json<Value>, ApiError> {
    let now = now_ms();
    let data: Vec<Value> = state
        .store
        .list_credentials(&caller.tenant)
        .await?
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "kind": c.kind.as_str(),
                "permissions": c.permissions,
                "label": c.label,
                "email": c.email,
                "created_at": timestamp(c.created_at_ms),
                "revoked_at": c.revoked_at_ms.map(timestamp),
                "active": c.revoked_at_ms.is_none_or(|at| at > now),
                "current": c.id == caller.credential,
            })
        })
        .collect();
    Ok(Json(json!({ "data": data })))
}

/// `POST /v1/credentials` `{kind: api_key|oauth_client, permissions?, label?}`: the secret is
/// in this answer only.
pub(crate) async fn create<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Caller(caller): Caller,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let body = Body::parse(
        &body,
        &["kind", "permissions", "label", "email", "password"],
    )?;
    let kind = match body.text("kind")?.as_deref() {
        Some("api_key") => CredentialKind::ApiKey,
        Some("oauth_client") => CredentialKind::OAuthClient,
        Some("user") => CredentialKind::User,
        _ => {
            return Err(ApiError::bad_field(
                "invalid_field",
                "kind",
                "api_key, oauth_client or user",
            ));
        }
    };
    let permissions = match body.value("permissions") {
        None => caller.permissions.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .filter(|list| !list.is_empty())
            .ok_or_else(|| {
                ApiError::bad_field("invalid_field", "permissions", "a non-empty list of scopes")
            })?,
        Some(_) => {
            return Err(ApiError::bad_field(
                "invalid_field",
                "permissions",
                "a non-empty list of scopes",
            ));
        }
    };
    for scope in &permissions {
        if scope != "*" && !SCOPES.contains(&scope.as_str()) {
            return Err(ApiError::bad_field(
                "invalid_field",
                "permissions",
                &format!("unknown scope {scope:?} (known: *, {})", SCOPES.join(", ")),
            ));
        }
        if !caller.may(scope) || (scope == "*" && !caller.may("*")) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "insufficient_scope",
                format!("cannot grant `{scope}`, which this credential does not hold"),
            ));
        }
    }
    let label = body.text("label")?.filter(|l| !l.trim().is_empty());
    let spec = CredentialSpec { permissions, label };
    let now = now_ms();
    let answer = match kind {
        CredentialKind::ApiKey => {
            let created = state
                .store
                .create_api_key(&caller.tenant, &spec, now)
                .await?;
            audit(&state.store, &caller, "key.create", Some(&created.id)).await;
            json!({ "id": created.id, "kind": "api_key", "permissions": spec.permissions,
                    "label": spec.label, "key": created.key })
        }
        CredentialKind::OAuthClient => {
            let created = state
                .store
                .create_oauth_client(&caller.tenant, &spec, now)
                .await?;
            audit(
                &state.store,
                &caller,
                "client.create",
                Some(&created.client_id),
            )
            .await;
            json!({ "id": created.client_id, "kind": "oauth_client",
                    "permissions": spec.permissions, "label": spec.label,
                    "client_id": created.client_id, "client_secret": created.client_secret })
        }
        CredentialKind::User => {
            let email = body
                .text("email")?
                .ok_or_else(|| ApiError::bad_field("missing_field", "email", "required"))?;
            let password = body
                .text("password")?
                .ok_or_else(|| ApiError::bad_field("missing_field", "password", "required"))?;
            let id =
                crate::sessions::create_user(&state.store, &caller.tenant, &email, password, &spec)
                    .await?;
            audit(&state.store, &caller, "user.create", Some(&id)).await;
            json!({ "id": id, "kind": "user", "permissions": spec.permissions,
                    "label": spec.label, "email": email.trim().to_lowercase() })
        }
    };
    Ok((StatusCode::CREATED, Json(answer)))
}

/// `DELETE /v1/credentials/{id}`: revokes at once.
pub(crate) async fn revoke<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if !state
        .store
        .revoke_credential(&caller.tenant, &id, now_ms())
        .await?
    {
        return Err(ApiError::not_found("credential"));
    }
    audit(&state.store, &caller, "credential.revoke", Some(&id)).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Size of an audit page.
#[derive(Debug, Deserialize)]
pub(crate) struct AuditQuery {
    limit: Option<u32>,
}

/// `GET /v1/audit`: the tenant's audit log, newest first.
pub(crate) async fn audit_log<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Caller(caller): Caller,
    Query(query): Query<AuditQuery>,
) -> Result<Json<Value>, ApiError> {
    let limit = query.limit.unwrap_or(100).clamp(1, 1000);
    let data: Vec<Value> = state
        .store
        .list_audit(&caller.tenant, limit)
        .await?
        .iter()
        .map(|a| {
            json!({
                "at": timestamp(a.at_ms),
                "actor": a.actor,
                "action": a.action,
                "target": a.target,
            })
        })
        .collect();
    Ok(Json(json!({ "data": data })))
}
