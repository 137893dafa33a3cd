//! `PUT /statements`: a PDF (or any statement file) with its password and statement type,
//! stored and queued; the client polls `GET /statements/{key}` for `PROCESSED`.

use axum::Json;
use axum::extract::multipart::{Field, MultipartRejection};
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ledgerlens_store::{Blobs, Store};

use super::body::Described;
use super::statements::{StatementType, file_statement, metadata, statement_json};
use crate::analysis::DocumentOptions;
use crate::auth::Tenant;
use crate::documents::{Accepted, MULTIPART_OVERHEAD_BYTES, too_large};
use crate::{ApiError, AppState};

/// Longest text field of the PDF upload.
const MAX_TEXT_FIELD_BYTES: usize = 1024;

/// What a PDF upload held.
#[derive(Default)]
struct PdfUpload {
    file: Option<(String, Vec<u8>)>,
    password: Option<String>,
    statement_type: Option<String>,
    statement_name: Option<String>,
}

fn multipart_error(error: &axum::extract::multipart::MultipartError, limit: u64) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large(limit);
    }
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "malformed_multipart",
        format!("malformed multipart body: {}", error.body_text()),
    )
}

async fn read_field(
    field: &mut Field<'_>,
    limit: usize,
    upload_limit: u64,
) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| multipart_error(&e, upload_limit))?
    {
        if bytes.len().saturating_add(chunk.len()) > limit {
            return Err(if limit == MAX_TEXT_FIELD_BYTES {
                ApiError::bad_field(
                    "invalid_field",
                    field.name().unwrap_or("field"),
                    &format!("longer than {MAX_TEXT_FIELD_BYTES} bytes"),
                )
            } else {
                too_large(upload_limit)
            });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

async fn read_pdf_upload(multipart: &mut Multipart, limit: u64) -> Result<PdfUpload, ApiError> {
    let mut upload = PdfUpload::default();
    let file_limit = usize::try_from(limit).unwrap_or(usize::MAX);
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| multipart_error(&e, limit))?
    {
        let name = field.name().unwrap_or_default().to_ascii_lowercase();
        if name == "file" {
            if upload.file.is_some() {
                return Err(ApiError::bad_field(
                    "invalid_field",
                    "file",
                    "one file per upload",
                ));
            }
            let filename = field
                .file_name()
                .map(crate::documents::sanitize_filename)
                .unwrap_or_else(|| "statement.pdf".to_owned());
            upload.file = Some((filename, read_field(&mut field, file_limit, limit).await?));
            continue;
        }
        let slot = match name.as_str() {
            "password" => &mut upload.password,
            "statementtype" => &mut upload.statement_type,
            "statementname" => &mut upload.statement_name,
            _ => {
                return Err(ApiError::bad_field(
                    "unknown_field",
                    field.name().unwrap_or_default(),
                    "not a field of this upload (file, password, statementType, statementName)",
                ));
            }
        };
        let bytes = read_field(&mut field, MAX_TEXT_FIELD_BYTES, limit).await?;
        let text = String::from_utf8(bytes)
            .map_err(|_| ApiError::bad_field("invalid_field", &name, "not UTF-8 text"))?;
        // The password is taken as given; other fields are trimmed.
        let text = if name == "password" {
            text
        } else {
            text.trim().to_owned()
        };
        *slot = Some(text).filter(|t| !t.is_empty());
    }
    Ok(upload)
}

/// `PUT /statements` (multipart: `file`, `password`, `statementType`): stores and queues the
/// statement; 200 with its metadata, `processingStatus` `UPLOADED`. Poll `GET /statements/{key}`
/// for `PROCESSED`. 400 for a malformed body or no file, 413 over the upload limit, 415 for a
/// file of no supported format.
pub(super) async fn upload<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let limit = state.config.max_upload_bytes;
    let overhead = u64::try_from(MULTIPART_OVERHEAD_BYTES).unwrap_or(u64::MAX);
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit.saturating_add(overhead)) {
        return Err(too_large(limit));
    }
    let mut multipart = multipart.map_err(|rejection| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_multipart",
            format!("expected a multipart/form-data body with a `file` field: {rejection}"),
        )
    })?;
    let upload = match read_pdf_upload(&mut multipart, limit).await {
        Ok(upload) => upload,
        Err(error) => {
            // Read what is left so the client, still sending, gets the answer.
            while let Ok(Some(mut field)) = multipart.next_field().await {
                while let Ok(Some(_)) = field.chunk().await {}
            }
            return Err(error);
        }
    };
    let Some((filename, bytes)) = upload.file else {
        return Err(ApiError::bad_field(
            "missing_field",
            "file",
            "the statement PDF is required",
        ));
    };
    let kind = StatementType::parse(
        upload.statement_type.as_deref().unwrap_or(""),
        "statementType",
    )?;
    let name = upload.statement_name.unwrap_or_else(|| filename.clone());
    let described = Described {
        statement_name: Some(name.clone()),
        ..Described::default()
    };
    let accepted = Accepted {
        filename,
        bytes,
        options: DocumentOptions::default(),
        password: upload.password,
        case_id: None,
        metadata: Some(metadata(&name, kind, &described)),
    };
    let record = file_statement(&state, &tenant, kind, &described, accepted).await?;
    Ok(Json(statement_json(&state, &record).await?).into_response())
}
