//! `PATCH /statements/identification`: the customer's identifiers (BVN, NIN, the tenant's own),
//! kept on the statement's applicant (its case).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use ledgerlens_store::{Blobs, CaseFields, Store};
use serde_json::{Map, Value, json};

use super::body;
use super::statement;
use super::statements::client_identification;
use crate::auth::Tenant;
use crate::{ApiError, AppState, now_ms};

/// The request fields of `PATCH /statements/identification`, and of each identifier.
const IDENTIFICATION_FIELDS: [&str; 2] = ["statementKey", "identificationData"];
const IDENTIFIER_FIELDS: [&str; 2] = ["identifierName", "value"];

/// One identifier as given: its case scheme (`bvn`, `nin`, or `custom:<name>`) and value.
fn identifier(index: usize, item: &Value) -> Result<(String, String), ApiError> {
    let at = |field: &str| format!("identificationData[{index}].{field}");
    let Value::Object(object) = item else {
        return Err(ApiError::bad_field(
            "invalid_field",
            &format!("identificationData[{index}]"),
            "an object with identifierName and value",
        ));
    };
    let object = body::canonical(object.clone(), &IDENTIFIER_FIELDS).map_err(|e| {
        ApiError::new(
            e.status,
            e.code,
            format!("identificationData[{index}]: {}", e.message),
        )
    })?;
    let text = |field: &str| -> Result<String, ApiError> {
        match object.get(field) {
            Some(Value::String(text)) if !text.trim().is_empty() => Ok(text.trim().to_owned()),
            _ => Err(ApiError::bad_field(
                "invalid_field",
                &at(field),
                "a non-empty string",
            )),
        }
    };
    let name = text("identifierName")?;
    let value = text("value")?;
    let scheme = match name.to_ascii_lowercase().as_str() {
        "bvn" => "bvn".to_owned(),
        "nin" => "nin".to_owned(),
        _ => format!("custom:{name}"),
    };
    crate::cases::identifier(&scheme, &value)
        .map_err(|e| ApiError::bad_field("invalid_field", &at("value"), &e.message))?;
    Ok((scheme, value))
}

/// `PATCH /statements/identification` (`statementKey`, `identificationData[]` of
/// `identifierName`/`value`): attaches the identifiers to the statement's applicant (its case);
/// 200 with the statement's `clientIdentification`. BVN and NIN must be 11 digits; any other name
/// is kept as the tenant's own identifier. 400 for a malformed body, 404 for an unknown key, 409
/// for a statement filed under no case (uploaded through the native API without one).
pub(super) async fn identification<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    request: Bytes,
) -> Result<Json<Value>, ApiError> {
    let (_, object) = body::fields(&request, &IDENTIFICATION_FIELDS)?;
    let key = object
        .get("statementKey")
        .and_then(Value::as_i64)
        .filter(|k| *k > 0)
        .ok_or_else(|| {
            ApiError::bad_field(
                "invalid_field",
                "statementKey",
                "the integer key of a statement",
            )
        })?;
    let items = match object.get("identificationData") {
        Some(Value::Array(items)) if !items.is_empty() => items,
        _ => {
            return Err(ApiError::bad_field(
                "invalid_field",
                "identificationData",
                "a non-empty array of {identifierName, value}",
            ));
        }
    };
    let identifiers = items
        .iter()
        .enumerate()
        .map(|(index, item)| identifier(index, item))
        .collect::<Result<Vec<_>, _>>()?;
    let record = statement(&state, &tenant, key).await?;
    let case = match &record.case_id {
        Some(id) => state.store.get_case(&tenant, id).await?,
        None => None,
    };
    let Some(case) = case else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "no_applicant",
            "the statement is filed under no case to attach identifiers to: upload it through \
             this API, or under a case (/v1/cases)",
        ));
    };
    let mut map: Map<String, Value> =
        serde_json::from_str(&case.fields.identifiers_json).unwrap_or_default();
    for (scheme, value) in identifiers {
        map.insert(scheme, value.into());
    }
    let fields = CaseFields {
        identifiers_json: Value::Object(map).to_string(),
        ..case.fields.clone()
    };
    let updated = state
        .store
        .update_case(&tenant, &case.id, &fields, now_ms())
        .await?
        .ok_or_else(|| ApiError::not_found("statement"))?;
    Ok(Json(json!({
        "statementKey": key,
        "clientIdentification": client_identification(Some(&updated)),
    })))
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly by design"
)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_map_to_case_schemes_and_are_checked() {
        let bvn = json!({"IdentifierName": "BVN", "Value": "12345678901"});
        assert_eq!(
            identifier(0, &bvn).unwrap(),
            ("bvn".to_owned(), "12345678901".to_owned())
        );
        let custom = json!({"identifierName": "customIdentifier", "value": "111"});
        assert_eq!(identifier(1, &custom).unwrap().0, "custom:customIdentifier");
        let short = json!({"identifierName": "nin", "value": "123"});
        assert_eq!(identifier(0, &short).unwrap_err().code, "invalid_field");
        let empty = json!({"identifierName": "nin"});
        assert_eq!(identifier(0, &empty).unwrap_err().code, "invalid_field");
    }
}
