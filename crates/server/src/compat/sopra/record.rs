//! A media between `POST /media` and `POST /media/{id}`: what the client described, whether its
//! bytes arrived, and the document it became. The store has no table for a file that is not
//! yet a document, so the record is a small JSON blob of the tenant's, named by a MAC of the
//! media id (`signing::record_name`): no other blob can take that name, and no one without the
//! server's key can find it. The uploaded bytes themselves are kept content-addressed, where
//! the native upload puts them once the media goes online.

use ledgerlens_store::{BlobKey, Blobs, Store, TenantId};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::signing;
use crate::documents::timestamp;
use crate::{ApiError, AppState};

/// Where a media is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum MediaStatus {
    /// Described; its upload target is waiting for the bytes.
    Pending,
    /// The bytes arrived; `POST /media/{id}` puts it online.
    Uploaded,
    /// Online: a bank statement is filed under its request and analysed.
    Online,
}

/// The bytes that arrived at the upload target.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Uploaded {
    pub sha256: String,
    pub size: u64,
    pub at_ms: i64,
}

/// One media.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Media {
    pub id: String,
    /// The request (case) it belongs to.
    pub request: String,
    /// `bank_statement` or `other`.
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub metadata: Value,
    pub status: MediaStatus,
    pub created_ms: i64,
    pub expires_s: i64,
    pub uploaded: Option<Uploaded>,
    pub period: Option<Value>,
    pub date: Option<String>,
    /// The native document, once online (bank statements only).
    pub document: Option<String>,
}

impl Media {
    /// As the API shows it.
    pub(crate) fn json(&self) -> Value {
        json!({
            "id": self.id,
            "request": self.request,
            "type": self.kind,
            "name": self.name,
            "metadata": self.metadata,
            "status": self.status,
            "size": self.uploaded.as_ref().map(|u| u.size),
            "period": self.period,
            "date": self.date,
            "document": self.document,
            "creation": timestamp(self.created_ms),
            "uploadExpiresAt": timestamp(self.expires_s.saturating_mul(1000)),
        })
    }
}

fn key<S, B>(state: &AppState<S, B>, tenant: &TenantId, media: &str) -> Result<BlobKey, ApiError> {
    let name = signing::record_name(&state.token_key, tenant.as_str(), media)
        .ok_or_else(|| ApiError::internal(&"the media key could not be derived"))?;
    Ok(BlobKey::new(tenant, &name)?)
}

/// A media id of our shape (`med_` and 32 hex digits); anything else cannot exist.
pub(crate) fn valid_id(id: &str) -> bool {
    id.strip_prefix("med_")
        .is_some_and(|hex| hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A new media id.
pub(crate) fn new_id() -> Result<String, ApiError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::internal(&e))?;
    Ok(format!(
        "med_{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    ))
}

/// The tenant's media of that id; `None` for an unknown one (another tenant's included).
pub(crate) async fn load<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &TenantId,
    media: &str,
) -> Result<Option<Media>, ApiError> {
    if !valid_id(media) {
        return Ok(None);
    }
    let Some(bytes) = state.blobs.get(&key(state, tenant, media)?).await? else {
        return Ok(None);
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| ApiError::internal(&format!("media record {media}: {e}")))
}

/// Writes the record.
pub(crate) async fn save<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &TenantId,
    media: &Media,
) -> Result<(), ApiError> {
    let bytes = serde_json::to_vec(media).map_err(|e| ApiError::internal(&e))?;
    state
        .blobs
        .put(&key(state, tenant, &media.id)?, bytes)
        .await?;
    Ok(())
}
