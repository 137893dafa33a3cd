//! The OpenAPI 3.1 document of the service (`GET /openapi.json`) and a small page that renders
//! it (`GET /docs`), both public.
//!
//! Written by hand with `serde_json` rather than derived (utoipa): the handlers parse their
//! inputs by hand to name the offending field in errors, so a derive would describe types the
//! wire never sees. A unit test checks that every route of the router is described here and
//! nothing else is; `tests/it/api_openapi.rs` checks over HTTP that each described operation
//! is served and each undescribed method is refused.

use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::filters::{DEFAULT_LIMIT, MAX_LIMIT};

/// `GET /openapi.json`.
pub(crate) async fn document() -> Response {
    let mut response = document_value().to_string().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// `GET /docs`: renders `/openapi.json` in the browser with no external asset.
pub(crate) async fn docs_page() -> Html<&'static str> {
    Html(include_str!("docs.html"))
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": reference("Error") } },
    })
}

fn json_response(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema })
}

fn id_parameter(name: &str, description: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "description": description, "schema": { "type": "string" } })
}

fn document_id() -> Value {
    id_parameter(
        "id",
        "A document id (`doc_…`); another tenant's id is 404, as an unknown one.",
    )
}

/// An operation. `errors` are the statuses it may answer with the error shape.
#[allow(
    clippy::too_many_arguments,
    reason = "one call per operation reads as a row of the API table"
)]
fn operation(
    id: &str,
    tag: &str,
    summary: &str,
    parameters: Vec<Value>,
    body: Option<Value>,
    success: (&str, Value),
    errors: &[(&str, &str)],
    public: bool,
) -> Value {
    let mut responses = Map::new();
    responses.insert(success.0.to_owned(), success.1);
    for (status, description) in errors {
        responses.insert((*status).to_owned(), error_response(description));
    }
    if !public {
        responses.insert(
            "401".to_owned(),
            error_response("Missing, unknown, revoked or expired credentials."),
        );
    }
    let mut op = json!({
        "operationId": id,
        "tags": [tag],
        "summary": summary,
        "parameters": parameters,
        "responses": responses,
    });
    if let (Some(object), Some(body)) = (op.as_object_mut(), body) {
        object.insert("requestBody".to_owned(), body);
    }
    if public && let Some(object) = op.as_object_mut() {
        object.insert("security".to_owned(), json!([]));
    }
    op
}

fn json_body(schema: Value) -> Value {
    json!({ "required": true, "content": { "application/json": { "schema": schema } } })
}

const NOT_FOUND: (&str, &str) = ("404", "No such document (or another tenant's).");
const NOT_ANALYZED: (&str, &str) = (
    "409",
    "`not_analyzed`: the document is not analysed yet or failed (`status` says which); `not_stored`: analysed before this body was stored.",
);
const BAD_PARAMETER: (&str, &str) = (
    "400",
    "`invalid_parameter` or `unknown_parameter`; `field` names the parameter.",
);
const BAD_JSON: (&str, &str) = (
    "400",
    "`malformed_json`, `unknown_field`, `missing_field` or `invalid_field`; `field` names the field.",
);

fn paging() -> Vec<Value> {
    vec![
        query(
            "limit",
            &format!("Page size, 1–{MAX_LIMIT} (default {DEFAULT_LIMIT})."),
            json!({ "type": "integer", "minimum": 1, "maximum": MAX_LIMIT }),
        ),
        query(
            "cursor",
            "Opaque: the `next_cursor` of the previous page.",
            json!({ "type": "string" }),
        ),
    ]
}

fn page_of(item: Value) -> Value {
    json!({
        "type": "object",
        "required": ["data", "next_cursor"],
        "properties": {
            "data": { "type": "array", "items": item },
            "next_cursor": { "type": ["string", "null"], "description": "Null on the last page." },
        },
    })
}

fn transaction_filters() -> Vec<Value> {
    let mut parameters = vec![document_id()];
    parameters.extend(paging());
    let date = json!({ "type": "string", "format": "date" });
    let amount = json!({ "type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?$" });
    parameters.extend([
        query("from", "Booking date on or after (inclusive).", date.clone()),
        query("to", "Booking date on or before (inclusive).", date),
        query(
            "min_amount",
            "Absolute amount at least this (exact decimal, inclusive): a debit of 100.00 matches min_amount=100.",
            amount.clone(),
        ),
        query("max_amount", "Absolute amount at most this (exact decimal, inclusive).", amount),
        query(
            "direction",
            "Money in (`credit`) or out (`debit`); zero amounts are neither.",
            json!({ "type": "string", "enum": ["credit", "debit"] }),
        ),
        query(
            "category",
            "Primary or detailed category code, case-insensitive.",
            json!({ "type": "string" }),
        ),
        query(
            "counterparty",
            "Counterparty key or name, case-insensitive, whole value.",
            json!({ "type": "string" }),
        ),
        query(
            "q",
            "Case-insensitive text in the narration or the counterparty.",
            json!({ "type": "string" }),
        ),
    ]);
    parameters
}

fn profile_parameter(description: &str) -> Value {
    query(
        "profile",
        description,
        json!({ "type": "string", "enum": crate::analysis::PROFILES, "default": "native" }),
    )
}

fn paths() -> Map<String, Value> {
    let mut paths = Map::new();
    let mut add = |path: &str, method: &str, op: Value| {
        let entry = paths.entry(path.to_owned()).or_insert_with(|| json!({}));
        if let Some(object) = entry.as_object_mut() {
            object.insert(method.to_owned(), op);
        }
    };
    let object = json!({ "type": "object" });
    add(
        "/",
        "get",
        operation(
            "dashboard",
            "dashboard",
            "The web dashboard (docs/dashboard.md); it calls this API with the key the user signs in with.",
            vec![],
            None,
            (
                "200",
                json!({ "description": "HTML.", "content": { "text/html": { "schema": { "type": "string" } } } }),
            ),
            &[],
            true,
        ),
    );
    add(
        "/assets/{file}",
        "get",
        operation(
            "dashboardAsset",
            "dashboard",
            "A script, the stylesheet or the icon of the dashboard.",
            vec![id_parameter("file", "A file name such as `app.js`.")],
            None,
            (
                "200",
                json!({ "description": "The file.", "content": { "text/javascript": { "schema": { "type": "string" } } } }),
            ),
            &[("404", "`not_found`: no such asset.")],
            true,
        ),
    );
    add(
        "/healthz",
        "get",
        operation(
            "healthz",
            "operations",
            "Liveness: the process serves HTTP.",
            vec![],
            None,
            ("200", json_response("Alive.", object.clone())),
            &[],
            true,
        ),
    );
    add(
        "/readyz",
        "get",
        operation(
            "readyz",
            "operations",
            "Readiness: the database answers.",
            vec![],
            None,
            ("200", json_response("Ready.", object.clone())),
            &[("503", "`not_ready`: the database does not answer.")],
            true,
        ),
    );
    add(
        "/metrics",
        "get",
        operation(
            "metrics",
            "operations",
            "Prometheus metrics of this process (text format 0.0.4). No tenant data in any label.",
            vec![],
            None,
            (
                "200",
                json!({ "description": "Exposition text.", "content": { "text/plain": { "schema": { "type": "string" } } } }),
            ),
            &[],
            true,
        ),
    );
    add(
        "/openapi.json",
        "get",
        operation(
            "openapi",
            "operations",
            "This document.",
            vec![],
            None,
            ("200", json_response("OpenAPI 3.1.", object.clone())),
            &[],
            true,
        ),
    );
    add(
        "/docs",
        "get",
        operation(
            "docs",
            "operations",
            "A page that renders this document.",
            vec![],
            None,
            (
                "200",
                json!({ "description": "HTML.", "content": { "text/html": { "schema": { "type": "string" } } } }),
            ),
            &[],
            true,
        ),
    );
    add(
        "/oauth/token",
        "post",
        operation(
            "oauthToken",
            "auth",
            "OAuth2 client credentials: a short-lived bearer token for the client's tenant.",
            vec![],
            Some(
                json!({ "required": true, "content": { "application/x-www-form-urlencoded": { "schema": {
            "type": "object", "required": ["grant_type"],
            "properties": {
                "grant_type": { "const": "client_credentials" },
                "client_id": { "type": "string" }, "client_secret": { "type": "string" },
            } } } } }),
            ),
            ("200", json_response("A token.", reference("Token"))),
            &[
                ("400", "`invalid_request` or `unsupported_grant_type`."),
                ("401", "`invalid_client`."),
            ],
            true,
        ),
    );
    sessions(&mut add);
    add(
        "/v1/documents",
        "get",
        operation(
            "listDocuments",
            "documents",
            "The tenant's documents, newest first.",
            vec![
                query(
                    "limit",
                    "Page size, 1–100 (default 20).",
                    json!({ "type": "integer", "minimum": 1, "maximum": 100 }),
                ),
                query(
                    "status",
                    "Only these statuses, comma-separated (e.g. `ANALYZED,FLAGGED`).",
                    json!({ "type": "string" }),
                ),
                query(
                    "case_id",
                    "Only the documents filed under this case.",
                    json!({ "type": "string" }),
                ),
                query(
                    "tier",
                    "Only the documents whose decision (`decision.credit_tier`) has this tier.",
                    json!({ "type": "string", "enum": ["TIER_1", "TIER_2", "TIER_3", "INELIGIBLE"] }),
                ),
                query(
                    "q",
                    "Only the documents whose file name contains this text (any case), or whose id it is; at most 256 bytes.",
                    json!({ "type": "string" }),
                ),
                query(
                    "cursor",
                    "The `next_cursor` of the previous page.",
                    json!({ "type": "string" }),
                ),
            ],
            None,
            (
                "200",
                json_response("A page.", page_of(reference("Document"))),
            ),
            &[BAD_PARAMETER],
            false,
        ),
    );
    add(
        "/v1/documents",
        "post",
        operation(
            "uploadDocument",
            "documents",
            "Upload a statement (multipart, ≤ 20 MiB): 202, analysed in the background. With `X-Stream-Response: true`, the answer is the SSE progress stream.",
            vec![
                json!({ "name": "X-Stream-Response", "in": "header", "required": false, "schema": { "type": "string", "enum": ["true"] } }),
            ],
            Some(
                json!({ "required": true, "content": { "multipart/form-data": { "schema": {
            "type": "object", "required": ["file"],
            "properties": {
                "file": { "type": "string", "contentMediaType": "application/octet-stream" },
                "password": { "type": "string" }, "account_holder_name": { "type": "string" },
                "business_type": { "type": "string" }, "sector": { "type": "string" },
                "country": { "type": "string", "description": "ISO 3166 alpha-2." },
            } } } } }),
            ),
            (
                "202",
                json_response(
                    "Queued.",
                    json!({ "type": "object", "required": ["id", "status"],
            "properties": { "id": { "type": "string" }, "status": { "const": "PENDING" } } }),
                ),
            ),
            &[
                (
                    "400",
                    "`malformed_multipart`, `missing_field`, `unknown_field`, `invalid_field` or `empty_file`; `field` names the field.",
                ),
                ("413", "`payload_too_large`."),
                (
                    "415",
                    "`unsupported_media_type`: no supported statement format.",
                ),
            ],
            false,
        ),
    );
    add(
        "/v1/documents/{id}",
        "get",
        operation(
            "getDocument",
            "documents",
            "One document and its status.",
            vec![document_id()],
            None,
            ("200", json_response("The document.", reference("Document"))),
            &[NOT_FOUND],
            false,
        ),
    );
    add(
        "/v1/documents/{id}",
        "delete",
        operation(
            "deleteDocument",
            "documents",
            "Delete a document, its analyses and (unless uploaded again) its original.",
            vec![document_id()],
            None,
            ("204", json!({ "description": "Deleted." })),
            &[NOT_FOUND],
            false,
        ),
    );
    add(
        "/v1/documents/{id}/analysis",
        "get",
        operation(
            "getAnalysis",
            "documents",
            "The stored analysis in one profile: exactly what `ledgerlens analyze --profile` prints.",
            vec![document_id(), profile_parameter("The shape of the answer.")],
            None,
            ("200", json_response("The analysis.", object.clone())),
            &[BAD_PARAMETER, NOT_FOUND, NOT_ANALYZED],
            false,
        ),
    );
    add(
        "/v1/documents/{id}/events",
        "get",
        operation(
            "documentEvents",
            "documents",
            "Server-Sent Events of the 12 processing steps, then `end` with the final status.",
            vec![document_id()],
            None,
            (
                "200",
                json!({ "description": "An event stream.", "content": { "text/event-stream": { "schema": { "type": "string" } } } }),
            ),
            &[NOT_FOUND],
            false,
        ),
    );
    add(
        "/v1/documents/{id}/statements",
        "get",
        operation(
            "listStatements",
            "documents",
            "The document's statements (one per account): masked account, currency, period, balances, reconciliation.",
            {
                let mut p = vec![document_id()];
                p.extend(paging());
                p
            },
            None,
            (
                "200",
                json_response("A page.", page_of(reference("Statement"))),
            ),
            &[BAD_PARAMETER, NOT_FOUND, NOT_ANALYZED],
            false,
        ),
    );
    add(
        "/v1/documents/{id}/transactions",
        "get",
        operation(
            "listTransactions",
            "documents",
            "The document's enriched transactions, oldest first, filtered.",
            transaction_filters(),
            None,
            (
                "200",
                json_response("A page.", page_of(reference("Transaction"))),
            ),
            &[BAD_PARAMETER, NOT_FOUND, NOT_ANALYZED],
            false,
        ),
    );
    add(
        "/v1/documents/{id}/scores",
        "post",
        operation(
            "scoreDocument",
            "runs",
            "Score the stored original with a built-in scorecard or an inline points scorecard.",
            vec![document_id()],
            Some(json_body(reference("ScoreRequest"))),
            (
                "200",
                json_response("The score run.", reference("ScoreRun")),
            ),
            &[
                BAD_JSON,
                NOT_FOUND,
                NOT_ANALYZED,
                (
                    "422",
                    "`unknown_scorecard`, `invalid_scorecard` (the message names the rule) or `analysis_failed`.",
                ),
            ],
            false,
        ),
    );
    add(
        "/v1/documents/{id}/runs",
        "get",
        operation(
            "documentRuns",
            "runs",
            "The document's kept score and affordability runs, oldest first (`?kind=score|affordability`), each with what was asked and answered; a run's id is in the `X-Run-Id` header of its answer.",
            vec![document_id()],
            None,
            (
                "200",
                json_response(
                    "The runs.",
                    json!({"type": "object", "required": ["data"], "properties": {"data": {"type": "array", "items": {"type": "object", "required": ["id", "kind", "number", "request", "result", "created_at"], "properties": {"id": {"type": "string"}, "kind": {"type": "string", "enum": ["score", "affordability"]}, "number": {"type": "integer"}, "request": {}, "result": {}, "created_at": {"type": "string", "format": "date-time"}}}}}}),
                ),
            ),
            &[BAD_PARAMETER, NOT_FOUND],
            false,
        ),
    );
    add(
        "/v1/documents/{id}/affordability",
        "post",
        operation(
            "documentAffordability",
            "runs",
            "Affordability of the stored original (spec 004), as `ledgerlens affordability`.",
            vec![document_id()],
            Some(json_body(reference("AffordabilityRequest"))),
            (
                "200",
                json_response("The affordability run.", reference("AffordabilityRun")),
            ),
            &[
                BAD_JSON,
                NOT_FOUND,
                NOT_ANALYZED,
                ("422", "`analysis_failed`."),
            ],
            false,
        ),
    );
    add(
        "/v1/documents/{id}/report.pdf",
        "get",
        operation(
            "documentReport",
            "documents",
            "The PDF report (as `ledgerlens analyze --pdf`), dated the day the analysis finished: the same bytes every time.",
            vec![document_id()],
            None,
            (
                "200",
                json!({ "description": "The report.", "content": { "application/pdf": { "schema": { "type": "string", "contentMediaType": "application/pdf" } } } }),
            ),
            &[NOT_FOUND, NOT_ANALYZED],
            false,
        ),
    );
    add(
        "/v1/analyze",
        "post",
        operation(
            "analyze",
            "analysis",
            "Analyse one statement sent as the raw body, synchronously; nothing is stored. The answer is exactly what `ledgerlens analyze --profile` prints.",
            vec![
                profile_parameter("The shape of the answer."),
                query(
                    "filename",
                    "The file's name (shown as the source in the analysis).",
                    json!({ "type": "string" }),
                ),
                query(
                    "account_holder_name",
                    "The applicant's name as the lender knows it.",
                    json!({ "type": "string" }),
                ),
                query(
                    "business_type",
                    "Declared business type.",
                    json!({ "type": "string" }),
                ),
                query(
                    "sector",
                    "Declared sector (NACE code or text).",
                    json!({ "type": "string" }),
                ),
                query("country", "ISO 3166 alpha-2.", json!({ "type": "string" })),
                query(
                    "statement_type",
                    "Consumer or business (default: from the holder's name).",
                    json!({ "type": "string", "enum": ["consumer", "business"] }),
                ),
                query(
                    "as_of",
                    "The date the analysis is as of (default: the last day covered).",
                    json!({ "type": "string", "format": "date" }),
                ),
            ],
            Some(
                json!({ "required": true, "content": { "application/octet-stream": { "schema": { "type": "string", "contentMediaType": "application/octet-stream" } } } }),
            ),
            ("200", json_response("The analysis.", object.clone())),
            &[
                (
                    "400",
                    "`invalid_parameter`, `unknown_parameter` or `empty_file`; `field` names it.",
                ),
                ("413", "`payload_too_large`."),
                ("415", "`unsupported_media_type`."),
                (
                    "422",
                    "`analysis_failed`; `failure.code` is the reader's code (e.g. `malformed_file`).",
                ),
            ],
            false,
        ),
    );
    add(
        "/v1/webhooks",
        "get",
        operation(
            "listWebhooks",
            "webhooks",
            "The tenant's subscriptions.",
            vec![],
            None,
            (
                "200",
                json_response(
                    "The subscriptions.",
                    json!({ "type": "object", "properties": { "data": { "type": "array", "items": reference("Webhook") } } }),
                ),
            ),
            &[],
            false,
        ),
    );
    add(
        "/v1/webhooks",
        "post",
        operation(
            "createWebhook",
            "webhooks",
            "Subscribe a URL to events; the signing secret is shown once.",
            vec![],
            Some(json_body(
                json!({ "type": "object", "required": ["url"], "properties": {
            "url": { "type": "string", "format": "uri" },
            "events": { "type": "array", "items": { "type": "string" }, "description": "Event types (default: all)." },
        } }),
            )),
            (
                "201",
                json_response("The subscription, with its `secret`.", reference("Webhook")),
            ),
            &[
                BAD_JSON,
                ("409", "A subscription of that URL exists."),
                (
                    "422",
                    "The URL is not allowed (private or loopback address).",
                ),
            ],
            false,
        ),
    );
    let webhook_id = || id_parameter("id", "A subscription id.");
    add(
        "/v1/webhooks/{id}",
        "get",
        operation(
            "getWebhook",
            "webhooks",
            "One subscription.",
            vec![webhook_id()],
            None,
            (
                "200",
                json_response("The subscription.", reference("Webhook")),
            ),
            &[("404", "No such subscription.")],
            false,
        ),
    );
    add(
        "/v1/webhooks/{id}",
        "delete",
        operation(
            "deleteWebhook",
            "webhooks",
            "Delete a subscription with its log.",
            vec![webhook_id()],
            None,
            ("204", json!({ "description": "Deleted." })),
            &[("404", "No such subscription.")],
            false,
        ),
    );
    add(
        "/v1/webhooks/{id}/deliveries",
        "get",
        operation(
            "listDeliveries",
            "webhooks",
            "The subscription's messages, newest first, with every attempt.",
            vec![webhook_id()],
            None,
            (
                "200",
                json_response(
                    "The messages.",
                    json!({ "type": "object", "properties": { "data": { "type": "array", "items": object.clone() } } }),
                ),
            ),
            &[("404", "No such subscription.")],
            false,
        ),
    );
    add(
        "/v1/webhooks/{id}/deliveries/{delivery}/redeliver",
        "post",
        operation(
            "redeliver",
            "webhooks",
            "Send a message again now, with a fresh retry schedule.",
            vec![
                webhook_id(),
                id_parameter("delivery", "A message id (the `webhook-id`)."),
            ],
            None,
            ("202", json_response("Queued.", object)),
            &[("404", "No such message.")],
            false,
        ),
    );
    cases_and_settings(&mut paths);
    // Every POST takes an `Idempotency-Key` (crate::idempotency).
    for item in paths.values_mut() {
        if let Some(parameters) = item
            .pointer_mut("/post/parameters")
            .and_then(Value::as_array_mut)
        {
            parameters.push(json!({ "$ref": "#/components/parameters/IdempotencyKey" }));
        }
    }
    paths
}

/// Cases, preferences, tenant rules, credentials and the audit log.
fn cases_and_settings(paths: &mut Map<String, Value>) {
    let mut add = |path: &str, method: &str, op: Value| {
        let entry = paths.entry(path.to_owned()).or_insert_with(|| json!({}));
        if let Some(object) = entry.as_object_mut() {
            object.insert(method.to_owned(), op);
        }
    };
    let case_id = || {
        id_parameter(
            "id",
            "A case id; another tenant's id is 404, as an unknown one.",
        )
    };
    let page_100 = || {
        vec![
            query(
                "limit",
                "Page size, 1–100 (default 20).",
                json!({ "type": "integer", "minimum": 1, "maximum": 100 }),
            ),
            query(
                "cursor",
                "The `next_cursor` of the previous page.",
                json!({ "type": "string" }),
            ),
        ]
    };
    let no_case: (&str, &str) = ("404", "No such case (or another tenant's).");
    add(
        "/v1/cases",
        "get",
        operation(
            "listCases",
            "cases",
            "The tenant's cases (applicants), newest first.",
            {
                let mut parameters = page_100();
                parameters.push(query(
                    "q",
                    "Only the cases whose name, reference, assignee or an identifier contains this text (any case); at most 256 bytes.",
                    json!({ "type": "string" }),
                ));
                parameters
            },
            None,
            ("200", json_response("A page.", page_of(reference("Case")))),
            &[BAD_PARAMETER],
            false,
        ),
    );
    add(
        "/v1/cases",
        "post",
        operation(
            "createCase",
            "cases",
            "File a case: a person or a business, with its identifiers (SIREN, SIRET, BVN, NIN checked for shape; others as `custom:<name>`).",
            vec![],
            Some(json_body(reference("CaseInput"))),
            ("201", json_response("The case.", reference("Case"))),
            &[BAD_JSON],
            false,
        ),
    );
    add(
        "/v1/cases/{id}",
        "get",
        operation(
            "getCase",
            "cases",
            "One case.",
            vec![case_id()],
            None,
            ("200", json_response("The case.", reference("Case"))),
            &[no_case],
            false,
        ),
    );
    add(
        "/v1/cases/{id}",
        "patch",
        operation(
            "updateCase",
            "cases",
            "Change some fields of a case (not its `kind`).",
            vec![case_id()],
            Some(json_body(reference("CaseInput"))),
            ("200", json_response("The case.", reference("Case"))),
            &[BAD_JSON, no_case],
            false,
        ),
    );
    add(
        "/v1/cases/{id}",
        "delete",
        operation(
            "deleteCase",
            "cases",
            "Delete a case with its documents, their rows and stored originals.",
            vec![case_id()],
            None,
            ("204", json!({ "description": "Deleted." })),
            &[no_case],
            false,
        ),
    );
    add(
        "/v1/cases/{id}/documents",
        "get",
        operation(
            "caseDocuments",
            "cases",
            "The documents filed under a case.",
            {
                let mut p = vec![case_id()];
                p.extend(page_100());
                p
            },
            None,
            (
                "200",
                json_response("A page.", page_of(reference("Document"))),
            ),
            &[BAD_PARAMETER, no_case],
            false,
        ),
    );
    add(
        "/v1/preferences",
        "get",
        operation(
            "getPreferences",
            "settings",
            "The tenant's defaults for uploads.",
            vec![],
            None,
            (
                "200",
                json_response("The preferences.", reference("Preferences")),
            ),
            &[],
            false,
        ),
    );
    add(
        "/v1/preferences",
        "put",
        operation(
            "putPreferences",
            "settings",
            "Replace the tenant's defaults (business type, sector, country, revenue band).",
            vec![],
            Some(json_body(reference("Preferences"))),
            (
                "200",
                json_response("The preferences.", reference("Preferences")),
            ),
            &[BAD_JSON],
            false,
        ),
    );
    add(
        "/v1/rules",
        "get",
        operation(
            "listRules",
            "rules",
            "The tenant's own categorisation rules.",
            vec![],
            None,
            (
                "200",
                json_response(
                    "The rules.",
                    json!({ "type": "object", "properties": { "data": { "type": "array", "items": reference("Rule") } } }),
                ),
            ),
            &[],
            false,
        ),
    );
    add(
        "/v1/rules",
        "post",
        operation(
            "createRule",
            "rules",
            "A rule that wins over the shipped packs in every later analysis of the tenant.",
            vec![],
            Some(json_body(
                json!({ "type": "object", "required": ["category"], "properties": {
            "category": { "type": "string", "description": "A detailed category code." },
            "counterparty": { "type": "string" }, "phrase": { "type": "string" },
            "direction": { "type": "string", "enum": ["credit", "debit"] } } }),
            )),
            ("201", json_response("The rule.", reference("Rule"))),
            &[BAD_JSON],
            false,
        ),
    );
    add(
        "/v1/rules/{id}",
        "delete",
        operation(
            "deleteRule",
            "rules",
            "Remove a rule.",
            vec![id_parameter("id", "A rule id.")],
            None,
            ("204", json!({ "description": "Deleted." })),
            &[("404", "No such rule.")],
            false,
        ),
    );
    add(
        "/v1/documents/{id}/transactions/{index}/category",
        "post",
        operation(
            "recategorise",
            "rules",
            "Correct a transaction's category: the correction becomes a tenant rule (for its counterparty, or its narration) and the document is analysed again.",
            vec![
                document_id(),
                id_parameter("index", "The transaction's `id` (`tx_<index>`)."),
            ],
            Some(json_body(
                json!({ "type": "object", "required": ["category"], "properties": {
            "category": { "type": "string" },
            "scope": { "type": "string", "enum": ["counterparty", "narration"], "default": "counterparty" },
            "password": { "type": "string" } } }),
            )),
            (
                "202",
                json_response(
                    "The rule and the document, queued again.",
                    object_schema(&["rule", "document"]),
                ),
            ),
            &[
                BAD_JSON,
                ("404", "No such document or transaction."),
                NOT_ANALYZED,
                ("422", "`not_correctable` or an unknown category."),
            ],
            false,
        ),
    );
    add(
        "/v1/credentials",
        "get",
        operation(
            "listCredentials",
            "settings",
            "The tenant's API keys, OAuth clients and users (never their secrets).",
            vec![],
            None,
            (
                "200",
                json_response(
                    "The credentials.",
                    json!({ "type": "object", "properties": { "data": { "type": "array", "items": reference("Credential") } } }),
                ),
            ),
            &[("403", "`insufficient_scope`: needs `credentials:manage`.")],
            false,
        ),
    );
    add(
        "/v1/credentials",
        "post",
        operation(
            "createCredential",
            "settings",
            "A new API key, OAuth client or user, with at most the caller's own scopes; a key's or client's secret is shown once.",
            vec![],
            Some(json_body(
                json!({ "type": "object", "required": ["kind"], "properties": {
            "kind": { "type": "string", "enum": ["api_key", "oauth_client", "user"] },
            "permissions": { "type": "array", "items": { "type": "string" }, "description": "Scopes (default: the caller's)." },
            "label": { "type": "string" },
            "email": { "type": "string", "description": "A user's sign-in address (kind `user`; unique across the service)." },
            "password": { "type": "string", "description": "A user's first password (kind `user`): at least 12 characters." } } }),
            )),
            (
                "201",
                json_response(
                    "The credential with its `key`, or `client_id` and `client_secret`.",
                    reference("Credential"),
                ),
            ),
            &[
                (
                    "400",
                    "`malformed_json`, `unknown_field`, `missing_field`, `invalid_field` or `weak_password`; `field` names the field.",
                ),
                (
                    "403",
                    "`insufficient_scope`: a scope the caller does not hold.",
                ),
                (
                    "409",
                    "`email_taken`: another user signs in with this address.",
                ),
            ],
            false,
        ),
    );
    add(
        "/v1/credentials/{id}",
        "delete",
        operation(
            "revokeCredential",
            "settings",
            "Revoke a key, client or user (a user's sessions end at once).",
            vec![id_parameter("id", "A key id, client id or user id.")],
            None,
            ("204", json!({ "description": "Revoked." })),
            &[
                ("403", "`insufficient_scope`."),
                ("404", "No such credential."),
            ],
            false,
        ),
    );
    add(
        "/v1/audit",
        "get",
        operation(
            "auditLog",
            "settings",
            "The tenant's audit log, newest first.",
            vec![query(
                "limit",
                "At most this many entries, 1–1000 (default 100).",
                json!({ "type": "integer", "minimum": 1, "maximum": 1000 }),
            )],
            None,
            (
                "200",
                json_response(
                    "The entries.",
                    json!({ "type": "object", "properties": { "data": { "type": "array", "items":
            object_schema(&["at", "actor", "action", "target"]) } } }),
                ),
            ),
            &[("403", "`insufficient_scope`.")],
            false,
        ),
    );
}

/// Signing in with an e-mail and a password, and the caller's own affairs.
fn sessions(add: &mut impl FnMut(&str, &str, Value)) {
    let user = json!({ "type": "object", "properties": {
        "id": { "type": "string" }, "email": { "type": "string" },
        "permissions": { "type": "array", "items": { "type": "string" } } } });
    add(
        "/v1/sessions",
        "post",
        operation(
            "signIn",
            "auth",
            "Sign in as a user of a tenant: a session token, sent afterwards as `X-API-Key` or `Authorization: Bearer` (12 hours).",
            vec![],
            Some(json_body(
                json!({ "type": "object", "required": ["email", "password"], "properties": {
                    "email": { "type": "string" }, "password": { "type": "string" } } }),
            )),
            (
                "201",
                json_response(
                    "The session.",
                    json!({ "type": "object", "properties": {
                        "token": { "type": "string", "description": "`llu_…`, shown once." },
                        "token_type": { "const": "session" },
                        "expires_at": { "type": "string" }, "expires_in": { "type": "integer" },
                        "user": user } }),
                ),
            ),
            &[
                BAD_JSON,
                (
                    "401",
                    "`invalid_login`: the e-mail or the password is wrong.",
                ),
                (
                    "429",
                    "`sign_in_locked`: 5 wrong passwords for this e-mail in 15 minutes; `retry_after_seconds`.",
                ),
            ],
            true,
        ),
    );
    add(
        "/v1/sessions/current",
        "delete",
        operation(
            "signOut",
            "auth",
            "Sign this session out (the token stops working at once).",
            vec![],
            None,
            ("204", json!({ "description": "Signed out." })),
            &[(
                "400",
                "`not_a_session`: the request did not use a session token.",
            )],
            false,
        ),
    );
    add(
        "/v1/me",
        "get",
        operation(
            "me",
            "auth",
            "Who the credential is and what it may do (any credential, no scope needed).",
            vec![],
            None,
            (
                "200",
                json_response(
                    "The caller.",
                    json!({ "type": "object", "properties": {
                        "id": { "type": "string" },
                        "kind": { "type": "string", "enum": ["api_key", "oauth_client", "user"] },
                        "email": { "type": ["string", "null"] },
                        "permissions": { "type": "array", "items": { "type": "string" } },
                        "session_expires_at": { "type": ["string", "null"] } } }),
                ),
            ),
            &[],
            false,
        ),
    );
    add(
        "/v1/me/password",
        "put",
        operation(
            "changePassword",
            "auth",
            "A signed-in user changes their password; their other sessions end.",
            vec![],
            Some(json_body(
                json!({ "type": "object", "required": ["current_password", "new_password"], "properties": {
                    "current_password": { "type": "string" }, "new_password": { "type": "string" } } }),
            )),
            ("204", json!({ "description": "Changed." })),
            &[
                (
                    "400",
                    "`not_a_session`, `weak_password` or a body error; `field` names the field.",
                ),
                ("403", "`invalid_login`: the current password is wrong."),
            ],
            false,
        ),
    );
}

/// An object with these properties, of any type.
fn object_schema(properties: &[&str]) -> Value {
    let properties: Map<String, Value> = properties
        .iter()
        .map(|name| ((*name).to_owned(), json!({})))
        .collect();
    json!({ "type": "object", "properties": properties })
}

fn schemas() -> Value {
    let text = json!({ "type": "string" });
    let nullable_text = json!({ "type": ["string", "null"] });
    let money = json!({ "type": "string", "description": "Exact decimal, as printed on the statement (e.g. \"-1250.50\")." });
    let decimal_in = json!({ "oneOf": [{ "type": "string" }, { "type": "number" }], "description": "An exact decimal; a string is read as written." });
    json!({
        "Error": {
            "type": "object", "required": ["error"],
            "properties": { "error": {
                "type": "object", "required": ["code", "message", "request_id"],
                "properties": {
                    "code": { "type": "string", "description": "Stable machine code." },
                    "message": text,
                    "request_id": { "type": "string", "description": "Also in the `x-request-id` header." },
                    "field": { "type": "string", "description": "The offending field or parameter, when there is one." },
                },
                "additionalProperties": true,
            } },
        },
        "Token": { "type": "object", "properties": {
            "access_token": text, "token_type": { "const": "Bearer" }, "expires_in": { "type": "integer" } } },
        "Document": { "type": "object", "properties": {
            "id": text,
            "status": { "type": "string", "enum": ["PENDING", "PROCESSING", "ANALYZED", "FLAGGED", "FAILED"] },
            "filename": text, "format": text, "size_bytes": { "type": "integer" }, "sha256": text,
            "options": { "type": "object" }, "attempts": { "type": "integer" },
            "step": { "type": ["integer", "null"] }, "total_steps": { "type": "integer" },
            "failure": { "type": ["object", "null"], "properties": { "code": text, "message": text } },
            "decision": { "type": ["object", "null"], "description": "The headline of the last analysis (the 0–1000 score's), null until analysed.",
                "properties": { "credit_score": { "type": "integer" }, "credit_tier": text, "overall_risk_level": text } },
            "subject": { "type": ["object", "null"], "description": "Whose statement it is: the last analysis's first account and period, null until analysed.",
                "properties": { "holder": nullable_text, "bank": nullable_text,
                    "account": { "type": ["string", "null"], "description": "Masked (****1234)." },
                    "period": { "type": "object", "properties": { "start": nullable_text, "end": nullable_text } },
                    "name_match": { "type": ["string", "null"], "enum": ["EXACT", "PARTIAL", "MISMATCH", null], "description": "The applicant's name (upload field or case name) against the printed holder; null when either is missing." } } },
            "created_at": text, "updated_at": text, "started_at": nullable_text, "finished_at": nullable_text } },
        "Statement": { "type": "object", "properties": {
            "index": { "type": "integer", "description": "The `account` of its transactions." },
            "account": { "type": "object", "properties": {
                "bank": nullable_text, "bank_id": nullable_text,
                "number": { "type": ["string", "null"], "description": "Masked (****1234)." },
                "iban": { "type": ["string", "null"], "description": "Masked." },
                "holder": nullable_text, "kind": text } },
            "currency": text,
            "period": { "type": ["object", "null"], "properties": { "start": { "type": "string", "format": "date" }, "end": { "type": "string", "format": "date" } } },
            "opening_balance": money, "closing_balance": money, "available_balance": money,
            "transaction_count": { "type": "integer" },
            "reconciliation": { "type": "object", "description": "Status, rows checked, totals check and balance breaks." },
            "merge": { "type": "object", "description": "How many statement files were merged into this account, duplicates removed." },
            "enrichment_packs": { "type": "array", "items": text } } },
        "Transaction": { "type": "object", "properties": {
            "id": { "type": "string", "description": "Stable for the document (`tx_<index>`)." },
            "index": { "type": "integer", "description": "Position in ledger order (date, account, statement position)." },
            "account": { "type": "integer" }, "statement_index": { "type": "integer" },
            "date": { "type": "string", "format": "date" }, "value_date": { "type": ["string", "null"], "format": "date" },
            "amount": money, "balance": { "type": ["string", "null"], "description": "Exact decimal running balance." },
            "currency": text,
            "direction": { "type": ["string", "null"], "enum": ["credit", "debit", null] },
            "narration": text, "reference": nullable_text,
            "category": { "type": "object", "properties": { "primary": text, "detailed": text } },
            "confidence": { "type": "number" }, "decided_by": { "type": "object" },
            "counterparty": { "type": ["object", "null"], "properties": { "key": text, "name": text } },
            "channel": text, "recurring": { "type": "boolean" },
            "recurrence": { "type": ["object", "null"], "properties": { "frequency": text, "active": { "type": "boolean" } } },
            "income": { "type": "boolean" }, "salary": { "type": "boolean" }, "internal_transfer": { "type": "boolean" },
            "loan": { "type": ["string", "null"], "enum": ["disbursement", "repayment", "returned_repayment", null] },
            "lender": nullable_text } },
        "ScoreRequest": { "type": "object", "additionalProperties": false, "properties": {
            "scorecard": { "type": "string", "enum": crate::runs::SCORECARDS, "default": "points",
                "description": "`points` (Periculum's default rule set, or `definition`), `xray` (A–E grade) or `envoyx` (0–1000)." },
            "definition": { "type": "object", "description": "A points scorecard, as crates/scoring/scorecards/periculum_default.toml in JSON (`rules` array)." },
            "as_of": { "type": "string", "format": "date" },
            "password": { "type": "string", "description": "For an encrypted PDF (upload passwords are not kept)." } } },
        "ScoreRun": { "type": "object", "properties": {
            "document_id": text, "scorecard": { "type": "object" }, "as_of": { "type": "string", "format": "date" },
            "result": { "type": "object" } } },
        "AffordabilityRequest": { "type": "object", "required": ["dti", "tenure"], "additionalProperties": false, "properties": {
            "dti": decimal_in.clone(), "tenure": { "type": "integer", "minimum": 1, "description": "Months." },
            "monthly_expenses": decimal_in.clone(), "monthly_repayment": decimal_in,
            "as_of": { "type": "string", "format": "date" }, "password": text } },
        "AffordabilityRun": { "type": "object", "properties": {
            "document_id": text, "as_of": { "type": "string", "format": "date" },
            "parameters": { "type": "object" }, "result": { "type": "object" } } },
        "Case": { "type": "object", "properties": {
            "id": text, "number": { "type": "integer" }, "kind": { "type": "string", "enum": ["person", "business"] },
            "name": nullable_text, "country": nullable_text, "identifiers": { "type": "object", "additionalProperties": { "type": "string" } },
            "business_type": nullable_text, "sector": nullable_text, "revenue_band": nullable_text,
            "assignee": nullable_text, "reference": nullable_text, "created_at": text, "updated_at": text } },
        "CaseInput": { "type": "object", "additionalProperties": false, "properties": {
            "kind": { "type": "string", "enum": ["person", "business"], "description": "Required on creation." },
            "name": text, "country": { "type": "string", "description": "ISO 3166 alpha-2." },
            "identifiers": { "type": "object", "additionalProperties": { "type": "string" },
                "description": "`siren`, `siret`, `bvn`, `nin` (checked), or `custom:<name>`." },
            "business_type": text, "sector": text, "revenue_band": text, "assignee": text, "reference": text } },
        "Preferences": { "type": "object", "additionalProperties": false, "properties": {
            "business_type": nullable_text, "sector": nullable_text, "country": nullable_text, "revenue_band": nullable_text } },
        "Rule": { "type": "object", "properties": {
            "id": text,
            "rule": { "type": "object", "description": "The rule: `category`, and `counterparty`, `phrase` and `direction` as given." },
            "created_at": text } },
        "Credential": { "type": "object", "additionalProperties": true, "properties": {
            "id": text, "kind": { "type": "string", "enum": ["api_key", "oauth_client", "user"] },
            "permissions": { "type": "array", "items": text }, "label": nullable_text,
            "email": { "type": ["string", "null"], "description": "A user's sign-in address." },
            "created_at": text, "revoked_at": nullable_text, "active": { "type": "boolean" }, "current": { "type": "boolean" },
            "key": { "type": "string", "description": "Only when created (an API key)." },
            "client_id": text, "client_secret": { "type": "string", "description": "Only when created (an OAuth client)." } } },
        "Webhook": { "type": "object", "properties": {
            "id": text, "url": text, "events": { "type": "array", "items": text },
            "active": { "type": "boolean" }, "created_at": text, "secret": { "type": "string", "description": "Only when created." } } },
    })
}

/// The whole document.
pub(crate) fn document_value() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "ledgerlens",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Bank statement analysis. Every error has one shape, `{\"error\":{\"code\",\"message\",\"request_id\"}}`, with a stable code. See docs/service.md.",
        },
        "security": [{ "apiKey": [] }, { "bearer": [] }],
        "paths": paths(),
        "components": {
            "securitySchemes": {
                "apiKey": { "type": "apiKey", "in": "header", "name": "X-API-Key" },
                "bearer": { "type": "http", "scheme": "bearer", "description": "An API key, or a token from POST /oauth/token." },
            },
            "schemas": schemas(),
            "parameters": {
                "IdempotencyKey": {
                    "name": "Idempotency-Key", "in": "header", "required": false,
                    "description": "Retry-safe POST: the same key and body within 24 h replays the first successful answer (`Idempotent-Replayed: true`); the same key with another request is 422 `idempotency_key_reused`, a concurrent one 409 `idempotency_key_in_use`.",
                    "schema": { "type": "string", "maxLength": 255 },
                },
            },
        },
    })
}

/// The `(path, method)` pairs described, methods upper-case.
#[cfg(test)]
pub(crate) fn operations() -> std::collections::BTreeSet<(String, String)> {
    paths()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flat_map(|methods| methods.keys())
                .map(move |method| (path.clone(), method.to_uppercase()))
        })
        .collect()
}
