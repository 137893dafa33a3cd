use std::path::Path;

use sqlx::{Row, query};

use super::*;
use crate::{Decision, DeliveryStatus, NewWebhook, Subject, hash_secret};

const LEASE_MS: i64 = 60_000;

fn upload(tenant: &TenantId, sha: char) -> NewDocument {
    NewDocument {
        tenant: tenant.clone(),
        filename: "statement.csv".to_owned(),
        sha256: sha.to_string().repeat(64),
        size_bytes: 10,
        format: "csv".to_owned(),
        options_json: "{}".to_owned(),
        password: Some("secret".to_owned()),
        case_id: None,
        metadata_json: None,
    }
}

fn analyzed() -> JobOutcome {
    JobOutcome::Analyzed {
        analyses: vec![("native".to_owned(), "{\"ok\":true}".to_owned())],
        flagged: false,
        decision: None,
        subject: None,
    }
}

#[test]
fn every_migration_file_is_embedded_and_both_dialects_have_the_same_versions() {
    for (dialect, list) in [
        ("sqlite", SQLITE_MIGRATIONS),
        ("postgres", POSTGRES_MIGRATIONS),
    ] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(dialect);
        let files = std::fs::read_dir(dir).unwrap().count();
        assert_eq!(files, list.len(), "{dialect}");
    }
    let versions = |list: &[(i64, &str, &str)]| {
        list.iter()
            .map(|(v, d, _)| (*v, (*d).to_owned()))
            .collect::<Vec<_>>()
    };
    assert_eq!(versions(SQLITE_MIGRATIONS), versions(POSTGRES_MIGRATIONS));
}

#[tokio::test]
async fn a_file_database_reopens_with_its_data_and_migrations_applied_once() {
    let dir = std::env::temp_dir().join(format!("ledgerlens-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("db.sqlite3");
    let _ = std::fs::remove_file(&path);
    let tenant = {
        let store = SqlStore::open(&path).await.unwrap();
        store.ensure_tenant("acme", 1).await.unwrap()
    };
    let store = SqlStore::open(&path).await.unwrap();
    assert_eq!(store.ensure_tenant("acme", 2).await.unwrap(), tenant);
    let _ = std::fs::remove_dir_all(dir);
}

async fn api_keys_resolve_to_their_tenant_and_only_the_hash_is_stored(store: SqlStore) {
    let acme = store.ensure_tenant("acme", 1).await.unwrap();
    let key = store
        .create_api_key(&acme, &CredentialSpec::default(), 1)
        .await
        .unwrap();
    assert_eq!(
        store
            .principal_for_api_key(&key.key, 1)
            .await
            .unwrap()
            .map(|p| p.tenant),
        Some(acme)
    );
    assert_eq!(
        store.principal_for_api_key("llk_wrong", 1).await.unwrap(),
        None
    );
    let stored: i64 = query("SELECT COUNT(*) AS n FROM api_keys WHERE key_hash = $1")
        .bind(&key.key)
        .fetch_one(&store.pool)
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(stored, 0);
}

async fn another_tenants_document_is_invisible(store: SqlStore) {
    let a = store.ensure_tenant("a", 1).await.unwrap();
    let b = store.ensure_tenant("b", 1).await.unwrap();
    let doc = store.insert_document(upload(&a, 'a'), 1).await.unwrap();
    assert!(store.get_document(&b, &doc.id).await.unwrap().is_none());
    assert!(store.delete_document(&b, &doc.id).await.unwrap().is_none());
    assert!(
        store
            .get_analysis(&b, &doc.id, "native")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store
            .list_documents(&b, &DocumentFilter::default(), None, 10)
            .await
            .unwrap()
            .documents
            .len(),
        0
    );
    assert!(store.get_document(&a, &doc.id).await.unwrap().is_some());
}

async fn a_job_is_claimed_once_until_its_lease_expires(store: SqlStore) {
    let a = store.ensure_tenant("a", 1).await.unwrap();
    let doc = store.insert_document(upload(&a, 'a'), 1).await.unwrap();
    let job = store
        .claim_job("w1", 10, LEASE_MS, 3)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.document, doc.id);
    assert_eq!(job.password.as_deref(), Some("secret"));
    assert!(
        store
            .claim_job("w2", 20, LEASE_MS, 3)
            .await
            .unwrap()
            .is_none()
    );
    // The first worker died: after the lease, another takes the job, and the first can no
    // longer write its result.
    let again = store
        .claim_job("w2", 10 + LEASE_MS + 1, LEASE_MS, 3)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.attempts, 2);
    assert!(
        !store
            .finish_job(&job, analyzed(), Vec::new(), 100_000)
            .await
            .unwrap()
    );
    assert!(
        store
            .finish_job(&again, analyzed(), Vec::new(), 100_000)
            .await
            .unwrap()
    );
    let record = store.get_document(&a, &doc.id).await.unwrap().unwrap();
    assert_eq!(record.status, DocumentStatus::Analyzed);
    assert_eq!(record.attempts, 2);
    assert_eq!(
        store
            .get_analysis(&a, &doc.id, "native")
            .await
            .unwrap()
            .as_deref(),
        Some("{\"ok\":true}")
    );
    let password: Option<String> = query("SELECT secret_password FROM documents")
        .fetch_one(&store.pool)
        .await
        .unwrap()
        .try_get("secret_password")
        .unwrap();
    assert_eq!(password, None, "the password is erased when the job ends");
}

async fn a_job_that_keeps_killing_workers_fails_with_attempts_exhausted(store: SqlStore) {
    let a = store.ensure_tenant("a", 1).await.unwrap();
    let doc = store.insert_document(upload(&a, 'a'), 1).await.unwrap();
    let mut now = 0;
    for _ in 0..2 {
        now += LEASE_MS + 1;
        assert!(
            store
                .claim_job("w", now, LEASE_MS, 2)
                .await
                .unwrap()
                .is_some()
        );
    }
    now += LEASE_MS + 1;
    assert!(
        store
            .claim_job("w", now, LEASE_MS, 2)
            .await
            .unwrap()
            .is_none()
    );
    let record = store.get_document(&a, &doc.id).await.unwrap().unwrap();
    assert_eq!(record.status, DocumentStatus::Failed);
    assert_eq!(record.failure_code.as_deref(), Some("attempts_exhausted"));
}

async fn a_released_job_is_pending_again_without_counting_the_attempt(store: SqlStore) {
    let a = store.ensure_tenant("a", 1).await.unwrap();
    let doc = store.insert_document(upload(&a, 'a'), 1).await.unwrap();
    let job = store
        .claim_job("w", 10, LEASE_MS, 3)
        .await
        .unwrap()
        .unwrap();
    assert!(store.release_job(&job, 20).await.unwrap());
    let record = store.get_document(&a, &doc.id).await.unwrap().unwrap();
    assert_eq!(
        (record.status, record.attempts),
        (DocumentStatus::Pending, 0)
    );
    assert!(
        store
            .claim_job("w2", 30, LEASE_MS, 3)
            .await
            .unwrap()
            .is_some()
    );
}

async fn failure_keeps_code_and_message(store: SqlStore) {
    let a = store.ensure_tenant("a", 1).await.unwrap();
    let doc = store.insert_document(upload(&a, 'a'), 1).await.unwrap();
    let job = store
        .claim_job("w", 10, LEASE_MS, 3)
        .await
        .unwrap()
        .unwrap();
    let failed = JobOutcome::Failed {
        code: "malformed_file".to_owned(),
        message: "row 3: bad amount".to_owned(),
    };
    assert!(
        store
            .finish_job(&job, failed, Vec::new(), 20)
            .await
            .unwrap()
    );
    let record = store.get_document(&a, &doc.id).await.unwrap().unwrap();
    assert_eq!(record.status, DocumentStatus::Failed);
    assert_eq!(record.failure_code.as_deref(), Some("malformed_file"));
    assert_eq!(record.finished_at_ms, Some(20));
}

async fn deleting_tells_whether_the_blob_is_still_used(store: SqlStore) {
    let a = store.ensure_tenant("a", 1).await.unwrap();
    let first = store.insert_document(upload(&a, 'a'), 1).await.unwrap();
    let second = store.insert_document(upload(&a, 'a'), 2).await.unwrap();
    let (_, still_used) = store.delete_document(&a, &first.id).await.unwrap().unwrap();
    assert!(still_used);
    let (_, still_used) = store
        .delete_document(&a, &second.id)
        .await
        .unwrap()
        .unwrap();
    assert!(!still_used);
    assert!(store.get_document(&a, &second.id).await.unwrap().is_none());
}

async fn listing_pages_newest_first_without_gaps_or_repeats(store: SqlStore) {
    let a = store.ensure_tenant("a", 1).await.unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        // Two documents share each timestamp: ties are broken by id.
        let doc = store.insert_document(upload(&a, 'a'), i / 2).await.unwrap();
        ids.push(doc.id);
    }
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = store
            .list_documents(&a, &DocumentFilter::default(), cursor.as_ref(), 2)
            .await
            .unwrap();
        seen.extend(page.documents.iter().map(|d| d.id.clone()));
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    let mut sorted = seen.clone();
    sorted.sort_by_key(|id| id.as_str().to_owned());
    sorted.dedup();
    assert_eq!(sorted.len(), 5);
}

async fn listings_filter_by_decision_tier_and_search_the_file_name_as_plain_text(store: SqlStore) {
    let a = store.ensure_tenant("a", 1).await.unwrap();
    let b = store.ensure_tenant("b", 1).await.unwrap();
    let names = ["March_2024.pdf", "ACME 50% april.csv", "other.csv"];
    let tiers = [Some(("TIER_1", 810)), Some(("TIER_3", 420)), None];
    // Holders with letters SQLite's LOWER does not fold.
    let holders = [Some("ÉLODIE ÇELIK"), None, Some("Jürgen Öztürk")];
    let mut ids = Vec::new();
    for (i, ((name, tier), holder)) in names.iter().zip(tiers).zip(holders).enumerate() {
        let mut new = upload(&a, char::from(b'a' + u8::try_from(i).unwrap()));
        new.filename = (*name).to_owned();
        let doc = store.insert_document(new, 1).await.unwrap();
        let job = store
            .claim_job("w", 10, LEASE_MS, 3)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(job.document, doc.id);
        let outcome = JobOutcome::Analyzed {
            analyses: vec![("native".to_owned(), "{}".to_owned())],
            flagged: false,
            decision: tier.map(|(tier, score)| Decision {
                score,
                tier: tier.to_owned(),
                risk_level: "LOW".to_owned(),
            }),
            subject: holder.map(|holder| Subject {
                holder: Some(holder.to_owned()),
                bank: Some("Société Générale".to_owned()),
                account: Some("****2465".to_owned()),
                period_start: Some("2024-01-01".to_owned()),
                period_end: Some("2024-05-05".to_owned()),
                name_match: Some("MISMATCH".to_owned()),
            }),
        };
        assert!(
            store
                .finish_job(&job, outcome, Vec::new(), 20)
                .await
                .unwrap()
        );
        ids.push(doc.id);
    }
    let list = |filter: DocumentFilter, tenant: TenantId| {
        let store = store.clone();
        async move {
            let page = store
                .list_documents(&tenant, &filter, None, 10)
                .await
                .unwrap();
            page.documents
                .iter()
                .map(|d| d.filename.clone())
                .collect::<Vec<_>>()
        }
    };
    let tier = |t: &str| DocumentFilter {
        tier: Some(t.to_owned()),
        ..DocumentFilter::default()
    };
    let search = |q: &str| DocumentFilter {
        search: Some(q.to_owned()),
        ..DocumentFilter::default()
    };
    assert_eq!(
        list(tier("TIER_1"), a.clone()).await,
        vec!["March_2024.pdf"]
    );
    assert_eq!(list(tier("TIER_2"), a.clone()).await, Vec::<String>::new());
    assert!(list(tier("TIER_1"), b.clone()).await.is_empty());
    assert_eq!(
        list(search("MARCH"), a.clone()).await,
        vec!["March_2024.pdf"]
    );
    // `%` and `_` are letters of the search, not wildcards.
    assert_eq!(
        list(search("50%"), a.clone()).await,
        vec!["ACME 50% april.csv"]
    );
    assert!(list(search("acme_50"), a.clone()).await.is_empty());
    assert_eq!(
        list(search("h_2024"), a.clone()).await,
        vec!["March_2024.pdf"]
    );
    assert_eq!(
        list(search(ids[2].as_str()), a.clone()).await,
        vec!["other.csv"]
    );
    assert!(list(search("march"), b.clone()).await.is_empty());
    // The holder and the bank are searched too, in any case, beyond ASCII.
    assert_eq!(
        list(search("élodie çelik"), a.clone()).await,
        vec!["March_2024.pdf"]
    );
    assert_eq!(list(search("ÖZTÜRK"), a.clone()).await, vec!["other.csv"]);
    let mut by_bank = list(search("SOCIÉTÉ"), a.clone()).await;
    by_bank.sort();
    assert_eq!(by_bank, vec!["March_2024.pdf", "other.csv"]);
    assert!(list(search("öztürk"), b.clone()).await.is_empty());
    // The decision is read back with the document.
    let first = store.get_document(&a, &ids[0]).await.unwrap().unwrap();
    assert_eq!(
        first.decision,
        Some(Decision {
            score: 810,
            tier: "TIER_1".to_owned(),
            risk_level: "LOW".to_owned()
        })
    );
    assert_eq!(
        first.subject.as_ref().and_then(|s| s.holder.as_deref()),
        Some("ÉLODIE ÇELIK")
    );
    assert_eq!(
        first.subject.as_ref().and_then(|s| s.period_end.as_deref()),
        Some("2024-05-05")
    );
    assert_eq!(
        first.subject.as_ref().and_then(|s| s.name_match.as_deref()),
        Some("MISMATCH")
    );
    let last = store.get_document(&a, &ids[2]).await.unwrap().unwrap();
    assert_eq!(last.decision, None);
    let second = store.get_document(&a, &ids[1]).await.unwrap().unwrap();
    assert_eq!(second.subject, None);
}

fn hook(tenant: &TenantId, events: &[&str]) -> NewWebhook {
    NewWebhook {
        tenant: tenant.clone(),
        url: "http://receiver.example/hook".to_owned(),
        events: events.iter().map(|e| (*e).to_owned()).collect(),
        secret: "whsec_c2VjcmV0".to_owned(),
    }
}

fn event(kind: &str) -> NewEvent {
    NewEvent {
        event_type: kind.to_owned(),
        payload: format!("{{\"type\":\"{kind}\"}}"),
    }
}

async fn events_reach_matching_subscriptions_of_their_tenant_only(store: SqlStore) {
    let acme = store.ensure_tenant("acme", 1).await.unwrap();
    let other = store.ensure_tenant("other", 1).await.unwrap();
    let all = store.create_webhook(hook(&acme, &["*"]), 1).await.unwrap();
    let failed_only = store
        .create_webhook(hook(&acme, &["document.failed"]), 2)
        .await
        .unwrap();
    let foreign = store.create_webhook(hook(&other, &["*"]), 3).await.unwrap();
    assert_eq!(all.secret, "whsec_c2VjcmV0");
    assert_eq!(
        store
            .enqueue_event(&acme, &event("document.analyzed"), 10)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .enqueue_event(&acme, &event("document.failed"), 10)
            .await
            .unwrap(),
        2
    );
    assert!(store.get_webhook(&other, &all.id).await.unwrap().is_none());
    assert!(
        store
            .list_deliveries(&other, &all.id, 10)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store
            .list_deliveries(&acme, &failed_only.id, 10)
            .await
            .unwrap()
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .list_deliveries(&other, &foreign.id, 10)
            .await
            .unwrap()
            .unwrap()
            .is_empty()
    );
    assert!(!store.delete_webhook(&other, &all.id).await.unwrap());
    assert!(store.delete_webhook(&acme, &all.id).await.unwrap());
    assert!(
        store
            .list_deliveries(&acme, &all.id, 10)
            .await
            .unwrap()
            .is_none()
    );
}

async fn a_message_is_claimed_once_retried_on_schedule_and_logged(store: SqlStore) {
    let acme = store.ensure_tenant("acme", 1).await.unwrap();
    let sub = store.create_webhook(hook(&acme, &["*"]), 1).await.unwrap();
    store
        .enqueue_event(&acme, &event("document.analyzed"), 10)
        .await
        .unwrap();
    let claimed = store.claim_delivery(10, 60_000).await.unwrap().unwrap();
    assert_eq!(claimed.url, sub.url);
    assert_eq!(claimed.retry_index, 0);
    // Held: nobody else gets it.
    assert!(store.claim_delivery(11, 60_000).await.unwrap().is_none());
    let failure = AttemptOutcome {
        response_code: Some(500),
        error: None,
        duration_ms: 3,
        delivered: false,
        retry_at_ms: Some(5_010),
    };
    assert!(store.record_attempt(&claimed, &failure, 10).await.unwrap());
    // A stale claim writes nothing more.
    assert!(!store.record_attempt(&claimed, &failure, 10).await.unwrap());
    assert!(store.claim_delivery(5_000, 60_000).await.unwrap().is_none());
    let again = store.claim_delivery(5_010, 60_000).await.unwrap().unwrap();
    assert_eq!(again.id, claimed.id);
    assert_eq!(again.retry_index, 1);
    let success = AttemptOutcome {
        response_code: Some(204),
        error: None,
        duration_ms: 2,
        delivered: true,
        retry_at_ms: None,
    };
    assert!(store.record_attempt(&again, &success, 5_011).await.unwrap());
    let log = store
        .list_deliveries(&acme, &sub.id, 10)
        .await
        .unwrap()
        .unwrap();
    let delivery = log.first().unwrap();
    assert_eq!(delivery.status, DeliveryStatus::Delivered);
    assert_eq!(delivery.attempts, 2);
    assert_eq!(delivery.log.len(), 3);
    assert_eq!(delivery.delivered_at_ms, Some(5_011));
    // Redelivery: pending now, same id, fresh schedule.
    let other = store.ensure_tenant("other", 1).await.unwrap();
    assert!(
        !store
            .redeliver(&other, &sub.id, &delivery.id, 6_000)
            .await
            .unwrap()
    );
    assert!(
        store
            .redeliver(&acme, &sub.id, &delivery.id, 6_000)
            .await
            .unwrap()
    );
    let third = store.claim_delivery(6_000, 60_000).await.unwrap().unwrap();
    assert_eq!(
        (third.id.as_str(), third.retry_index),
        (delivery.id.as_str(), 0)
    );
}

async fn oauth_clients_resolve_to_their_tenant_and_hash_unless_revoked(store: SqlStore) {
    let acme = store.ensure_tenant("acme", 1).await.unwrap();
    let client = store
        .create_oauth_client(&acme, &CredentialSpec::default(), 1)
        .await
        .unwrap();
    let (principal, hash) = store
        .oauth_client(&client.client_id, 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(principal.tenant, acme);
    assert_eq!(hash, hash_secret(&client.client_secret));
    assert_eq!(store.oauth_client("cli_unknown", 1).await.unwrap(), None);
    query("UPDATE oauth_clients SET revoked_at = 2 WHERE client_id = $1")
        .bind(&client.client_id)
        .execute(&store.pool)
        .await
        .unwrap();
    assert_eq!(
        store.oauth_client(&client.client_id, 3).await.unwrap(),
        None
    );
}

async fn users_sign_in_by_email_and_sessions_end_with_sign_out_revocation_or_expiry(
    store: SqlStore,
) {
    let acme = store.ensure_tenant("acme", 1).await.unwrap();
    let umbrella = store.ensure_tenant("umbrella", 1).await.unwrap();
    let spec = CredentialSpec {
        permissions: vec!["documents:read".to_owned()],
        label: Some("Ada".to_owned()),
    };
    let ada = store
        .create_user(
            &acme,
            " Ada@Bank.Example",
            "pbkdf2-sha256$1$c2FsdA$aGFzaA",
            &spec,
            1,
        )
        .await
        .unwrap()
        .unwrap();
    assert!(ada.starts_with("usr_"));
    // One address, one user, whatever the tenant or the case.
    assert_eq!(
        store
            .create_user(&umbrella, "ada@bank.example", "x", &spec, 2)
            .await
            .unwrap(),
        None
    );
    assert!(
        store
            .create_user(&acme, "not an address", "x", &spec, 2)
            .await
            .is_err()
    );
    let login = store
        .user_login("ADA@bank.example", 3)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(login.principal.tenant, acme);
    assert_eq!(login.principal.credential, ada);
    assert_eq!(login.principal.permissions, vec!["documents:read"]);
    assert_eq!(login.password_hash, "pbkdf2-sha256$1$c2FsdA$aGFzaA");
    assert!(
        store
            .user_login("bob@bank.example", 3)
            .await
            .unwrap()
            .is_none()
    );

    // Listed with the tenant's other credentials, e-mail included; not with another tenant's.
    let listed = store.list_credentials(&acme).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].kind.as_str(), "user");
    assert_eq!(listed[0].email.as_deref(), Some("ada@bank.example"));
    assert!(store.list_credentials(&umbrella).await.unwrap().is_empty());

    // A session works until it expires or signs out; only its hash is stored.
    let first = store.create_session(&ada, 10, 1_000).await.unwrap();
    let second = store.create_session(&ada, 10, 1_000).await.unwrap();
    assert!(first.starts_with("llu_") && first != second);
    let seen = store
        .principal_for_session(&first, 11)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seen.principal.credential, ada);
    assert_eq!(seen.email, "ada@bank.example");
    assert_eq!(seen.expires_at_ms, 1_000);
    assert!(
        store
            .principal_for_session(&first, 1_000)
            .await
            .unwrap()
            .is_none()
    );
    let stored: i64 = query("SELECT COUNT(*) AS n FROM sessions WHERE token_hash = $1")
        .bind(hash_secret(&first))
        .fetch_one(&store.pool)
        .await
        .unwrap()
        .get("n");
    assert_eq!(stored, 1);
    assert!(store.end_session(&first, 12).await.unwrap());
    assert!(!store.end_session(&first, 13).await.unwrap());
    assert!(
        store
            .principal_for_session(&first, 14)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .principal_for_session(&second, 14)
            .await
            .unwrap()
            .is_some()
    );

    // A new password signs out every other session.
    let third = store.create_session(&ada, 15, 1_000).await.unwrap();
    assert!(
        store
            .set_user_password(&ada, "pbkdf2-sha256$2$c2FsdA$bmV3", Some(&third), 16)
            .await
            .unwrap()
    );
    assert!(
        store
            .principal_for_session(&second, 17)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .principal_for_session(&third, 17)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store
            .user_login("ada@bank.example", 17)
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        "pbkdf2-sha256$2$c2FsdA$bmV3"
    );

    // Revoking the user (by another tenant: refused; by its own: done) ends its sessions.
    assert!(!store.revoke_credential(&umbrella, &ada, 18).await.unwrap());
    assert!(store.revoke_credential(&acme, &ada, 18).await.unwrap());
    assert!(
        store
            .principal_for_session(&third, 19)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .user_login("ada@bank.example", 19)
            .await
            .unwrap()
            .is_none()
    );

    // A sign-in removes the user's sessions that ended or expired more than a day ago, and
    // only theirs.
    let count = |store: SqlStore| async move {
        query("SELECT COUNT(*) AS n FROM sessions")
            .fetch_one(&store.pool)
            .await
            .unwrap()
            .get::<i64, _>("n")
    };
    let bea = store
        .create_user(&acme, "bea@bank.example", "x", &spec, 1)
        .await
        .unwrap()
        .unwrap();
    let old = store.create_session(&bea, 10, 1_000).await.unwrap();
    let ended = store.create_session(&bea, 10, 999_999_999).await.unwrap();
    assert!(store.end_session(&ended, 20).await.unwrap());
    let before = count(store.clone()).await;
    store
        .create_session(&bea, 86_402_000, 999_999_999)
        .await
        .unwrap();
    assert_eq!(count(store.clone()).await, before - 1);
    for gone in [&old, &ended] {
        let n: i64 = query("SELECT COUNT(*) AS n FROM sessions WHERE token_hash = $1")
            .bind(hash_secret(gone))
            .fetch_one(&store.pool)
            .await
            .unwrap()
            .get("n");
        assert_eq!(n, 0);
    }
}

#[tokio::test]
async fn open_reporting_lists_applied_migrations_once() {
    let dir = std::env::temp_dir().join(format!("ledgerlens-store-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("db.sqlite3");
    let _ = std::fs::remove_file(&path);
    let (store, applied) = SqlStore::open_reporting(&path).await.unwrap();
    let versions: Vec<i64> = applied.iter().map(|(v, _)| *v).collect();
    let expected: Vec<i64> = SQLITE_MIGRATIONS.iter().map(|(v, _, _)| *v).collect();
    assert_eq!(versions, expected);
    drop(store);
    let (_, again) = SqlStore::open_reporting(&path).await.unwrap();
    assert!(again.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every test above runs on each backend the machine has (see [`crate::testing`]).
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {
        mod on_every_backend {
            use crate::testing::{Backend, backends};

            $(
                #[tokio::test]
                async fn $name() {
                    for backend in backends(stringify!($name)).await.unwrap() {
                        let Backend { store, cleanup } = backend;
                        super::$name(store).await;
                        cleanup.run().await;
                    }
                }
            )*
        }
    };
}

on_every_backend!(
    api_keys_resolve_to_their_tenant_and_only_the_hash_is_stored,
    another_tenants_document_is_invisible,
    a_job_is_claimed_once_until_its_lease_expires,
    a_job_that_keeps_killing_workers_fails_with_attempts_exhausted,
    a_released_job_is_pending_again_without_counting_the_attempt,
    failure_keeps_code_and_message,
    deleting_tells_whether_the_blob_is_still_used,
    listing_pages_newest_first_without_gaps_or_repeats,
    events_reach_matching_subscriptions_of_their_tenant_only,
    a_message_is_claimed_once_retried_on_schedule_and_logged,
    oauth_clients_resolve_to_their_tenant_and_hash_unless_revoked,
    users_sign_in_by_email_and_sessions_end_with_sign_out_revocation_or_expiry,
    listings_filter_by_decision_tier_and_search_the_file_name_as_plain_text,
);

mod domain_tests;

/// Many connections writing to one SQLite file at once (the API's uploads and events beside
/// the workers' claims): every transaction waits its turn instead of failing with a stale
/// snapshot (`SQLITE_BUSY_SNAPSHOT`, which a read-then-write transaction would meet).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_on_one_sqlite_file_all_succeed() {
    let dir = std::env::temp_dir().join(format!("ledgerlens-store-busy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("db.sqlite3");
    let _ = std::fs::remove_file(&path);
    let store = SqlStore::open(&path).await.unwrap();
    let tenant = store.ensure_tenant("acme", 1).await.unwrap();
    store
        .create_webhook(
            NewWebhook {
                tenant: tenant.clone(),
                url: "http://receiver.example/hook".to_owned(),
                events: vec!["*".to_owned()],
                secret: "whsec_c2VjcmV0".to_owned(),
            },
            1,
        )
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for worker in 0..8 {
        let store = store.clone();
        let tenant = tenant.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..10 {
                let doc = store
                    .insert_document(upload(&tenant, 'a'), i64::from(worker * 100 + i))
                    .await
                    .unwrap();
                let event = NewEvent {
                    event_type: "document.uploaded".to_owned(),
                    payload: format!("{{\"id\":\"{}\"}}", doc.id),
                };
                store.enqueue_event(&tenant, &event, 5).await.unwrap();
                if let Some(job) = store
                    .claim_job(&format!("w{worker}"), 10, LEASE_MS, 3)
                    .await
                    .unwrap()
                {
                    store
                        .record_fingerprints(&job, &["fp".to_owned()], 0.9)
                        .await
                        .unwrap();
                    store
                        .finish_job(&job, analyzed(), vec![event], 20)
                        .await
                        .unwrap();
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let counts = store.status_counts().await.unwrap();
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    assert_eq!(total, 80);
    let _ = std::fs::remove_dir_all(&dir);
}
