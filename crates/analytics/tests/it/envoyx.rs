//! EnvoyX analysis: golden ledgers, name analysis, manipulation signals, properties, shape.

use std::sync::Arc;

use chrono::NaiveDate;
use ledgerlens_analytics::names::{NameMatch, compare};
use ledgerlens_analytics::profiles::envoyx::{self, EnvoyxAnalysis};
use ledgerlens_analytics::{AccountLedger, AnalysisOptions, Ledger, Prepared};
use ledgerlens_core::{
    Account, AccountNumber, Amount, Category, Currency, Period, Statement, Transaction,
};
use ledgerlens_enrich::{
    Channel, CounterpartyKey, Decision, EnrichedLedger, Enricher, HolderKind, LoanRole, Source,
    TxEnrichment,
};
use ledgerlens_synth::persona::{PersonaKind, PersonaOptions, Vocabulary, persona};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Hand-built ledgers: categories are set, not inferred, so the answers are known.

#[derive(Clone)]
struct Row {
    date: NaiveDate,
    amount: Decimal,
    category: &'static str,
    channel: Channel,
    party: Option<&'static str>,
    internal: bool,
    lender: Option<&'static str>,
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn row(date: NaiveDate, amount: i64, category: &'static str) -> Row {
    Row {
        date,
        amount: Decimal::from(amount),
        category,
        channel: Channel::Transfer,
        party: None,
        internal: false,
        lender: None,
    }
}

impl Row {
    fn via(mut self, channel: Channel) -> Row {
        self.channel = channel;
        self
    }
    fn with(mut self, party: &'static str) -> Row {
        self.party = Some(party);
        self
    }
    fn own(mut self) -> Row {
        self.internal = true;
        self
    }
    fn lender(mut self, lender: &'static str) -> Row {
        self.lender = Some(lender);
        self
    }
}

struct Book {
    holder: Option<&'static str>,
    number: &'static str,
    start: NaiveDate,
    end: NaiveDate,
    opening: Decimal,
    rows: Vec<Row>,
}

fn book(start: NaiveDate, end: NaiveDate, opening: i64, rows: Vec<Row>) -> Book {
    Book {
        holder: Some("CLINIQUE SAINTE MARIE SARL"),
        number: "CI93 0001 2345 6789",
        start,
        end,
        opening: Decimal::from(opening),
        rows,
    }
}

fn xof() -> Currency {
    Currency::parse("XOF").unwrap()
}

/// Statement and enrichment of a book, scaled by `k`.
fn materialise(b: &Book, k: Decimal) -> (Statement, EnrichedLedger) {
    let mut rows = b.rows.clone();
    rows.sort_by_key(|r| r.date);
    let mut statement = Statement::new(
        Account {
            bank: Some("BANQUE ATLANTIQUE COTE D'IVOIRE".to_owned()),
            number: AccountNumber::parse(b.number).ok(),
            holder: b.holder.map(str::to_owned),
            ..Account::default()
        },
        xof(),
    );
    statement.period = Some(Period {
        start: b.start,
        end: b.end,
    });
    let mut balance = b.opening * k;
    statement.opening_balance = Some(Amount::from_decimal(balance).unwrap());
    let mut enriched = EnrichedLedger::default();
    for r in &rows {
        let amount = r.amount * k;
        balance += amount;
        let mut t = Transaction::new(r.date, r.category, Amount::from_decimal(amount).unwrap());
        t.balance = Some(Amount::from_decimal(balance).unwrap());
        statement.transactions.push(t);
        let category = Category::parse(r.category).unwrap();
        enriched.transactions.push(TxEnrichment {
            category,
            confidence: 1.0,
            decided_by: Decision {
                source: Source::TenantRule,
                rule: Arc::from("test"),
            },
            counterparty: r.party.map(|p| CounterpartyKey {
                key: Arc::from(p),
                name: Arc::from(p),
            }),
            channel: r.channel,
            series: None,
            internal_transfer: r.internal,
            salary: category.code() == "INCOME_WAGES",
            loan: r.lender.map(|_| {
                if amount > Decimal::ZERO {
                    LoanRole::Disbursement
                } else {
                    LoanRole::Repayment
                }
            }),
            lender: r.lender.map(Arc::from),
        });
    }
    statement.closing_balance = Some(Amount::from_decimal(balance).unwrap());
    (statement, enriched)
}

fn analyse_books(
    books: &[(Statement, EnrichedLedger)],
    options: &AnalysisOptions,
) -> EnvoyxAnalysis {
    let accounts = books
        .iter()
        .map(|(statement, enriched)| AccountLedger {
            statement,
            enriched,
        })
        .collect();
    let ledger = Ledger::new(accounts, options.as_of).unwrap();
    envoyx::build(&ledger, options)
}

fn analyse(b: &Book, options: &AnalysisOptions) -> EnvoyxAnalysis {
    analyse_books(&[materialise(b, Decimal::ONE)], options)
}

fn clinic_options() -> AnalysisOptions {
    AnalysisOptions {
        account_holder_name: Some("Clinique Sainte-Marie S.A.R.L.".to_owned()),
        business_type: Some("healthcare_provider".to_owned()),
        sector: Some("healthcare".to_owned()),
        country: Some("CI".to_owned()),
        ..AnalysisOptions::default()
    }
}

/// Three months of a small clinic: every figure below is worked out by hand.
fn golden_clinic() -> Book {
    let mut rows = Vec::new();
    for m in 1..=3 {
        rows.push(row(day(2024, m, 3), -150_000, "RENT_AND_UTILITIES_RENT").with("SCI PLATEAU"));
        rows.push(row(day(2024, m, 5), 600_000, "INCOME_BUSINESS_REVENUE").with("CNAM"));
        rows.push(row(day(2024, m, 6), -50_000, "TRANSFER_OUT_TONTINE").with("TONTINE COCODY"));
        rows.push(
            row(day(2024, m, 10), 200_000, "TRANSFER_IN_MOBILE_MONEY")
                .via(Channel::MobileMoney)
                .with("ORANGE MONEY"),
        );
        rows.push(row(day(2024, m, 12), 150_000, "TRANSFER_IN_DEPOSIT").via(Channel::Cash));
        rows.push(
            row(
                day(2024, m, 15),
                -200_000,
                "BUSINESS_EXPENSES_SUPPLIERS_AND_INVENTORY",
            )
            .with("LABOREX"),
        );
        rows.push(
            row(
                day(2024, m, 20),
                -60_000,
                "LOAN_PAYMENTS_PERSONAL_LOAN_PAYMENT",
            )
            .with("BAOBAB")
            .lender("BAOBAB"),
        );
        rows.push(row(day(2024, m, 25), -400_000, "BUSINESS_EXPENSES_PAYROLL").with("STAFF"));
    }
    rows.push(row(day(2024, 2, 18), 500_000, "TRANSFER_IN_TONTINE").with("TONTINE COCODY"));
    rows.push(row(day(2024, 3, 8), 100_000, "TRANSFER_IN_PERSON_TO_PERSON").with("KOUAME YAO"));
    book(day(2024, 1, 1), day(2024, 3, 31), 1_000_000, rows)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9
}

fn dec(v: i64) -> Decimal {
    Decimal::from(v)
}

#[test]
fn golden_clinic_figures_equal_the_hand_computation() {
    let b = golden_clinic();
    let a = analyse(&b, &clinic_options());
    // Metadata.
    assert_eq!(
        a.bank_name.as_deref(),
        Some("BANQUE ATLANTIQUE COTE D'IVOIRE")
    );
    assert_eq!(a.account_number_masked.as_deref(), Some("****6789"));
    assert_eq!(a.statement_period_start, day(2024, 1, 1));
    assert_eq!(a.statement_period_end, day(2024, 3, 31));
    assert_eq!(a.currency, "XOF");
    assert_eq!(a.transaction_count, 26);
    assert_eq!(a.opening_balance, Some(dec(1_000_000)));
    assert_eq!(a.total_credits, dec(3_450_000));
    assert_eq!(a.total_debits, dec(2_580_000));
    assert_eq!(a.closing_balance, Some(dec(1_870_000)));
    // Names.
    assert_eq!(a.account_holder_name_type, HolderKind::Business);
    assert_eq!(a.name_match_result, Some(NameMatch::Exact));
    assert_eq!(
        a.account_holder_name_consistency,
        envoyx::NameConsistency::Consistent
    );
    // Classification.
    let c = &a.revenue_classification;
    let pct = |v: f64| v / 3_450_000.0 * 100.0;
    assert!(close(c.institutional_payments, pct(1_800_000.0)));
    assert!(close(c.mobile_money_sweeps, pct(600_000.0)));
    assert!(close(c.cash_deposits, pct(450_000.0)));
    assert!(close(c.tontine_receipts, pct(500_000.0)));
    assert!(close(c.related_party_transfers, pct(100_000.0)));
    assert!(close(c.other, 0.0));
    let i = &a.inputs;
    assert_eq!(
        i.classification_amounts.institutional_payments,
        dec(1_800_000)
    );
    assert_eq!(i.classification_amounts.total, dec(3_450_000));
    // Revenue: 950 000 every month.
    assert_eq!(i.revenue.operating_revenue, dec(2_850_000));
    assert_eq!(i.revenue.mean_monthly_revenue, dec(950_000));
    assert!(close(i.revenue.coefficient_of_variation, 0.0));
    assert_eq!(i.revenue.months_with_revenue, 3);
    assert_eq!(i.revenue.distinct_payers, 2);
    assert!(close(i.revenue.top_payer_share, 1_800_000.0 / 2_850_000.0));
    assert_eq!(a.revenue_consistency, envoyx::Consistency::Strong);
    // Bridges and tontine.
    assert!(a.cashflow_liquidity_bridges.mobile_money_detected);
    assert!(a.cashflow_liquidity_bridges.tontine_detected);
    assert!(a.expense_tontine_activity.detected);
    assert_eq!(a.expense_tontine_activity.estimated_monthly, dec(50_000));
    assert_eq!(a.expense_tontine_activity.contributions_total, dec(150_000));
    assert_eq!(a.expense_tontine_activity.payouts_total, dec(500_000));
    assert_eq!(i.liquidity.mobile_money_in, dec(600_000));
    assert_eq!(i.liquidity.mobile_money_in_count, 3);
    // Expenses: payroll, rent, medical supplies of the five clinic groups.
    assert_eq!(i.operating_expenses.profile, "clinic");
    assert_eq!(i.operating_expenses.groups_present, 3);
    assert_eq!(a.expense_operating_presence, envoyx::Presence::Partial);
    // Debt: 60 000 a month against 950 000 of revenue.
    assert_eq!(i.debt.debt_service_total, dec(180_000));
    assert_eq!(i.debt.debt_service_monthly, dec(60_000));
    assert!(close(i.debt.debt_service_ratio, 180_000.0 / 2_850_000.0));
    assert_eq!(i.debt.max_lenders_repaid_in_a_month, 1);
    assert_eq!(a.expense_debt_load, envoyx::DebtLoad::Low);
    // Balances: recomputed here day by day.
    let mut daily = Vec::new();
    let mut balance = dec(1_000_000);
    let mut rows = b.rows.clone();
    rows.sort_by_key(|r| r.date);
    for d in day(2024, 1, 1).iter_days().take(91) {
        for r in rows.iter().filter(|r| r.date == d) {
            balance += r.amount;
        }
        daily.push(balance);
    }
    let mean = |s: &[Decimal]| s.iter().copied().sum::<Decimal>() / Decimal::from(s.len());
    assert_eq!(i.balance_trend.window_days, 30);
    assert_eq!(i.balance_trend.first_window_average, mean(&daily[..30]));
    assert_eq!(i.balance_trend.last_window_average, mean(&daily[61..]));
    assert_eq!(i.balance_trend.mean_balance, mean(&daily));
    assert_eq!(
        i.balance_trend.min_balance,
        daily.iter().copied().min().unwrap()
    );
    assert_eq!(a.balance_trend, envoyx::Trend::Growing);
    // Survival: 2 580 000 of outflows over 91 days.
    assert_eq!(
        i.working_capital.average_daily_outflow,
        dec(2_580_000) / dec(91)
    );
    assert_eq!(i.survival.overdraft_days, 0);
    assert_eq!(a.balance_survival_behaviour, envoyx::Survival::Healthy);
    assert!(!a.balance_manipulation_detected);
    let m = &i.manipulation;
    // 600 000, 200 000, 500 000 and 100 000 have one significant digit: 8 of 11 credits.
    assert!(m.round_number_deposits.triggered);
    assert_eq!(m.round_number_deposits.round_count, 8);
    assert_eq!(m.round_number_deposits.credit_count, 11);
    assert_eq!(m.round_number_deposits.round_value, dec(3_000_000));
    assert!(!m.coordinated_inflows.triggered);
    assert!(!m.circular_flows.triggered);
    assert!(!m.single_related_party_dependency.triggered);
    assert!(!m.cash_withdrawal_after_deposit.triggered);
    assert!(!m.pass_through.triggered);
}

// ---------------------------------------------------------------------------------------------
// Name analysis.

#[test]
fn name_matching_table() {
    use NameMatch::{Exact, Mismatch, Partial};
    let cases: &[(&str, &str, NameMatch)] = &[
        ("CLINIQUE SAINTE MARIE SARL", "Clinique Sainte-Marie", Exact),
        (
            "Clinique Sainte-Marie S.A.R.L.",
            "CLINIQUE SAINTE MARIE SARL",
            Exact,
        ),
        ("S.A.R.L. BATIMENT PLUS", "BATIMENT PLUS", Exact),
        ("ADEBAYO VENTURES LTD", "Adebayo Ventures Limited", Exact),
        ("Becker Handel GmbH", "BECKER HANDEL", Exact),
        ("PHARMACIE DE L'ÉBÈNE SA", "pharmacie de l ebene", Exact),
        ("Kouamé Yao Jean", "KOUAME YAO JEAN", Exact),
        ("KOUAME YAO JEAN", "YAO KOUAME JEAN", Exact),
        ("ACME TRADING SAS", "ACME TRADING EURL", Exact),
        ("CLINIQUE SAINTE MARIE SARL", "CLINIQUE STE MARIE", Partial),
        ("JEAN PAUL KOUASSI", "JEAN KOUASSI", Partial),
        ("JEAN KOUASSI", "JEAN KOUAME", Mismatch),
        ("KOFFI AMA", "DIALLO MOUSSA", Mismatch),
        (
            "CLINIQUE SAINTE MARIE",
            "PHARMACIE SAINTE MARIE DU PLATEAU",
            Mismatch,
        ),
        ("", "KOFFI AMA", Mismatch),
    ];
    for (declared, printed, expected) in cases {
        let got = compare(declared, printed);
        assert_eq!(got.result, *expected, "{declared} vs {printed}: {got:?}");
    }
    let partial = compare("CLINIQUE SAINTE MARIE SARL", "CLINIQUE STE MARIE");
    assert!(close(partial.similarity, 4.0 / 6.0));
    assert_eq!(partial.shared_tokens, ["CLINIQUE", "MARIE"]);
    assert_eq!(
        partial.details,
        "shared tokens: CLINIQUE, MARIE; similarity 67%"
    );
}

/// Holder, rows, options, expected type, expected consistency.
type HolderCase<'a> = (
    Option<&'static str>,
    Vec<Row>,
    &'a AnalysisOptions,
    HolderKind,
    envoyx::NameConsistency,
);

fn small_book(holder: Option<&'static str>, rows: Vec<Row>) -> Book {
    let mut b = book(day(2024, 1, 1), day(2024, 3, 31), 100_000, rows);
    b.holder = holder;
    b
}

#[test]
fn holder_type_consistency_and_match_presence() {
    let revenue = || {
        (1..=3)
            .map(|m| row(day(2024, m, 5), 300_000, "INCOME_BUSINESS_REVENUE").with("CNAM"))
            .collect::<Vec<_>>()
    };
    let related = || {
        (1..=3)
            .map(|m| row(day(2024, m, 5), 300_000, "TRANSFER_IN_PERSON_TO_PERSON").with("AMI"))
            .collect::<Vec<_>>()
    };
    let salary = || {
        (1..=3)
            .map(|m| row(day(2024, m, 25), 300_000, "INCOME_WAGES").with("ORANGE CI"))
            .collect::<Vec<_>>()
    };
    let business = AnalysisOptions {
        business_type: Some("retail".to_owned()),
        ..AnalysisOptions::default()
    };
    let none = AnalysisOptions::default();
    use envoyx::NameConsistency::{Consistent, Inconsistent, Unknown};
    let cases: Vec<HolderCase<'_>> = vec![
        (
            Some("ETS KOUAME ET FILS"),
            revenue(),
            &business,
            HolderKind::Business,
            Consistent,
        ),
        (
            Some("KOUAME YAO"),
            revenue(),
            &business,
            HolderKind::Person,
            Consistent,
        ),
        (
            Some("KOUAME YAO"),
            related(),
            &business,
            HolderKind::Person,
            Inconsistent,
        ),
        (
            Some("KOUAME YAO"),
            related(),
            &none,
            HolderKind::Person,
            Consistent,
        ),
        (
            Some("ACME SARL"),
            salary(),
            &none,
            HolderKind::Business,
            Inconsistent,
        ),
        (
            Some("ACCT 0012345"),
            revenue(),
            &none,
            HolderKind::Ambiguous,
            Consistent,
        ),
        (None, revenue(), &none, HolderKind::Ambiguous, Unknown),
    ];
    for (holder, rows, options, kind, consistency) in cases {
        let a = analyse(&small_book(holder, rows), options);
        assert_eq!(a.account_holder_name_type, kind, "{holder:?}");
        assert_eq!(a.account_holder_name_consistency, consistency, "{holder:?}");
        assert!(a.name_match_result.is_none());
        let json = serde_json::to_value(&a).unwrap();
        assert!(json.get("name_match_result").is_none());
        assert!(json.get("name_match_details").is_none());
    }
    // Two accounts printing different holders are inconsistent.
    let one = materialise(&small_book(Some("KOUAME YAO"), revenue()), Decimal::ONE);
    let mut other_book = small_book(Some("DIALLO MOUSSA"), revenue());
    other_book.number = "CI93 0009 8765 4321";
    let other = materialise(&other_book, Decimal::ONE);
    let a = analyse_books(&[one, other], &none);
    assert_eq!(a.account_holder_name_consistency, Inconsistent);
    // A declared name gives the match and its details.
    let a = analyse(
        &small_book(Some("KOFFI AMA"), revenue()),
        &AnalysisOptions {
            account_holder_name: Some("DIALLO MOUSSA".to_owned()),
            ..AnalysisOptions::default()
        },
    );
    assert_eq!(a.name_match_result, Some(NameMatch::Mismatch));
    assert_eq!(
        a.name_match_details.as_deref(),
        Some("no shared tokens; similarity 0%")
    );
}

// ---------------------------------------------------------------------------------------------
// Manipulation signals: one ledger that triggers each, one that must not.

type Signal = fn(&ledgerlens_analytics::manipulation::ManipulationSignals) -> bool;

fn monthly_revenue(days: &[u32]) -> Vec<Row> {
    let mut rows = Vec::new();
    for m in 1..=3 {
        for d in days {
            rows.push(row(day(2024, m, *d), 123_400, "INCOME_BUSINESS_REVENUE").with("CNAM"));
        }
    }
    rows
}

fn signal_cases() -> Vec<(&'static str, Signal, Vec<Row>, Vec<Row>)> {
    let steady = monthly_revenue(&[5, 15]);
    let with = |extra: Vec<Row>| {
        let mut rows = steady.clone();
        rows.extend(extra);
        rows
    };
    vec![
        (
            "end_of_period_spike",
            |m| m.end_of_period_spike.triggered,
            with(vec![
                row(day(2024, 3, 27), 2_345_600, "TRANSFER_IN_PERSON_TO_PERSON").with("AMI A"),
                row(day(2024, 3, 29), 1_234_500, "TRANSFER_IN_OTHER_TRANSFER_IN").with("AMI B"),
            ]),
            with(vec![]),
        ),
        (
            "artificially_stable_balances",
            |m| m.artificially_stable_balances.triggered,
            // Every credit leaves the same day: the day closes where it opened.
            (1..=12)
                .flat_map(|i| {
                    let d = day(2024, 1, 1) + chrono::Days::new(i * 7);
                    [
                        row(d, 55_500 + i as i64 * 1000, "INCOME_BUSINESS_REVENUE").with("CNAM"),
                        row(
                            d,
                            -(55_500 + i as i64 * 1000),
                            "BUSINESS_EXPENSES_SUPPLIERS_AND_INVENTORY",
                        )
                        .with("LABOREX"),
                    ]
                })
                .collect(),
            (1..=12)
                .map(|i| {
                    let d = day(2024, 1, 1) + chrono::Days::new(i * 7);
                    row(d, 55_500 + i as i64 * 1000, "INCOME_BUSINESS_REVENUE").with("CNAM")
                })
                .collect(),
        ),
        (
            "round_number_deposits",
            |m| m.round_number_deposits.triggered,
            with(vec![
                row(day(2024, 1, 20), 1_000_000, "TRANSFER_IN_DEPOSIT").via(Channel::Cash),
                row(day(2024, 2, 20), 2_000_000, "TRANSFER_IN_DEPOSIT").via(Channel::Cash),
                row(day(2024, 3, 10), 500_000, "TRANSFER_IN_DEPOSIT").via(Channel::Cash),
            ]),
            with(vec![
                row(day(2024, 1, 20), 1_040_000, "TRANSFER_IN_DEPOSIT").via(Channel::Cash),
                row(day(2024, 2, 20), 2_150_000, "TRANSFER_IN_DEPOSIT").via(Channel::Cash),
                row(day(2024, 3, 10), 520_000, "TRANSFER_IN_DEPOSIT").via(Channel::Cash),
            ]),
        ),
        (
            "coordinated_inflows",
            |m| m.coordinated_inflows.triggered,
            with(vec![
                row(day(2024, 2, 9), 100_000, "INCOME_BUSINESS_REVENUE").with("PAYER A"),
                row(day(2024, 2, 9), 101_000, "INCOME_BUSINESS_REVENUE").with("PAYER B"),
                row(day(2024, 2, 9), 103_000, "INCOME_BUSINESS_REVENUE").with("PAYER C"),
            ]),
            with(vec![
                // Similar amounts on one day from one payer, and three payers far apart.
                row(day(2024, 2, 9), 100_000, "INCOME_BUSINESS_REVENUE").with("PAYER A"),
                row(day(2024, 2, 9), 101_000, "INCOME_BUSINESS_REVENUE").with("PAYER A"),
                row(day(2024, 2, 9), 102_000, "INCOME_BUSINESS_REVENUE").with("PAYER A"),
                row(day(2024, 2, 10), 100_000, "INCOME_BUSINESS_REVENUE").with("PAYER A"),
                row(day(2024, 2, 10), 300_000, "INCOME_BUSINESS_REVENUE").with("PAYER B"),
                row(day(2024, 2, 10), 700_000, "INCOME_BUSINESS_REVENUE").with("PAYER C"),
            ]),
        ),
        (
            "revenue_near_application_date",
            |m| m.revenue_near_application_date.triggered,
            vec![
                row(day(2024, 3, 12), 400_000, "INCOME_BUSINESS_REVENUE").with("CNAM"),
                row(day(2024, 3, 20), 350_000, "INCOME_BUSINESS_REVENUE").with("MUGEFCI"),
                row(day(2024, 1, 20), -50_000, "RENT_AND_UTILITIES_RENT").with("SCI"),
            ],
            steady.clone(),
        ),
        (
            "pass_through",
            |m| m.pass_through.triggered,
            (0..6)
                .flat_map(|i| {
                    let d = day(2024, 1, 5) + chrono::Days::new(i * 14);
                    [
                        row(d, 300_000, "INCOME_BUSINESS_REVENUE").with("CNAM"),
                        row(
                            d + chrono::Days::new(1),
                            -290_000,
                            "TRANSFER_OUT_PERSON_TO_PERSON",
                        )
                        .with("AMI"),
                    ]
                })
                .collect(),
            (0..6)
                .flat_map(|i| {
                    let d = day(2024, 1, 5) + chrono::Days::new(i * 14);
                    [
                        row(d, 300_000, "INCOME_BUSINESS_REVENUE").with("CNAM"),
                        row(
                            d + chrono::Days::new(7),
                            -290_000,
                            "TRANSFER_OUT_PERSON_TO_PERSON",
                        )
                        .with("AMI"),
                    ]
                })
                .collect(),
        ),
        (
            "circular_flows",
            |m| m.circular_flows.triggered,
            with(
                [(1u32, 10u32), (2, 10), (3, 10)]
                    .into_iter()
                    .flat_map(|(m, d)| {
                        [
                            row(day(2024, m, d), -250_000, "TRANSFER_OUT_PERSON_TO_PERSON")
                                .with("KONE IBRAHIM"),
                            row(day(2024, m, d + 4), 245_000, "TRANSFER_IN_PERSON_TO_PERSON")
                                .with("KONE IBRAHIM"),
                        ]
                    })
                    .collect(),
            ),
            with(
                [(1u32, 10u32), (2, 10), (3, 10)]
                    .into_iter()
                    .flat_map(|(m, d)| {
                        [
                            row(
                                day(2024, m, d),
                                -250_000,
                                "BUSINESS_EXPENSES_SUPPLIERS_AND_INVENTORY",
                            )
                            .with("LABOREX"),
                            row(day(2024, m, d + 4), 245_000, "INCOME_BUSINESS_REVENUE")
                                .with("MUGEFCI"),
                        ]
                    })
                    .collect(),
            ),
        ),
        (
            "single_related_party_dependency",
            |m| m.single_related_party_dependency.triggered,
            with(vec![
                row(day(2024, 2, 2), 900_000, "TRANSFER_IN_PERSON_TO_PERSON").with("KONE IBRAHIM"),
            ]),
            with(vec![
                row(day(2024, 2, 2), 150_000, "TRANSFER_IN_PERSON_TO_PERSON").with("KONE IBRAHIM"),
                row(day(2024, 2, 3), 150_000, "TRANSFER_IN_PERSON_TO_PERSON").with("DIALLO AWA"),
            ]),
        ),
        (
            "cash_withdrawal_after_deposit",
            |m| m.cash_withdrawal_after_deposit.triggered,
            with(vec![
                row(day(2024, 1, 22), 400_000, "TRANSFER_IN_DEPOSIT").via(Channel::Cash),
                row(day(2024, 1, 23), -350_000, "TRANSFER_OUT_WITHDRAWAL").via(Channel::Atm),
                row(day(2024, 2, 22), 400_000, "TRANSFER_IN_DEPOSIT").via(Channel::Cash),
                row(day(2024, 2, 22), -300_000, "TRANSFER_OUT_WITHDRAWAL").via(Channel::Cash),
            ]),
            with(vec![
                row(day(2024, 1, 22), 400_000, "TRANSFER_IN_DEPOSIT").via(Channel::Cash),
                row(day(2024, 1, 23), -50_000, "TRANSFER_OUT_WITHDRAWAL").via(Channel::Atm),
                row(day(2024, 2, 22), 400_000, "TRANSFER_IN_DEPOSIT").via(Channel::Cash),
                row(day(2024, 2, 28), -300_000, "TRANSFER_OUT_WITHDRAWAL").via(Channel::Cash),
            ]),
        ),
    ]
}

#[test]
fn each_manipulation_signal_triggers_on_its_pattern_only() {
    for (name, signal, triggers, clean) in signal_cases() {
        let hit = analyse(
            &small_book(Some("CLINIQUE SAINTE MARIE"), triggers),
            &clinic_options(),
        );
        assert!(
            signal(&hit.inputs.manipulation),
            "{name} should trigger: {:#?}",
            hit.inputs.manipulation
        );
        let miss = analyse(
            &small_book(Some("CLINIQUE SAINTE MARIE"), clean),
            &clinic_options(),
        );
        assert!(
            !signal(&miss.inputs.manipulation),
            "{name} should not trigger: {:#?}",
            miss.inputs.manipulation
        );
    }
}

#[test]
fn signal_figures_are_exact() {
    let cases = signal_cases();
    let (_, _, pass, _) = cases.iter().find(|c| c.0 == "pass_through").unwrap();
    let a = analyse(&small_book(None, pass.clone()), &AnalysisOptions::default());
    let p = &a.inputs.manipulation.pass_through;
    assert_eq!(p.credits_total, dec(1_800_000));
    assert_eq!(p.passed_through, dec(1_740_000));
    assert!(close(p.ratio, 1_740_000.0 / 1_800_000.0));
    let (_, _, circular, _) = cases.iter().find(|c| c.0 == "circular_flows").unwrap();
    let a = analyse(
        &small_book(None, circular.clone()),
        &AnalysisOptions::default(),
    );
    let c = &a.inputs.manipulation.circular_flows;
    assert_eq!(c.round_trips, 3);
    assert_eq!(c.returned_value, dec(735_000));
    assert_eq!(c.counterparties, 1);
    let (_, _, cash, _) = cases
        .iter()
        .find(|c| c.0 == "cash_withdrawal_after_deposit")
        .unwrap();
    let a = analyse(&small_book(None, cash.clone()), &AnalysisOptions::default());
    let w = &a.inputs.manipulation.cash_withdrawal_after_deposit;
    assert_eq!(w.occurrences, 2);
    assert_eq!(w.withdrawn_value, dec(650_000));
    assert!(ledgerlens_analytics::manipulation::is_round(dec(1_000_000)));
    assert!(ledgerlens_analytics::manipulation::is_round(dec(50_000)));
    assert!(!ledgerlens_analytics::manipulation::is_round(dec(74_000)));
    assert!(!ledgerlens_analytics::manipulation::is_round(dec(500)));
}

#[test]
fn expense_profiles_follow_the_declared_type() {
    let profile = |t: &str| envoyx::expense_profile(Some(t), None).0;
    assert_eq!(profile("healthcare_provider"), "clinic");
    assert_eq!(profile("Clinique"), "clinic");
    assert_eq!(profile("pharmacie"), "pharmacy");
    assert_eq!(profile("retail"), "retail");
    assert_eq!(profile("restaurant"), "restaurant");
    assert_eq!(profile("transport"), "transport");
    assert_eq!(profile("agriculture"), "agriculture");
    assert_eq!(profile("IT services"), "services");
    assert_eq!(profile("something else"), "default");
    assert_eq!(envoyx::expense_profile(None, Some("commerce")).0, "retail");
    assert_eq!(envoyx::expense_profile(None, None).0, "default");
    // A ghost business: revenue and no operating expense at all.
    let a = analyse(
        &small_book(Some("CLINIQUE SAINTE MARIE"), monthly_revenue(&[5])),
        &clinic_options(),
    );
    assert_eq!(a.expense_operating_presence, envoyx::Presence::Absent);
}

// ---------------------------------------------------------------------------------------------
// Properties.

/// Paths (dotted, `[]` for array items) whose numbers are money.
fn is_money(path: &str) -> bool {
    const MONEY: &[&str] = &[
        "opening_balance",
        "closing_balance",
        "total_credits",
        "total_debits",
        "expense_tontine_activity.estimated_monthly",
        "expense_tontine_activity.contributions_total",
        "expense_tontine_activity.payouts_total",
        "inputs.classification_amounts.",
        "inputs.revenue.operating_revenue",
        "inputs.revenue.monthly_revenue[].amount",
        "inputs.revenue.mean_monthly_revenue",
        "inputs.liquidity.mobile_money_in",
        "inputs.liquidity.mobile_money_out",
        "inputs.working_capital.major_inflow_threshold",
        "inputs.working_capital.min_balance_between_inflows",
        "inputs.working_capital.average_daily_outflow",
        "inputs.pattern.monthly_inflows[].amount",
        "inputs.pattern.monthly_outflows[].amount",
        "inputs.operating_expenses.groups[].total",
        "inputs.operating_expenses.operating_total",
        "inputs.operating_expenses.personal_total",
        "inputs.debt.debt_service_total",
        "inputs.debt.debt_service_monthly",
        "inputs.debt.disbursements_total",
        "inputs.balance_trend.first_window_average",
        "inputs.balance_trend.last_window_average",
        "inputs.balance_trend.slope_per_day",
        "inputs.balance_trend.mean_balance",
        "inputs.balance_trend.min_balance",
        "inputs.balance_trend.max_balance",
        "inputs.survival.low_balance_threshold",
        "inputs.manipulation.end_of_period_spike.last_window_average_balance",
        "inputs.manipulation.end_of_period_spike.prior_average_balance",
        "inputs.manipulation.round_number_deposits.round_value",
        "inputs.manipulation.coordinated_inflows.largest_cluster_total",
        "inputs.manipulation.revenue_near_application_date.revenue_total",
        "inputs.manipulation.revenue_near_application_date.revenue_in_window",
        "inputs.manipulation.pass_through.credits_total",
        "inputs.manipulation.pass_through.passed_through",
        "inputs.manipulation.circular_flows.returned_value",
        "inputs.manipulation.single_related_party_dependency.related_party_total",
        "inputs.manipulation.single_related_party_dependency.top_related_party_total",
        "inputs.manipulation.cash_withdrawal_after_deposit.withdrawn_value",
    ];
    MONEY.iter().any(|m| {
        if m.ends_with('.') {
            path.starts_with(m)
        } else {
            path == *m
        }
    })
}

/// Walks two JSON trees: money scales by `k`, every other number and string is unchanged
/// (descriptions, which print amounts, excepted).
fn compare_scaled(path: &str, base: &Value, scaled: &Value, k: f64) {
    // Roundness is a property of digits, not of scale: 600 000 × 3 is not round.
    if path.starts_with("inputs.manipulation.round_number_deposits") {
        return;
    }
    match (base, scaled) {
        (Value::Object(a), Value::Object(b)) => {
            assert_eq!(
                a.keys().collect::<Vec<_>>(),
                b.keys().collect::<Vec<_>>(),
                "{path}"
            );
            for (key, value) in a {
                let sub = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                compare_scaled(&sub, value, &b[key], k);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "{path}");
            for (x, y) in a.iter().zip(b) {
                compare_scaled(&format!("{path}[]"), x, y, k);
            }
        }
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            let want = if is_money(path) { x * k } else { x };
            let tolerance = if is_money(path) {
                // Money prints rounded to the cent (one unit of the last place at scale k).
                0.005 * k + 1e-9 * want.abs()
            } else {
                1e-9 * want.abs().max(1.0)
            };
            assert!((y - want).abs() <= tolerance, "{path}: {y} vs {want}");
        }
        (Value::String(_), Value::String(_)) if path.ends_with("description") => {}
        (a, b) => assert_eq!(a, b, "{path}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn scaling_amounts_scales_money_and_keeps_ratios(k in 2i64..5000) {
        for b in [golden_clinic(), small_book(Some("KOUAME YAO"), signal_cases()[5].2.clone())] {
            let base = analyse_books(&[materialise(&b, Decimal::ONE)], &clinic_options());
            let scaled = analyse_books(&[materialise(&b, Decimal::from(k))], &clinic_options());
            assert_eq!(scaled.total_credits, base.total_credits * Decimal::from(k));
            assert_eq!(
                scaled.inputs.revenue.operating_revenue,
                base.inputs.revenue.operating_revenue * Decimal::from(k)
            );
            compare_scaled(
                "",
                &serde_json::to_value(&base).unwrap(),
                &serde_json::to_value(&scaled).unwrap(),
                k as f64,
            );
        }
    }

    #[test]
    fn account_order_does_not_matter(seed in 0u64..1000) {
        let main = golden_clinic();
        let mut savings = book(
            day(2024, 1, 1),
            day(2024, 3, 31),
            250_000,
            vec![
                row(day(2024, 1, 28), 100_000, "TRANSFER_IN_ACCOUNT_TRANSFER").own(),
                row(day(2024, 2, 28), -40_000, "TRANSFER_OUT_ACCOUNT_TRANSFER").own(),
            ],
        );
        savings.number = "CI93 0001 9999 0001";
        let mut books = vec![materialise(&main, Decimal::ONE), materialise(&savings, Decimal::ONE)];
        let base = serde_json::to_value(analyse_books(&books, &clinic_options())).unwrap();
        if seed % 2 == 1 {
            books.reverse();
        }
        let other = serde_json::to_value(analyse_books(&books, &clinic_options())).unwrap();
        prop_assert_eq!(base, other);
    }
}

// ---------------------------------------------------------------------------------------------
// Personas: the truth is known from the labels.

fn persona_analysis(
    kind: PersonaKind,
    country: &str,
    seed: u64,
) -> (
    ledgerlens_synth::persona::LabeledStatement,
    Value,
    EnvoyxAnalysis,
) {
    let labeled = persona(&PersonaOptions {
        kind,
        country: country.to_owned(),
        seed,
        months: 6,
        vocabulary: Vocabulary::All,
        ..PersonaOptions::default()
    });
    let options = AnalysisOptions {
        account_holder_name: labeled.statement.account.holder.clone(),
        business_type: Some("clinic".to_owned()),
        country: Some(labeled.country.clone()),
        ..AnalysisOptions::default()
    };
    let enricher = Enricher::builtin().unwrap();
    let prepared = Prepared::new(vec![labeled.statement.clone()], &enricher, &options);
    let ledger = prepared.ledger(&options).unwrap();
    let analysis = envoyx::build(&ledger, &options);
    let json = serde_json::to_value(&analysis).unwrap();
    (labeled, json, analysis)
}

/// Names of the manipulation signals that fired (a genuine persona fires none).
fn triggered_signals(a: &EnvoyxAnalysis) -> Vec<String> {
    let json = serde_json::to_value(&a.inputs.manipulation).unwrap();
    json.as_object()
        .unwrap()
        .iter()
        .filter(|(_, v)| v["triggered"] == Value::Bool(true))
        .map(|(k, _)| k.clone())
        .collect()
}

fn truth_sum(labeled: &ledgerlens_synth::persona::LabeledStatement, code: &str) -> Decimal {
    labeled
        .statement
        .transactions
        .iter()
        .zip(&labeled.truth)
        .filter(|(_, t)| t.category.code() == code)
        .map(|(tx, _)| tx.amount.as_decimal())
        .sum()
}

#[test]
fn west_african_clinic_persona_figures_equal_the_truth() {
    for seed in [1, 7, 42] {
        let (labeled, _, a) = persona_analysis(PersonaKind::WestAfricanClinic, "CI", seed);
        let s = &labeled.statement;
        let credits: Decimal = s
            .transactions
            .iter()
            .map(|t| t.amount.as_decimal())
            .filter(|a| *a > Decimal::ZERO)
            .sum();
        let debits: Decimal = -s
            .transactions
            .iter()
            .map(|t| t.amount.as_decimal())
            .filter(|a| *a < Decimal::ZERO)
            .sum::<Decimal>();
        assert_eq!(a.total_credits, credits);
        assert_eq!(a.total_debits, debits);
        assert_eq!(a.transaction_count, s.transactions.len());
        assert_eq!(a.opening_balance, s.opening_balance.map(|b| b.as_decimal()));
        assert_eq!(a.closing_balance, s.closing_balance.map(|b| b.as_decimal()));
        assert_eq!(a.currency, "XOF");
        assert_eq!(a.bank_name, s.account.bank);
        assert_eq!(a.name_match_result, Some(NameMatch::Exact));
        assert_eq!(a.account_holder_name_type, HolderKind::Business);
        // Tontine: the truth's contributions and payout.
        let contributions = -truth_sum(&labeled, "TRANSFER_OUT_TONTINE");
        let payouts = truth_sum(&labeled, "TRANSFER_IN_TONTINE");
        let t = &a.expense_tontine_activity;
        assert!(t.detected, "seed {seed}");
        assert_eq!(t.contributions_total, contributions, "seed {seed}");
        assert_eq!(t.payouts_total, payouts, "seed {seed}");
        assert_eq!(
            t.estimated_monthly,
            contributions / Decimal::from(6),
            "seed {seed}"
        );
        assert!(a.cashflow_liquidity_bridges.mobile_money_detected);
        assert!(a.cashflow_liquidity_bridges.tontine_detected);
        // Classes: mobile money, cash deposits and tontine receipts as the truth has them.
        let amounts = &a.inputs.classification_amounts;
        assert_eq!(
            amounts.mobile_money_sweeps,
            truth_sum(&labeled, "TRANSFER_IN_MOBILE_MONEY"),
            "seed {seed}"
        );
        assert_eq!(
            amounts.cash_deposits,
            truth_sum(&labeled, "TRANSFER_IN_DEPOSIT"),
            "seed {seed}"
        );
        assert_eq!(amounts.tontine_receipts, payouts, "seed {seed}");
        assert!(close(
            a.revenue_classification.mobile_money_sweeps,
            ledgerlens_analytics::ledger::ratio(amounts.mobile_money_sweeps, credits) * 100.0
        ));
        let percent_total = a.revenue_classification.institutional_payments
            + a.revenue_classification.mobile_money_sweeps
            + a.revenue_classification.cash_deposits
            + a.revenue_classification.tontine_receipts
            + a.revenue_classification.related_party_transfers
            + a.revenue_classification.other;
        assert!(close(percent_total, 100.0));
        // Operating expenses of a clinic: payroll, supplies, social security are there.
        let groups = &a.inputs.operating_expenses.groups;
        for group in ["payroll", "medical_supplies", "social_security"] {
            assert!(
                groups.iter().any(|g| g.group == group && g.present),
                "seed {seed}: {group} missing: {groups:#?}"
            );
        }
        // Enrichment does not recognise every payroll transfer ("VIR EMIS <name>" without a
        // salary word): what it finds is part of the truth's payroll, never more.
        let payroll = groups.iter().find(|g| g.group == "payroll").unwrap().total;
        assert!(
            payroll > Decimal::ZERO && payroll <= -truth_sum(&labeled, "BUSINESS_EXPENSES_PAYROLL"),
            "seed {seed}"
        );
        assert_ne!(a.expense_operating_presence, envoyx::Presence::Absent);
        assert_eq!(triggered_signals(&a), Vec::<String>::new(), "seed {seed}");
    }
}

#[test]
fn sme_employer_persona_figures_equal_the_truth() {
    for (country, seed) in [("NG", 3), ("FR", 5), ("CI", 11)] {
        let (labeled, _, a) = persona_analysis(PersonaKind::SmeEmployer, country, seed);
        let s = &labeled.statement;
        assert_eq!(a.transaction_count, s.transactions.len());
        assert_eq!(a.closing_balance, s.closing_balance.map(|b| b.as_decimal()));
        assert!(!a.expense_tontine_activity.detected, "{country}");
        assert_eq!(triggered_signals(&a), Vec::<String>::new(), "{country}");
        assert_eq!(
            a.expense_operating_presence,
            envoyx::Presence::Present,
            "{country}"
        );
        let payroll = -truth_sum(&labeled, "BUSINESS_EXPENSES_PAYROLL");
        let groups = &a.inputs.operating_expenses.groups;
        let found = groups.iter().find(|g| g.group == "payroll").unwrap().total;
        assert!(
            found > Decimal::ZERO && found <= payroll,
            "{country}: {found} of {payroll}"
        );
        assert_eq!(
            a.inputs.debt.debt_service_total,
            -s.transactions
                .iter()
                .zip(&labeled.truth)
                .filter(|(_, t)| t.category.primary() == ledgerlens_core::Primary::LoanPayments)
                .map(|(tx, _)| tx.amount.as_decimal())
                .sum::<Decimal>(),
            "{country}"
        );
    }
}

#[test]
fn a_persona_split_into_two_files_analyses_like_the_whole() {
    let labeled = persona(&PersonaOptions {
        kind: PersonaKind::WestAfricanClinic,
        country: "CI".to_owned(),
        seed: 9,
        ..PersonaOptions::default()
    });
    let whole = labeled.statement.clone();
    let half = whole.transactions.len() / 2;
    let cut = whole.transactions[half].date;
    let mut first = whole.clone();
    let mut second = whole.clone();
    first.transactions.retain(|t| t.date < cut);
    second.transactions.retain(|t| t.date >= cut);
    let period = whole.period.unwrap();
    first.period = Some(Period {
        start: period.start,
        end: cut.pred_opt().unwrap(),
    });
    second.period = Some(Period {
        start: cut,
        end: period.end,
    });
    first.closing_balance = first.transactions.last().and_then(|t| t.balance);
    second.opening_balance = first.closing_balance;
    let options = AnalysisOptions::default();
    let enricher = Enricher::builtin().unwrap();
    let run = |statements: Vec<Statement>| {
        let prepared = Prepared::new(statements, &enricher, &options);
        serde_json::to_value(envoyx::build(&prepared.ledger(&options).unwrap(), &options)).unwrap()
    };
    let whole_json = run(vec![whole]);
    assert_eq!(run(vec![second.clone(), first.clone()]), whole_json);
    assert_eq!(run(vec![first, second]), whole_json);
}

// ---------------------------------------------------------------------------------------------
// Shape: every field of the spec's analysis object, with the same JSON type.

fn same_shape(path: &str, spec: &Value, ours: &Value) {
    match (spec, ours) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let sub = format!("{path}.{key}");
                let Some(other) = b.get(key) else {
                    panic!("{sub} missing from ours");
                };
                same_shape(&sub, value, other);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if let (Some(x), Some(y)) = (a.first(), b.first()) {
                same_shape(&format!("{path}[]"), x, y);
            }
        }
        (Value::Number(_), Value::Number(b)) => {
            // The spec types `transaction_count` as an integer; every other number is a number.
            if path.ends_with("transaction_count") {
                assert!(b.is_u64(), "{path}: integer expected, got {b}");
            }
        }
        (a, b) => assert_eq!(
            std::mem::discriminant(a),
            std::mem::discriminant(b),
            "{path}: spec {a} vs ours {b}"
        ),
    }
}

#[test]
fn envoyx_shape_has_every_spec_field_with_the_same_type() {
    let spec: Value =
        serde_json::from_str(include_str!("../shapes/envoyx.json")).expect("shape file parses");
    let (_, ours, _) = persona_analysis(PersonaKind::WestAfricanClinic, "CI", 42);
    same_shape("", &spec, &ours);
    let golden = serde_json::to_value(analyse(&golden_clinic(), &clinic_options())).unwrap();
    same_shape("", &spec, &golden);
}
