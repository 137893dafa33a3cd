//! The records added around documents (issue 7, item 2), on every backend.

use std::collections::HashSet;
use std::sync::Arc;

use super::{LEASE_MS, analyzed, upload};
use crate::{
    CaseFields, CaseKind, CredentialSpec, DocumentFilter, DocumentStatus, Idempotency, NewAudit,
    SqlStore, Store, TenantId,
};

fn fields(name: &str) -> CaseFields {
    CaseFields {
        name: Some(name.to_owned()),
        country: Some("FR".to_owned()),
        identifiers_json: r#"{"siren":"552100554"}"#.to_owned(),
        ..CaseFields::default()
    }
}

async fn documents_are_numbered_per_tenant_and_found_by_number(store: SqlStore) {
    let a = store.ensure_tenant("a", 1).await.unwrap();
    let b = store.ensure_tenant("b", 1).await.unwrap();
    let a1 = store.insert_document(upload(&a, 'a'), 1).await.unwrap();
    let b1 = store.insert_document(upload(&b, 'b'), 1).await.unwrap();
    let a2 = store.insert_document(upload(&a, 'c'), 2).await.unwrap();
    assert_eq!((a1.number, a2.number, b1.number), (1, 2, 1));
    let found = store.get_document_by_number(&a, 2).await.unwrap().unwrap();
    assert_eq!(found.id, a2.id);
    assert!(store.get_document_by_number(&b, 2).await.unwrap().is_none());
    // Numbers are not reused after a delete.
    store.delete_document(&a, &a2.id).await.unwrap().unwrap();
    let a3 = store.insert_document(upload(&a, 'd'), 3).await.unwrap();
    assert_eq!(a3.number, 3);
}

async fn the_same_file_twice_is_a_duplicate_at_once(store: SqlStore) {
    let a = store.ensure_tenant("a", 1).await.unwrap();
    let b = store.ensure_tenant("b", 1).await.unwrap();
    let first = store.insert_document(upload(&a, 'a'), 1).await.unwrap();
    let again = store.insert_document(upload(&a, 'a'), 2).await.unwrap();
    let elsewhere = store.insert_document(upload(&b, 'a'), 3).await.unwrap();
    assert_eq!(first.duplicate_of, None);
    assert_eq!(again.duplicate_of.as_ref(), Some(&first.id));
    assert_eq!(
        elsewhere.duplicate_of, None,
        "another tenant's file is not ours"
    );
}

async fn an_overlapping_ledger_is_a_duplicate_of_the_earlier_statement(store: SqlStore) {
    let a = store.ensure_tenant("a", 1).await.unwrap();
    let fps = |range: std::ops::Range<u32>| range.map(|i| format!("fp{i}")).collect::<Vec<_>>();
    let first = store.insert_document(upload(&a, 'a'), 1).await.unwrap();
    let job = store.claim_job("w", 2, LEASE_MS, 3).await.unwrap().unwrap();
    assert_eq!(
        store
            .record_fingerprints(&job, &fps(0..100), 0.5)
            .await
            .unwrap(),
        None
    );
    store
        .finish_job(&job, analyzed(), Vec::new(), 3)
        .await
        .unwrap();
    // 60 of 100 shared: above half.
    let second = store.insert_document(upload(&a, 'b'), 4).await.unwrap();
    let job = store.claim_job("w", 5, LEASE_MS, 3).await.unwrap().unwrap();
    assert_eq!(
        store
            .record_fingerprints(&job, &fps(40..140), 0.5)
            .await
            .unwrap(),
        Some(first.id.clone())
    );
    store
        .finish_job(&job, analyzed(), Vec::new(), 6)
        .await
        .unwrap();
    let second = store.get_document(&a, &second.id).await.unwrap().unwrap();
    assert_eq!(second.duplicate_of, Some(first.id.clone()));
    // 10 of 100 shared: below half, not a duplicate.
    let third = store.insert_document(upload(&a, 'c'), 7).await.unwrap();
    let job = store.claim_job("w", 8, LEASE_MS, 3).await.unwrap().unwrap();
    assert_eq!(
        store
            .record_fingerprints(&job, &fps(130..230), 0.5)
            .await
            .unwrap(),
        None
    );
    store
        .finish_job(&job, analyzed(), Vec::new(), 9)
        .await
        .unwrap();
    let third = store.get_document(&a, &third.id).await.unwrap().unwrap();
    assert_eq!(third.duplicate_of, None);
}

async fn cases_are_created_listed_updated_and_deleted_with_their_documents(store: SqlStore) {
    let a = store.ensure_tenant("a", 1).await.unwrap();
    let b = store.ensure_tenant("b", 1).await.unwrap();
    let case = store
        .create_case(&a, CaseKind::Business, &fields("Acme SAS"), 1)
        .await
        .unwrap();
    assert_eq!(case.number, 1);
    assert!(store.get_case(&b, &case.id).await.unwrap().is_none());
    let mut doc = upload(&a, 'a');
    doc.case_id = Some(case.id.clone());
    let filed = store.insert_document(doc, 2).await.unwrap();
    store.insert_document(upload(&a, 'b'), 3).await.unwrap();
    // Filing under another tenant's case is refused.
    let mut foreign = upload(&b, 'c');
    foreign.case_id = Some(case.id.clone());
    assert!(store.insert_document(foreign, 4).await.is_err());
    let in_case = DocumentFilter {
        case_id: Some(case.id.clone()),
        ..DocumentFilter::default()
    };
    let listed = store.list_documents(&a, &in_case, None, 10).await.unwrap();
    assert_eq!(listed.documents.len(), 1);
    let mut changed = fields("Acme SAS");
    changed.assignee = Some("analyst@lender.example".to_owned());
    let updated = store
        .update_case(&a, &case.id, &changed, 5)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        updated.fields.assignee.as_deref(),
        Some("analyst@lender.example")
    );
    assert!(
        store
            .update_case(&b, &case.id, &changed, 5)
            .await
            .unwrap()
            .is_none()
    );
    let mut bad = fields("x");
    bad.identifiers_json = "[1]".to_owned();
    assert!(store.update_case(&a, &case.id, &bad, 6).await.is_err());
    assert_eq!(
        store
            .list_cases(&a, None, None, 10)
            .await
            .unwrap()
            .cases
            .len(),
        1
    );
    // Search: name, assignee or an identifier, any case; `%` and `_` are letters; another
    // tenant's case is never found.
    let second = store
        .create_case(&a, CaseKind::Person, &fields("Ngozi 100% Okafor"), 7)
        .await
        .unwrap();
    let found = |q: &'static str, tenant: TenantId| {
        let store = store.clone();
        async move {
            store
                .list_cases(&tenant, Some(q), None, 10)
                .await
                .unwrap()
                .cases
                .into_iter()
                .map(|c| c.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(found("ACME", a.clone()).await, vec![case.id.clone()]);
    assert_eq!(found("analyst@", a.clone()).await, vec![case.id.clone()]);
    assert_eq!(found("100%", a.clone()).await, vec![second.id.clone()]);
    assert!(found("a_me", a.clone()).await.is_empty());
    assert_eq!(found("552100554", a.clone()).await.len(), 2);
    assert!(found("acme", b.clone()).await.is_empty());
    // Beyond ASCII, in any case (SQLite's LOWER would not fold "É"), after an update too.
    let third = store
        .create_case(
            &a,
            CaseKind::Business,
            &fields("SOCIÉTÉ IVOIRIENNE DE CACAO"),
            8,
        )
        .await
        .unwrap();
    assert_eq!(found("société", a.clone()).await, vec![third.id.clone()]);
    let mut renamed = fields("Établissements Kouassi");
    renamed.reference = Some("DOSSIER-ÀBIDJAN-7".to_owned());
    store
        .update_case(&a, &third.id, &renamed, 9)
        .await
        .unwrap()
        .unwrap();
    assert!(found("société", a.clone()).await.is_empty());
    assert_eq!(
        found("ÉTABLISSEMENTS", a.clone()).await,
        vec![third.id.clone()]
    );
    assert_eq!(found("àbidjan", a.clone()).await, vec![third.id.clone()]);
    store.delete_case(&a, &third.id).await.unwrap().unwrap();
    assert!(
        store
            .list_cases(&b, None, None, 10)
            .await
            .unwrap()
            .cases
            .is_empty()
    );
    assert!(store.delete_case(&b, &case.id).await.unwrap().is_none());
    let (_, removed) = store.delete_case(&a, &case.id).await.unwrap().unwrap();
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].0.id, filed.id);
    assert!(store.get_document(&a, &filed.id).await.unwrap().is_none());
    assert_eq!(
        store
            .list_documents(&a, &DocumentFilter::default(), None, 10)
            .await
            .unwrap()
            .documents
            .len(),
        1
    );
}

async fn listings_filter_by_status(store: SqlStore) {
    let a = store.ensure_tenant("a", 1).await.unwrap();
    store.insert_document(upload(&a, 'a'), 1).await.unwrap();
    store.insert_document(upload(&a, 'b'), 2).await.unwrap();
    let job = store.claim_job("w", 3, LEASE_MS, 3).await.unwrap().unwrap();
    store
        .finish_job(&job, analyzed(), Vec::new(), 4)
        .await
        .unwrap();
    let only = |statuses: Vec<DocumentStatus>| DocumentFilter {
        statuses,
        ..DocumentFilter::default()
    };
    let analysed = store
        .list_documents(&a, &only(vec![DocumentStatus::Analyzed]), None, 10)
        .await
        .unwrap();
    assert_eq!(analysed.documents.len(), 1);
    assert_eq!(analysed.documents[0].id, job.document);
    let both = store
        .list_documents(
            &a,
            &only(vec![DocumentStatus::Analyzed, DocumentStatus::Pending]),
            None,
            10,
        )
        .await
        .unwrap();
    assert_eq!(both.documents.len(), 2);
    let mut counts = store.status_counts().await.unwrap();
    counts.sort_by_key(|(s, _)| s.as_str());
    assert_eq!(
        counts,
        vec![(DocumentStatus::Analyzed, 1), (DocumentStatus::Pending, 1)]
    );
}

async fn preferences_rules_and_runs_belong_to_their_tenant(store: SqlStore) {
    let a = store.ensure_tenant("a", 1).await.unwrap();
    let b = store.ensure_tenant("b", 1).await.unwrap();
    assert_eq!(store.get_preferences(&a).await.unwrap(), None);
    store
        .put_preferences(&a, r#"{"sector":"retail"}"#, 1)
        .await
        .unwrap();
    store
        .put_preferences(&a, r#"{"sector":"food"}"#, 2)
        .await
        .unwrap();
    assert_eq!(
        store.get_preferences(&a).await.unwrap().as_deref(),
        Some(r#"{"sector":"food"}"#)
    );
    assert_eq!(store.get_preferences(&b).await.unwrap(), None);

    let rule = store.add_rule(&a, r#"{"match":"x"}"#, 1).await.unwrap();
    store.add_rule(&a, r#"{"match":"y"}"#, 2).await.unwrap();
    assert_eq!(store.list_rules(&a).await.unwrap().len(), 2);
    assert!(store.list_rules(&b).await.unwrap().is_empty());
    assert!(!store.delete_rule(&b, &rule.id).await.unwrap());
    assert!(store.delete_rule(&a, &rule.id).await.unwrap());
    assert_eq!(store.list_rules(&a).await.unwrap().len(), 1);

    let doc = store.insert_document(upload(&a, 'a'), 1).await.unwrap();
    let first = store
        .insert_run(&a, &doc.id, "affordability", "{}", r#"{"max":1}"#, 1)
        .await
        .unwrap();
    let second = store
        .insert_run(&a, &doc.id, "affordability", "{}", r#"{"max":2}"#, 2)
        .await
        .unwrap();
    let score = store
        .insert_run(&a, &doc.id, "score", "{}", "{}", 3)
        .await
        .unwrap();
    assert_eq!((first.number, second.number, score.number), (1, 2, 1));
    assert_eq!(
        store
            .list_runs(&a, &doc.id, "affordability")
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(
        store
            .list_runs(&b, &doc.id, "affordability")
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .get_run_by_number(&a, "affordability", 2)
            .await
            .unwrap()
            .unwrap()
            .result_json,
        r#"{"max":2}"#
    );
    assert!(
        store
            .get_run_by_number(&b, "affordability", 2)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .insert_run(&b, &doc.id, "score", "{}", "{}", 4)
            .await
            .is_err()
    );
    // Runs go with their document.
    store.delete_document(&a, &doc.id).await.unwrap().unwrap();
    assert!(
        store
            .get_run_by_number(&a, "affordability", 1)
            .await
            .unwrap()
            .is_none()
    );
}

async fn an_idempotency_key_replays_refuses_or_waits(store: SqlStore) {
    let a = store.ensure_tenant("a", 1).await.unwrap();
    let b = store.ensure_tenant("b", 1).await.unwrap();
    let begin = |tenant, key: &'static str, fp: &'static str, now: i64| {
        let store = store.clone();
        async move {
            store
                .begin_idempotent(tenant, key, fp, now, now - 1000)
                .await
                .unwrap()
        }
    };
    assert_eq!(begin(&a, "k1", "f1", 10).await, Idempotency::Proceed);
    assert_eq!(begin(&a, "k1", "f1", 11).await, Idempotency::InFlight);
    assert_eq!(
        begin(&b, "k1", "f1", 11).await,
        Idempotency::Proceed,
        "per tenant"
    );
    store
        .complete_idempotent(&a, "k1", 202, r#"{"id":1}"#)
        .await
        .unwrap();
    assert_eq!(
        begin(&a, "k1", "f1", 12).await,
        Idempotency::Replay {
            status: 202,
            body: r#"{"id":1}"#.to_owned()
        }
    );
    assert_eq!(begin(&a, "k1", "other", 13).await, Idempotency::Mismatch);
    // A request that failed before answering frees its key.
    assert_eq!(begin(&a, "k2", "f2", 14).await, Idempotency::Proceed);
    store.abandon_idempotent(&a, "k2").await.unwrap();
    assert_eq!(begin(&a, "k2", "f2", 15).await, Idempotency::Proceed);
    // Keys expire.
    assert_eq!(begin(&a, "k1", "other", 5_000).await, Idempotency::Proceed);
}

async fn credentials_carry_permissions_and_rotate_with_a_grace_period(store: SqlStore) {
    let a = store.ensure_tenant("a", 1).await.unwrap();
    let b = store.ensure_tenant("b", 1).await.unwrap();
    let spec = CredentialSpec {
        permissions: vec!["read_bank_xray_report".to_owned()],
        label: Some("x-ray reader".to_owned()),
    };
    let key = store.create_api_key(&a, &spec, 1).await.unwrap();
    let client = store
        .create_oauth_client(&a, &CredentialSpec::default(), 2)
        .await
        .unwrap();
    let principal = store
        .principal_for_api_key(&key.key, 3)
        .await
        .unwrap()
        .unwrap();
    assert!(principal.may("read_bank_xray_report"));
    assert!(!principal.may("documents:write"));
    assert_eq!(principal.credential, key.id);
    let listed = store.list_credentials(&a).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].label.as_deref(), Some("x-ray reader"));
    assert!(store.list_credentials(&b).await.unwrap().is_empty());
    let refused = CredentialSpec {
        permissions: vec![],
        label: None,
    };
    assert!(store.create_api_key(&a, &refused, 1).await.is_err());
    // Rotation: the old key works until its grace period ends.
    assert!(!store.revoke_credential(&b, &key.id, 100).await.unwrap());
    assert!(store.revoke_credential(&a, &key.id, 100).await.unwrap());
    assert!(
        store
            .principal_for_api_key(&key.key, 99)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .principal_for_api_key(&key.key, 100)
            .await
            .unwrap()
            .is_none()
    );
    // A later revocation cannot extend it.
    assert!(!store.revoke_credential(&a, &key.id, 500).await.unwrap());
    assert!(
        store
            .principal_for_api_key(&key.key, 200)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .revoke_credential(&a, &client.client_id, 5)
            .await
            .unwrap()
    );
    assert!(
        store
            .oauth_client(&client.client_id, 5)
            .await
            .unwrap()
            .is_none()
    );
    store
        .audit(
            NewAudit {
                tenant: &a,
                actor: "admin",
                action: "key.revoke",
                target: Some(&key.id),
                detail: None,
            },
            6,
        )
        .await
        .unwrap();
    let log = store.list_audit(&a, 10).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].action, "key.revoke");
    assert!(store.list_audit(&b, 10).await.unwrap().is_empty());
}

async fn a_finished_document_can_be_queued_again(store: SqlStore) {
    let a = store.ensure_tenant("a", 1).await.unwrap();
    let doc = store.insert_document(upload(&a, 'a'), 1).await.unwrap();
    assert!(
        !store.requeue_document(&a, &doc.id, None, 2).await.unwrap(),
        "still pending"
    );
    let job = store.claim_job("w", 3, LEASE_MS, 3).await.unwrap().unwrap();
    store
        .finish_job(&job, analyzed(), Vec::new(), 4)
        .await
        .unwrap();
    let b = store.ensure_tenant("b", 1).await.unwrap();
    assert!(!store.requeue_document(&b, &doc.id, None, 5).await.unwrap());
    assert!(
        store
            .requeue_document(&a, &doc.id, Some("pw".to_owned()), 5)
            .await
            .unwrap()
    );
    let again = store.claim_job("w", 6, LEASE_MS, 3).await.unwrap().unwrap();
    assert_eq!(again.document, doc.id);
    assert_eq!(again.password.as_deref(), Some("pw"));
    assert_eq!(again.attempts, 1);
}

async fn concurrent_workers_claim_every_job_exactly_once(store: SqlStore) {
    let a = store.ensure_tenant("a", 1).await.unwrap();
    for i in 0..40u8 {
        let sha = char::from(b'a' + i % 6);
        store
            .insert_document(upload(&a, sha), i64::from(i))
            .await
            .unwrap();
    }
    let store = Arc::new(store);
    let mut tasks = Vec::new();
    for worker in 0..8 {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some(job) = store
                .claim_job(&format!("w{worker}"), 100, LEASE_MS, 3)
                .await
                .unwrap()
            {
                mine.push(job.document.as_str().to_owned());
            }
            mine
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    let unique: HashSet<&String> = all.iter().collect();
    assert_eq!(all.len(), 40, "every job claimed");
    assert_eq!(unique.len(), 40, "none twice");
}

on_every_backend!(
    documents_are_numbered_per_tenant_and_found_by_number,
    the_same_file_twice_is_a_duplicate_at_once,
    an_overlapping_ledger_is_a_duplicate_of_the_earlier_statement,
    cases_are_created_listed_updated_and_deleted_with_their_documents,
    listings_filter_by_status,
    preferences_rules_and_runs_belong_to_their_tenant,
    an_idempotency_key_replays_refuses_or_waits,
    credentials_carry_permissions_and_rotate_with_a_grace_period,
    a_finished_document_can_be_queued_again,
    concurrent_workers_claim_every_job_exactly_once,
);
