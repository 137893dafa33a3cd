//! The records the store keeps and hands out.

use std::fmt;

use crate::{CaseId, DocumentId, TenantId};

/// Where a document is in its life. The names are the wire's (spec 003).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentStatus {
    /// Uploaded, waiting for a worker.
    Pending,
    /// A worker holds it.
    Processing,
    /// Analysed; the analyses can be read.
    Analyzed,
    /// Analysed, with findings that need a person's look.
    Flagged,
    /// Could not be analysed; the failure code says why and the original is kept.
    Failed,
}

impl DocumentStatus {
    /// The name stored and sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentStatus::Pending => "PENDING",
            DocumentStatus::Processing => "PROCESSING",
            DocumentStatus::Analyzed => "ANALYZED",
            DocumentStatus::Flagged => "FLAGGED",
            DocumentStatus::Failed => "FAILED",
        }
    }

    /// Reads a stored name back.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "PENDING" => DocumentStatus::Pending,
            "PROCESSING" => DocumentStatus::Processing,
            "ANALYZED" => DocumentStatus::Analyzed,
            "FLAGGED" => DocumentStatus::Flagged,
            "FAILED" => DocumentStatus::Failed,
            _ => return None,
        })
    }

    /// True once analyses can be read.
    pub fn has_analysis(self) -> bool {
        matches!(self, DocumentStatus::Analyzed | DocumentStatus::Flagged)
    }
}

impl fmt::Display for DocumentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An upload to record.
#[derive(Clone)]
pub struct NewDocument {
    /// The owner.
    pub tenant: TenantId,
    /// The file name the client gave (shown back, and used by analyses as the source name).
    pub filename: String,
    /// Hex SHA-256 of the original: its blob key.
    pub sha256: String,
    /// Size of the original.
    pub size_bytes: u64,
    /// The format sniffed at upload.
    pub format: String,
    /// Analysis options as JSON, opaque to the store.
    pub options_json: String,
    /// Password of an encrypted PDF; kept until the job ends, never returned by the API.
    pub password: Option<String>,
    /// The case (applicant) the document belongs to, if the client filed it under one.
    pub case_id: Option<CaseId>,
    /// What the client said about the file (kind, period, statement date…), JSON, opaque here.
    pub metadata_json: Option<String>,
}

impl fmt::Debug for NewDocument {
    /// The password never reaches a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewDocument")
            .field("tenant", &self.tenant)
            .field("filename", &self.filename)
            .field("sha256", &self.sha256)
            .field("size_bytes", &self.size_bytes)
            .field("format", &self.format)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .finish_non_exhaustive()
    }
}

/// A document as the API shows it.
#[derive(Clone, Debug)]
pub struct DocumentRecord {
    /// Its id.
    pub id: DocumentId,
    /// Its owner.
    pub tenant: TenantId,
    /// The client's file name.
    pub filename: String,
    /// Hex SHA-256 of the original.
    pub sha256: String,
    /// Size of the original.
    pub size_bytes: u64,
    /// Sniffed format.
    pub format: String,
    /// Where it is in its life.
    pub status: DocumentStatus,
    /// Stable code of the failure, when FAILED.
    pub failure_code: Option<String>,
    /// Human message of the failure, when FAILED.
    pub failure_message: Option<String>,
    /// Analysis options as given at upload (JSON).
    pub options_json: String,
    /// How many times a worker took it.
    pub attempts: u32,
    /// Upload time, Unix ms.
    pub created_at_ms: i64,
    /// Last change, Unix ms.
    pub updated_at_ms: i64,
    /// First claim by a worker, Unix ms.
    pub started_at_ms: Option<i64>,
    /// End of processing, Unix ms.
    pub finished_at_ms: Option<i64>,
    /// The last of the 12 processing steps reached (spec 003), once a worker started.
    pub progress_step: Option<u32>,
    /// The tenant's integer key of the document (1, 2, 3… per tenant), for APIs that use
    /// integer statement keys (spec 004).
    pub number: i64,
    /// The case it is filed under.
    pub case_id: Option<CaseId>,
    /// The client's metadata, JSON.
    pub metadata_json: Option<String>,
    /// An earlier document of the tenant this one repeats: the same file, or a ledger that
    /// overlaps it (set by the duplicate check).
    pub duplicate_of: Option<DocumentId>,
    /// The decision of its last analysis, for listings.
    pub decision: Option<Decision>,
    /// Whose statement it is, from its last analysis, for listings.
    pub subject: Option<Subject>,
}

/// Whose statement a document is and what it covers (its analysis's first account and period),
/// kept on its row so a listing shows it and finds it by the holder's name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Subject {
    /// The account holder's name as printed.
    pub holder: Option<String>,
    /// The bank's name.
    pub bank: Option<String>,
    /// The account, masked as the API shows it (`****2465`).
    pub account: Option<String>,
    /// First day covered, `YYYY-MM-DD`.
    pub period_start: Option<String>,
    /// Last day covered, `YYYY-MM-DD`.
    pub period_end: Option<String>,
    /// The applicant's name against the printed holder: `EXACT`, `PARTIAL` or `MISMATCH`
    /// (`None` when no applicant name was given or no holder is printed).
    pub name_match: Option<String>,
}

impl Subject {
    /// What a listing's search matches for a document: its file name, holder and bank,
    /// lowercased here (Unicode-aware; SQLite's `LOWER` folds ASCII only).
    pub fn search_text(filename: &str, subject: Option<&Subject>) -> String {
        let mut text = filename.to_lowercase();
        if let Some(subject) = subject {
            for part in [&subject.holder, &subject.bank].into_iter().flatten() {
                text.push('\n');
                text.push_str(&part.to_lowercase());
            }
        }
        text
    }
}

/// The headline of an analysed document's decision (the 0–1000 score's), kept on its row so a
/// listing can show and filter it without reading every analysis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// The 0–1000 credit score.
    pub score: i64,
    /// Its tier (`TIER_1` … `INELIGIBLE`).
    pub tier: String,
    /// The overall risk level (`LOW` … `CRITICAL`).
    pub risk_level: String,
}

/// Which of a tenant's documents a listing shows.
#[derive(Clone, Debug, Default)]
pub struct DocumentFilter {
    /// Only these statuses (any when empty).
    pub statuses: Vec<DocumentStatus>,
    /// Only the documents of this case.
    pub case_id: Option<CaseId>,
    /// Only the documents whose decision has this tier.
    pub tier: Option<String>,
    /// Only the documents whose file name, holder or bank contains this text (any case,
    /// Unicode-aware), or whose id it is.
    pub search: Option<String>,
}

/// Position in a listing: the last item seen (newest first order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageCursor {
    /// Creation time of the last item seen.
    pub created_at_ms: i64,
    /// Id of the last item seen (ties on time are broken by id).
    pub id: String,
}

impl PageCursor {
    /// Reads a cursor a client sent back (`<ms>.<id>`); `None` if it is not one of ours.
    pub fn parse(text: &str) -> Option<Self> {
        let (ms, id) = text.split_once('.')?;
        let ours = DocumentId::parse(id).is_some() || CaseId::parse(id).is_some();
        if !ours {
            return None;
        }
        Some(PageCursor {
            created_at_ms: ms.parse().ok()?,
            id: id.to_owned(),
        })
    }
}

impl fmt::Display for PageCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.created_at_ms, self.id)
    }
}

/// One page of a listing.
#[derive(Clone, Debug)]
pub struct DocumentPage {
    /// The documents, newest first.
    pub documents: Vec<DocumentRecord>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<PageCursor>,
}

/// A new API key, shown once.
#[derive(Debug)]
pub struct ApiKeyCreated {
    /// The key's id (safe to log and show).
    pub id: String,
    /// The key itself.
    pub key: String,
}

/// A new OAuth client, its secret shown once.
#[derive(Debug)]
pub struct OAuthClientCreated {
    /// Public client id.
    pub client_id: String,
    /// The secret itself.
    pub client_secret: String,
}

/// A job a worker holds.
#[derive(Clone)]
pub struct ClaimedJob {
    /// The document.
    pub document: DocumentId,
    /// Its owner.
    pub tenant: TenantId,
    /// The worker holding the lease; every later write is conditional on it (fencing).
    pub lease_owner: String,
    /// The client's file name.
    pub filename: String,
    /// Blob key of the original.
    pub sha256: String,
    /// Analysis options (JSON).
    pub options_json: String,
    /// PDF password, if one was given.
    pub password: Option<String>,
    /// Attempts so far, this one included.
    pub attempts: u32,
}

impl fmt::Debug for ClaimedJob {
    /// The password never reaches a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClaimedJob")
            .field("document", &self.document)
            .field("tenant", &self.tenant)
            .field("lease_owner", &self.lease_owner)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// How a job ended.
#[derive(Debug)]
pub enum JobOutcome {
    /// Analysed: `(profile, JSON)` pairs; `flagged` when findings need a person's look.
    Analyzed {
        /// One JSON body per profile.
        analyses: Vec<(String, String)>,
        /// Status FLAGGED instead of ANALYZED.
        flagged: bool,
        /// The decision's headline, for listings.
        decision: Option<Decision>,
        /// Whose statement it is, for listings.
        subject: Option<Subject>,
    },
    /// Failed for good, with a stable code and a message.
    Failed {
        /// Stable machine code.
        code: String,
        /// Human message.
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_foreign_text() {
        let cursor = PageCursor {
            created_at_ms: 1_700_000_000_000,
            id: "doc_0123456789abcdef0123456789abcdef".to_owned(),
        };
        assert_eq!(PageCursor::parse(&cursor.to_string()), Some(cursor));
        assert_eq!(PageCursor::parse("12.x' OR 1=1"), None);
        assert_eq!(PageCursor::parse("nope"), None);
    }

    #[test]
    fn passwords_are_not_debug_printed() {
        let doc = NewDocument {
            tenant: TenantId::from_db("ten_x".to_owned()),
            filename: "a.pdf".to_owned(),
            sha256: String::new(),
            size_bytes: 1,
            format: "pdf".to_owned(),
            options_json: "{}".to_owned(),
            password: Some("hunter2".to_owned()),
            case_id: None,
            metadata_json: None,
        };
        assert!(!format!("{doc:?}").contains("hunter2"));
    }
}
