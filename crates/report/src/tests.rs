//! Whole-report tests on a small hand-made analysis: structure, determinism, pagination.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::json;

use crate::{ReportError, ReportInput, ReportTransaction, render_pdf};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, d).unwrap()
}

fn analysis() -> serde_json::Value {
    json!({
        "version": 1, "currency": "EUR", "as_of": "2024-01-31",
        "period": {"start": "2024-01-01", "end": "2024-01-31", "days": 31, "months": 1,
                   "weeks": 5, "transacting_months": 1, "transactions": 2},
        "accounts": [{"identifier": "****1234", "bank": "BANQUE", "holder": "Zoé Dupont",
                      "currency": "EUR", "transactions": 2, "opening_balance": "100.00",
                      "closing_balance": "1150.00", "min_balance": "-50.00",
                      "max_balance": "1150.00", "balances_known": true,
                      "average_balance": {"last_3_months": "500.00", "last_6_months": "500.00"}}],
        "cash_flow": {"inflow": "1200.00", "outflow": "150.00", "net": "1050.00",
                      "closing_balance": "1150.00", "average_monthly_inflow": "1200.00",
                      "average_monthly_outflow": "150.00", "inflow_irregularity": 0.0,
                      "months": [{"month": "2024-01", "days": 31, "inflow": "1200.00",
                                  "outflow": "150.00", "net": "1050.00",
                                  "closing_balance": "1150.00", "min_balance": "-50.00",
                                  "transactions": 2}]},
        "spending": {"total": "150.00", "count": 1, "by_primary": [
            {"key": "FOOD_AND_DRINK", "total": "150.00", "count": 1, "share": 1.0}]},
        "income": {"total": "1200.00", "average_monthly": "1200.00",
                   "salary": {"earner": true, "average": "1200.00"}, "streams": []},
        "loans": {"lenders": []},
        "gambling": {}, "bank_charges": {}, "recurring": [],
        "balance_behaviour": {"min": "-50.00", "max": "1150.00", "days_in_overdraft": 3},
        "data_quality": {"accounts": [{"identifier": "****1234", "status": "reconciled",
                                       "data_sanity": 100.0, "breaks": 0}]},
        "scores": {
            "points": {"calculatedScore": 640, "baseScore": 300, "rulesScore": 340,
                       "didPass": true, "ruleResults": [
                           {"rule": "AccountSweepNo", "code": "MET", "awarded": 60}]},
            "xray": {"rating": "B", "riskClass": 2, "alertSum": 5,
                     "bankFlag": {"color": "green", "dataSanity": 100.0, "reasons": [
                         {"criteria": "overdraft", "grade": "D", "alert": true,
                          "text": "Overdraft graded D: 3 day(s) with a negative balance."}]},
                     "reasons": [{"code": "XR_RATING_B", "text": "Rated B."}]},
            "envoyx": {"credit_score": 702, "credit_tier": "TIER_2",
                       "overall_risk_level": "MEDIUM", "status": "ANALYZED",
                       "flag_details": [{"kind": "round_number_deposits", "severity": "low",
                                         "dimension": "revenue", "penalty": 10,
                                         "reason": "4 round deposits"}],
                       "legitimacy": {"is_legitimate": false, "legitimacy_confidence": 70,
                                      "legitimacy_reason": "Edited after signing",
                                      "suspicion": 40},
                       "reasons": []}
        }
    })
}

fn input(transactions: usize) -> ReportInput {
    let mut list = vec![
        ReportTransaction {
            date: day(2),
            description: "CARTE SUPERMARCHÉ".to_owned(),
            amount: Decimal::new(-15000, 2),
            balance: None,
            category: "FOOD_AND_DRINK_GROCERIES".to_owned(),
            account: None,
        },
        ReportTransaction {
            date: day(25),
            description: "SALAIRE JANVIER".to_owned(),
            amount: Decimal::new(120000, 2),
            balance: None,
            category: "INCOME_WAGES".to_owned(),
            account: None,
        },
    ];
    for i in 0..transactions.saturating_sub(2) {
        list.push(ReportTransaction {
            date: day(28),
            description: format!("PAIEMENT {i}"),
            amount: Decimal::new(-1, 2),
            balance: None,
            category: "GENERAL_MERCHANDISE".to_owned(),
            account: None,
        });
    }
    ReportInput::from_analysis("Zoé Dupont".to_owned(), analysis(), list, day(31)).unwrap()
}

fn page_count(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    let at = text.find("/Type /Pages /Kids").unwrap();
    let rest = &text[at..];
    let count = rest.split("/Count ").nth(1).unwrap();
    count.split_whitespace().next().unwrap().parse().unwrap()
}

#[test]
fn renders_a_pdf_with_embedded_subset_fonts() {
    let pdf = render_pdf(&input(2)).unwrap();
    assert!(pdf.starts_with(b"%PDF-1.7"));
    assert!(pdf.ends_with(b"%%EOF\n"));
    let text = String::from_utf8_lossy(&pdf);
    assert_eq!(text.matches("/FontFile2").count(), 2);
    assert_eq!(text.matches("/ToUnicode").count(), 2);
    assert!(text.contains("+DejaVuSansCondensed /Encoding /Identity-H"));
    assert!(text.contains("/CreationDate (D:20240131000000Z)"));
    // Decision, cash flow, spending, income/loans/flags/summary, appendix.
    assert_eq!(page_count(&pdf), 5);
    assert!(pdf.len() < 200_000, "{} bytes", pdf.len());
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    assert_eq!(
        render_pdf(&input(30)).unwrap(),
        render_pdf(&input(30)).unwrap()
    );
}

#[test]
fn a_long_transaction_list_runs_over_pages() {
    let short = page_count(&render_pdf(&input(2)).unwrap());
    let long = page_count(&render_pdf(&input(400)).unwrap());
    assert!(long >= short + 6, "{short} → {long}");
}

#[test]
fn a_missing_section_prints_a_dash_instead_of_failing() {
    let mut input = input(2);
    input.analysis.as_object_mut().unwrap().remove("loans");
    input.analysis.as_object_mut().unwrap().remove("cash_flow");
    assert!(render_pdf(&input).is_ok());
}

#[test]
fn what_is_not_an_analysis_is_refused() {
    let mut bad = input(2);
    bad.analysis = json!([1, 2]);
    assert!(matches!(
        render_pdf(&bad),
        Err(ReportError::InvalidAnalysis(_))
    ));
    let mut unscored = input(2);
    unscored.analysis.as_object_mut().unwrap().remove("scores");
    assert!(matches!(
        render_pdf(&unscored),
        Err(ReportError::InvalidAnalysis(_))
    ));
    let no_period = ReportInput::from_analysis("x".into(), json!({}), Vec::new(), day(1));
    assert!(no_period.is_err());
}
