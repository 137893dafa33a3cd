//! Affordability: golden figures, the spec's records, overrides, validation and exact rounding.

use chrono::NaiveDate;
use ledgerlens_scoring::ScoringError;
use ledgerlens_scoring::affordability::{AffordabilityInputs, AffordabilityRequest, affordability};
use rust_decimal::Decimal;
use serde_json::{Value, json};

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn inputs(salary: &str, other: &str, expenses: &str, repayment: &str) -> AffordabilityInputs {
    AffordabilityInputs {
        average_predicted_salary: d(salary),
        average_other_income: d(other),
        average_monthly_total_expenses: d(expenses),
        average_monthly_loan_repayment_amount: d(repayment),
    }
}

fn request(dti: &str, tenure: u32) -> AffordabilityRequest {
    AffordabilityRequest {
        dti: d(dti),
        loan_tenure: tenure,
        average_monthly_total_expenses: None,
        average_monthly_loan_repayment_amount: None,
    }
}

#[test]
fn golden_figures() {
    // (salary, other income, expenses, repayments, dti, tenure) → (monthly, total), exact.
    let cases = [
        ("100000", "0", "20000", "5000", "0.5", 6, "25000", "150000"),
        (
            "100000", "20000", "20000", "5000", "0.5", 6, "35000", "210000",
        ),
        (
            "662516.89",
            "0",
            "16738",
            "600",
            "0.5",
            12,
            "313920.445",
            "3767045.340",
        ),
        ("250000", "0", "0", "0", "0.3", 1, "75000.0", "75000.0"),
        ("250000", "0", "0", "0", "0", 24, "0", "0"),
        ("250000", "0", "0", "0", "1", 3, "250000", "750000"),
        ("10000", "0", "9000", "2000", "0.9", 12, "0", "0"),
    ];
    for (salary, other, expenses, repayment, dti, tenure, monthly, total) in cases {
        let result = affordability(
            &inputs(salary, other, expenses, repayment),
            &request(dti, tenure),
            None,
        )
        .unwrap();
        assert_eq!(
            result.monthly_affordability_amount,
            d(monthly),
            "{salary} {dti}"
        );
        assert_eq!(result.affordability_amount, d(total), "{salary} {dti}");
    }
}

#[test]
fn spec_004s_stored_record_with_nothing_affordable() {
    // statementKey 121, dti 0.2, tenure 36: 0.2 × 315 149.25 − 34 474.51 − 33 836.46 < 0.
    let record = inputs("315149.25", "0", "34474.51", "33836.46");
    let result = affordability(&record, &request("0.2", 36), None).unwrap();
    assert_eq!(result.monthly_affordability_amount, Decimal::ZERO);
    assert_eq!(result.affordability_amount, Decimal::ZERO);
}

#[test]
fn overrides_replace_the_statement_figures() {
    // Spec 004's request: dti 0.3, tenure 6, expenses 4 000, repayments 1 000.
    let statement = inputs("50000", "2500", "30000", "7000");
    let mut ask = request("0.3", 6);
    ask.average_monthly_total_expenses = Some(d("4000"));
    ask.average_monthly_loan_repayment_amount = Some(d("1000"));
    let result = affordability(&statement, &ask, None).unwrap();
    // 0.3 × 52 500 − 4 000 − 1 000 = 10 750.
    assert_eq!(result.monthly_affordability_amount, d("10750"));
    assert_eq!(result.affordability_amount, d("64500"));
    assert_eq!(result.average_monthly_total_expenses, d("4000"));
    assert_eq!(result.average_monthly_loan_repayment_amount, d("1000"));
    let without = affordability(&statement, &request("0.3", 6), None).unwrap();
    assert_eq!(without.monthly_affordability_amount, Decimal::ZERO);
}

#[test]
fn the_total_comes_from_the_unrounded_monthly_figure() {
    // 0.5 × 100.01 = 50.005: printed 50.01 a month, but 100.01 (not 100.02) over two months,
    // as spec 004's 313 920.45 a month gives 3 767 045.35 over twelve.
    let result = affordability(&inputs("100.01", "0", "0", "0"), &request("0.5", 2), None).unwrap();
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(
        json["monthly_disposable_income/monthly_affordability_amount"],
        json!(50.01)
    );
    assert_eq!(json["affordability_amount"], json!(100.01));
}

#[test]
fn json_has_spec_004s_field_names() {
    let result = affordability(
        &inputs("315149.25", "0", "34474.51", "33836.46"),
        &request("0.5", 12),
        NaiveDate::from_ymd_opt(2022, 1, 27),
    )
    .unwrap();
    let json = serde_json::to_value(&result).unwrap();
    let mut keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "affordability_amount",
            "average_monthly_loan_repayment_amount",
            "average_monthly_total_expenses",
            "average_other_income",
            "average_predicted_salary",
            "dti",
            "loanTenure",
            "monthly_disposable_income/monthly_affordability_amount",
            "replay",
        ]
    );
    assert_eq!(json["dti"], json!(0.5));
    assert_eq!(json["loanTenure"], json!(12));
    // 157 574.625 − 68 310.97 = 89 263.655 → 89 263.66 (half away from zero); × 12 exact.
    assert_eq!(
        json["monthly_disposable_income/monthly_affordability_amount"],
        json!(89263.66)
    );
    assert_eq!(json["affordability_amount"], json!(1071163.86));
    assert_eq!(json["replay"]["asOf"], json!("2022-01-27"));
    assert_eq!(json["replay"]["engine"], json!("ledgerlens-scoring"));
    assert!(json["replay"].get("scorecard").is_none());
}

#[test]
fn replay_is_deterministic() {
    let record = inputs("315149.25", "100", "34474.51", "33836.46");
    let a =
        serde_json::to_string(&affordability(&record, &request("0.5", 12), None).unwrap()).unwrap();
    let b =
        serde_json::to_string(&affordability(&record, &request("0.5", 12), None).unwrap()).unwrap();
    assert_eq!(a, b);
    let c = affordability(&record, &request("0.5", 13), None).unwrap();
    let a: Value = serde_json::from_str(&a).unwrap();
    assert_ne!(a["replay"]["inputsSha256"], json!(c.replay.inputs_sha256));
}

#[test]
fn bad_requests_are_refused_naming_the_field() {
    let record = inputs("1000", "0", "0", "0");
    let field = |ask: &AffordabilityRequest| match affordability(&record, ask, None) {
        Err(ScoringError::Affordability { field, .. }) => field,
        other => panic!("expected an affordability error, got {other:?}"),
    };
    assert_eq!(field(&request("1.5", 6)), "dti");
    assert_eq!(field(&request("-0.1", 6)), "dti");
    assert_eq!(field(&request("0.3", 0)), "loanTenure");
    let mut negative = request("0.3", 6);
    negative.average_monthly_total_expenses = Some(d("-1"));
    assert_eq!(field(&negative), "averageMonthlyTotalExpenses");
    let huge = inputs(
        "79228162514264337593543950335",
        "79228162514264337593543950335",
        "0",
        "0",
    );
    assert!(affordability(&huge, &request("0.5", 6), None).is_err());
}

#[test]
fn from_a_periculum_analysis() {
    use ledgerlens_analytics::{AnalysisOptions, Prepared, profiles::periculum};
    use ledgerlens_synth::persona::{PersonaKind, PersonaOptions, persona};
    let enricher = ledgerlens_enrich::Enricher::builtin().unwrap();
    let options = AnalysisOptions::default();
    let statement = persona(&PersonaOptions {
        kind: PersonaKind::SalariedConsumer,
        country: "NG".to_owned(),
        seed: 5,
        months: 6,
        ..PersonaOptions::default()
    })
    .statement;
    let prepared = Prepared::new(vec![statement], &enricher, &options);
    let ledger = prepared.ledger(&options).unwrap();
    let analytics = periculum::build(&ledger, &options);
    let figures = AffordabilityInputs::from_periculum(&analytics).unwrap();
    let salary = serde_json::to_value(&analytics.income_analysis.average_predicted_salary).unwrap();
    assert_eq!(
        json!(
            figures
                .average_predicted_salary
                .to_string()
                .parse::<f64>()
                .unwrap()
        ),
        salary
    );
    let result = affordability(&figures, &request("0.3", 6), Some(ledger.as_of)).unwrap();
    assert!(result.monthly_affordability_amount >= Decimal::ZERO);
    assert_eq!(
        result.affordability_amount,
        result.monthly_affordability_amount * Decimal::from(6)
    );
}
