//! The lender's records around documents — credentials with permissions, cases, preferences,
//! tenant rules, stored runs, idempotency and the audit log — as the store hands them out.
//!
//! Bodies the store does not interpret (preferences, rules, run requests and results) are JSON
//! text: their schema belongs to the server and the engines, and changes there need no migration.

use std::fmt;

use crate::{CaseId, DocumentId, TenantId};

/// Who is calling: the tenant, the credential (API key id or OAuth client id) and what it may do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The tenant every query of the request is scoped to.
    pub tenant: TenantId,
    /// The API key id (`key_…`) or OAuth client id (`cli_…`), for the audit log.
    pub credential: String,
    /// Scopes the credential holds; `*` is every scope.
    pub permissions: Vec<String>,
}

impl Principal {
    /// Whether the credential holds `scope` (or `*`).
    pub fn may(&self, scope: &str) -> bool {
        self.permissions.iter().any(|p| p == "*" || p == scope)
    }
}

/// How a new API key or OAuth client is made.
#[derive(Clone, Debug)]
pub struct CredentialSpec {
    /// Scopes granted; `["*"]` grants everything.
    pub permissions: Vec<String>,
    /// A name for people ("CRM integration").
    pub label: Option<String>,
}

impl Default for CredentialSpec {
    fn default() -> Self {
        CredentialSpec {
            permissions: vec!["*".to_owned()],
            label: None,
        }
    }
}

/// Whether a credential is an API key or an OAuth client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialKind {
    /// Sent as `X-API-Key`.
    ApiKey,
    /// Exchanged at `POST /oauth/token` for bearer tokens.
    OAuthClient,
    /// A person: an e-mail and a password, exchanged at `POST /v1/sessions` for a session.
    User,
}

impl CredentialKind {
    /// The kind's name in output.
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::ApiKey => "api_key",
            CredentialKind::OAuthClient => "oauth_client",
            CredentialKind::User => "user",
        }
    }
}

/// A credential as listed (never its secret, which is not stored).
#[derive(Clone, Debug)]
pub struct CredentialRecord {
    /// `key_…`, `cli_…` or `usr_…`.
    pub id: String,
    /// API key or OAuth client.
    pub kind: CredentialKind,
    /// Scopes.
    pub permissions: Vec<String>,
    /// Name for people.
    pub label: Option<String>,
    /// A user's e-mail (what they sign in with); `None` for keys and clients.
    pub email: Option<String>,
    /// Creation, Unix ms.
    pub created_at_ms: i64,
    /// When it stops (or stopped) working, Unix ms; a future time is a rotation's grace period.
    pub revoked_at_ms: Option<i64>,
}

/// Whether a case is about a person or a business.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseKind {
    /// A consumer applicant.
    Person,
    /// A company or sole trader.
    Business,
}

impl CaseKind {
    /// Stored and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseKind::Person => "person",
            CaseKind::Business => "business",
        }
    }

    /// Reads a stored or API name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "person" => Some(CaseKind::Person),
            "business" => Some(CaseKind::Business),
            _ => None,
        }
    }
}

/// The describing fields of a case, as created or replaced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseFields {
    /// Applicant's name.
    pub name: Option<String>,
    /// ISO 3166 alpha-2.
    pub country: Option<String>,
    /// Identifier scheme → value (SIREN, BVN, NIN, `custom:<name>`…), as a JSON object.
    pub identifiers_json: String,
    /// Declared business type.
    pub business_type: Option<String>,
    /// Sector (NACE code or text).
    pub sector: Option<String>,
    /// Revenue band.
    pub revenue_band: Option<String>,
    /// E-mail of the tenant's user following the case.
    pub assignee: Option<String>,
    /// The lender's own reference.
    pub reference: Option<String>,
}

impl CaseFields {
    /// What a case search matches: name, reference, assignee and identifiers, lowercased here
    /// (Unicode-aware; SQLite's `LOWER` folds ASCII only).
    pub fn search_text(&self) -> String {
        [
            self.name.as_deref(),
            self.reference.as_deref(),
            self.assignee.as_deref(),
            Some(self.identifiers_json.as_str()),
        ]
        .into_iter()
        .flatten()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("\n")
    }
}

/// A case (an applicant) as stored.
#[derive(Clone, Debug)]
pub struct CaseRecord {
    /// `case_…`.
    pub id: CaseId,
    /// Owner.
    pub tenant: TenantId,
    /// The tenant's integer key of the case.
    pub number: i64,
    /// Person or business.
    pub kind: CaseKind,
    /// Describing fields.
    pub fields: CaseFields,
    /// Creation, Unix ms.
    pub created_at_ms: i64,
    /// Last change, Unix ms.
    pub updated_at_ms: i64,
}

/// A page of cases, newest first.
#[derive(Clone, Debug)]
pub struct CasePage {
    /// The cases.
    pub cases: Vec<CaseRecord>,
    /// Where the next page starts, if there is one.
    pub next: Option<crate::PageCursor>,
}

/// A deleted case and its documents, each with whether its blob is still used by another
/// document of the tenant (then the file must stay).
pub type DeletedCase = (CaseRecord, Vec<(crate::DocumentRecord, bool)>);

/// A tenant's categorisation rule as stored.
#[derive(Clone, Debug)]
pub struct RuleRecord {
    /// `rul_…`.
    pub id: String,
    /// The rule as the enricher reads it (JSON).
    pub body_json: String,
    /// Creation, Unix ms.
    pub created_at_ms: i64,
}

/// A score or affordability computed on request, kept as history.
#[derive(Clone, Debug)]
pub struct RunRecord {
    /// `run_…`.
    pub id: String,
    /// The document it was computed on.
    pub document: DocumentId,
    /// `score`, `affordability`…
    pub kind: String,
    /// The tenant's integer key among runs of that kind.
    pub number: i64,
    /// What was asked (JSON).
    pub request_json: String,
    /// What was answered (JSON).
    pub result_json: String,
    /// Creation, Unix ms.
    pub created_at_ms: i64,
}

/// What an `Idempotency-Key` says about a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Idempotency {
    /// First use of the key: the request runs, and its response is then recorded.
    Proceed,
    /// The same request already ran: replay its response.
    Replay {
        /// HTTP status it answered.
        status: u16,
        /// Body it answered.
        body: String,
    },
    /// The first request with this key is still running.
    InFlight,
    /// The key was used for a different request.
    Mismatch,
}

/// One line of the audit log.
#[derive(Clone, Debug)]
pub struct AuditRecord {
    /// When, Unix ms.
    pub at_ms: i64,
    /// The credential that acted (or `admin` for the CLI).
    pub actor: String,
    /// What was done (`document.delete`, `key.revoke`…).
    pub action: String,
    /// The record acted on.
    pub target: Option<String>,
    /// More, as JSON.
    pub detail: Option<String>,
}

/// A new audit line.
#[derive(Clone)]
pub struct NewAudit<'a> {
    /// Tenant.
    pub tenant: &'a TenantId,
    /// Who.
    pub actor: &'a str,
    /// What.
    pub action: &'a str,
    /// On what.
    pub target: Option<&'a str>,
    /// More, as JSON.
    pub detail: Option<&'a str>,
}

impl fmt::Debug for NewAudit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewAudit")
            .field("tenant", self.tenant)
            .field("actor", &self.actor)
            .field("action", &self.action)
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_star_grants_every_scope_and_others_only_their_own() {
        let principal = |p: &[&str]| Principal {
            tenant: TenantId::from_db("ten_a".to_owned()),
            credential: "key_1".to_owned(),
            permissions: p.iter().map(|s| (*s).to_owned()).collect(),
        };
        assert!(principal(&["*"]).may("read_bank_xray_report"));
        assert!(principal(&["documents:read"]).may("documents:read"));
        assert!(!principal(&["documents:read"]).may("documents:write"));
        assert!(!principal(&[]).may("documents:read"));
    }
}

/// What sign-in needs to check a password: the user (as a principal) and the stored hash.
#[derive(Clone, Debug)]
pub struct UserLogin {
    /// The user's tenant, id (`usr_…`) and permissions.
    pub principal: Principal,
    /// The stored password hash (`pbkdf2-sha256$…`), checked by the server.
    pub password_hash: String,
}

/// A signed-in session's principal, with when the session ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionPrincipal {
    /// The user, as every other credential is seen.
    pub principal: Principal,
    /// The user's e-mail.
    pub email: String,
    /// When the session stops working, Unix ms.
    pub expires_at_ms: i64,
}
