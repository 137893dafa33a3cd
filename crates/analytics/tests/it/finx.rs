//! finX risk report: golden figures on personas whose truth is known, name affinity, properties
//! and the spec's JSON shape. `kit` is shared with the Bank X-Ray tests.

use chrono::NaiveDate;
use ledgerlens_analytics::affinity::{Affinity, affinity, best_match, jointly_managed, owners};
use ledgerlens_analytics::ledger::Ledger;
use ledgerlens_analytics::options::AnalysisOptions;
use ledgerlens_analytics::profiles::finx;
use ledgerlens_core::{Category, Primary};
use ledgerlens_synth::persona::{PersonaKind, PersonaOptions, Vocabulary, persona};
use proptest::prelude::*;
use rust_decimal::Decimal;

use kit::*;

/// Ledgers whose enrichment is written by hand or taken from the personas' truth, so that the
/// analytics are measured on their own (enrichment has its own accuracy tests).
pub(crate) mod kit {
    use std::sync::Arc;

    use chrono::{Days, NaiveDate};
    use ledgerlens_core::{Account, AccountNumber, Amount, Category, Currency, Period, Statement};
    use ledgerlens_core::{Transaction, reconcile};
    use ledgerlens_enrich::{
        Channel, CounterpartyKey, Decision, EnrichedLedger, LoanRole, Source, TxEnrichment,
        income::detect_income, loans::detect_loans, recurrence::detect_series,
    };
    use ledgerlens_synth::persona::{LabeledStatement, LoanRole as TruthLoan};
    use rust_decimal::Decimal;

    pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    pub fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    pub fn cat(code: &str) -> Category {
        Category::parse(code).unwrap_or_else(|| panic!("no category {code}"))
    }

    /// A transaction enrichment saying exactly `category`, `channel` and `counterparty`.
    pub fn tx_enrichment(category: Category, channel: Channel, counterparty: &str) -> TxEnrichment {
        TxEnrichment {
            category,
            confidence: 1.0,
            decided_by: Decision {
                source: Source::TenantOverride,
                rule: Arc::from("test.truth"),
            },
            counterparty: (!counterparty.is_empty()).then(|| CounterpartyKey {
                key: Arc::from(counterparty),
                name: Arc::from(counterparty),
            }),
            channel,
            series: None,
            internal_transfer: false,
            salary: false,
            loan: None,
            lender: None,
        }
    }

    /// Runs the ledger-level detectors (series, income, loans) over hand-made enrichment.
    pub fn finish(statement: &Statement, mut transactions: Vec<TxEnrichment>) -> EnrichedLedger {
        let as_of = statement
            .period
            .map(|p| p.end)
            .or_else(|| statement.transaction_span().map(|p| p.end))
            .unwrap_or_default();
        let txs = &statement.transactions;
        let series = detect_series(txs, &mut transactions, as_of);
        let income = detect_income(txs, &mut transactions, &series, as_of);
        let loans = detect_loans(txs, &mut transactions);
        EnrichedLedger {
            transactions,
            series,
            income,
            loans,
            packs: Vec::new(),
        }
    }

    /// A persona's statement enriched with its true labels.
    pub fn truth_enriched(labeled: &LabeledStatement) -> EnrichedLedger {
        let rows = labeled
            .statement
            .transactions
            .iter()
            .zip(&labeled.truth)
            .map(|(t, truth)| {
                let mut e = tx_enrichment(
                    truth.category,
                    Channel::parse(truth.channel).unwrap_or(Channel::Other),
                    &truth.counterparty,
                );
                e.internal_transfer = truth.internal_transfer;
                e.loan = truth.loan.map(|role| match role {
                    TruthLoan::Disbursement => LoanRole::Disbursement,
                    TruthLoan::Repayment if t.amount.is_negative() => LoanRole::Repayment,
                    TruthLoan::Repayment => LoanRole::ReturnedRepayment,
                });
                e.lender = truth.lender.as_deref().map(Arc::from);
                e
            })
            .collect();
        finish(&labeled.statement, rows)
    }

    /// A persona.
    pub fn sample(
        kind: ledgerlens_synth::persona::PersonaKind,
        country: &str,
        seed: u64,
    ) -> LabeledStatement {
        ledgerlens_synth::persona::persona(&ledgerlens_synth::persona::PersonaOptions {
            kind,
            country: country.to_owned(),
            seed,
            ..Default::default()
        })
    }

    /// One hand-written row: day offset from `start`, amount, category, channel, counterparty.
    pub struct Row<'r>(pub u64, pub &'r str, pub &'r str, pub Channel, pub &'r str);

    /// A statement with an opening balance, printed running balances and a declared period,
    /// and its hand-made enrichment (detectors run over it).
    pub fn hand_built(
        number: &str,
        start: NaiveDate,
        end: NaiveDate,
        opening: &str,
        rows: &[Row<'_>],
    ) -> (Statement, EnrichedLedger) {
        let currency = Currency::parse("EUR").unwrap();
        let account = Account {
            number: AccountNumber::parse(number).ok(),
            holder: Some("Max Mustermann".to_owned()),
            bank: Some("Testbank".to_owned()),
            ..Account::default()
        };
        let mut statement = Statement::new(account, currency);
        statement.period = Some(Period { start, end });
        let mut balance = dec(opening);
        statement.opening_balance = Some(Amount::from_decimal(balance).unwrap());
        let mut dated: Vec<(NaiveDate, usize)> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (start.checked_add_days(Days::new(r.0)).unwrap(), i))
            .collect();
        dated.sort();
        let mut enrichment = Vec::new();
        for (day, i) in dated {
            let row = &rows[i];
            let amount = dec(row.1);
            balance += amount;
            let mut t = Transaction::new(
                day,
                format!("{} {}", row.4, row.2),
                Amount::from_decimal(amount).unwrap(),
            );
            t.balance = Some(Amount::from_decimal(balance).unwrap());
            statement.transactions.push(t);
            enrichment.push(tx_enrichment(super::kit::cat(row.2), row.3, row.4));
        }
        statement.closing_balance = Some(Amount::from_decimal(balance).unwrap());
        statement.reconciliation = reconcile(&statement);
        let enriched = finish(&statement, enrichment);
        (statement, enriched)
    }

    /// Multiplies every amount and balance of a statement by `k`.
    pub fn scaled(statement: &Statement, k: Decimal) -> Statement {
        let scale = |a: Amount| Amount::from_decimal(a.as_decimal() * k).unwrap();
        let mut out = statement.clone();
        out.opening_balance = out.opening_balance.map(scale);
        out.closing_balance = out.closing_balance.map(scale);
        for t in &mut out.transactions {
            t.amount = scale(t.amount);
            t.balance = t.balance.map(scale);
        }
        out
    }

    /// End-of-day balances from the printed running balances, carried over days without rows:
    /// the truth that balance figures are checked against.
    pub fn daily_truth(
        statement: &Statement,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Vec<(NaiveDate, Decimal)> {
        let mut out = Vec::new();
        let mut current = statement.opening_balance.unwrap().as_decimal();
        let mut day = start;
        while day <= end {
            for t in statement.transactions.iter().filter(|t| t.date == day) {
                current = t.balance.unwrap().as_decimal();
            }
            out.push((day, current));
            day = day.succ_opt().unwrap();
        }
        out
    }

    /// Checks that every field of `example` is in `ours` with the same JSON type (recursively;
    /// arrays by their first element). `null` in the example accepts anything; `null` in ours is
    /// accepted only at the `nullable` paths. Returns the mismatches.
    pub fn shape_mismatches(
        example: &serde_json::Value,
        ours: &serde_json::Value,
        path: &str,
        nullable: &[&str],
        skip: &[&str],
        out: &mut Vec<String>,
    ) {
        use serde_json::Value;
        if skip.contains(&path) || example.is_null() {
            return;
        }
        match (example, ours) {
            (_, Value::Null) if nullable.contains(&path) => {}
            (Value::Object(e), Value::Object(o)) => {
                for (key, value) in e {
                    let child = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    match o.get(key) {
                        Some(v) => shape_mismatches(value, v, &child, nullable, skip, out),
                        None if skip.contains(&child.as_str()) => {}
                        None => out.push(format!("{child}: missing")),
                    }
                }
            }
            (Value::Array(e), Value::Array(o)) => {
                if let Some(first) = e.first() {
                    match o.first() {
                        Some(mine) => {
                            shape_mismatches(first, mine, &format!("{path}[]"), nullable, skip, out)
                        }
                        None => out.push(format!("{path}: empty array, example has elements")),
                    }
                }
            }
            (Value::Number(_), Value::Number(_))
            | (Value::String(_), Value::String(_))
            | (Value::Bool(_), Value::Bool(_)) => {}
            (e, o) => out.push(format!("{path}: example {e} but ours {o}")),
        }
    }

    pub fn ledger<'a>(accounts: &'a [(Statement, EnrichedLedger)]) -> Ledger<'a> {
        Ledger::new(
            accounts
                .iter()
                .map(|(statement, enriched)| AccountLedger {
                    statement,
                    enriched,
                })
                .collect(),
            None,
        )
        .unwrap()
    }

    use ledgerlens_analytics::ledger::{AccountLedger, Ledger};
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn options_named(name: &str) -> AnalysisOptions {
    AnalysisOptions {
        account_holder_name: Some(name.to_owned()),
        ..AnalysisOptions::default()
    }
}

fn truth_sum(
    labeled: &ledgerlens_synth::persona::LabeledStatement,
    keep: impl Fn(&ledgerlens_synth::persona::Truth, Decimal) -> bool,
) -> (Decimal, usize) {
    let mut total = Decimal::ZERO;
    let mut count = 0;
    for (t, truth) in labeled.statement.transactions.iter().zip(&labeled.truth) {
        let amount = t.amount.as_decimal();
        if keep(truth, amount) {
            total += amount;
            count += 1;
        }
    }
    (total, count)
}

#[test]
fn salaried_consumer_figures_equal_the_truth() {
    for (country, seed) in [("NG", 1), ("DE", 2), ("FR", 3), ("GB", 4), ("KE", 5)] {
        let labeled = sample(PersonaKind::SalariedConsumer, country, seed);
        let accounts = vec![(labeled.statement.clone(), truth_enriched(&labeled))];
        let ledger = ledger(&accounts);
        let holder = labeled.statement.account.holder.clone().unwrap();
        let report = finx::build(&ledger, &options_named(&holder));
        let tag = format!("{country}/{seed}");

        // Income: every INCOME credit that is not internal, split regular/variable.
        let (income, income_count) = truth_sum(&labeled, |t, a| {
            a > Decimal::ZERO
                && t.category.primary() == Primary::Income
                && !t.internal_transfer
                && t.loan.is_none()
        });
        let reported: Decimal = report
            .income
            .regular
            .iter()
            .chain(&report.income.variable)
            .map(|g| g.aggregate.total)
            .sum();
        let reported_count: usize = report
            .income
            .regular
            .iter()
            .chain(&report.income.variable)
            .map(|g| g.aggregate.count)
            .sum();
        assert_eq!(reported, income, "{tag}");
        assert_eq!(reported_count, income_count, "{tag}");

        // Primary income: the salary.
        let (salary, salary_count) = truth_sum(&labeled, |t, _| t.salary);
        let primary = report.income.primary.as_ref().expect("primary income");
        assert_eq!(primary.aggregate.aggregate.total, salary, "{tag}");
        assert_eq!(primary.aggregate.aggregate.count, salary_count, "{tag}");
        assert_eq!(primary.aggregate.category.name, "INCOME_WAGES", "{tag}");
        assert_eq!(primary.recurrence, "monthly", "{tag}");
        assert!(
            close(primary.stability, 1.0),
            "{tag}: {}",
            primary.stability
        );
        let last_salary = labeled
            .statement
            .transactions
            .iter()
            .zip(&labeled.truth)
            .filter(|(_, t)| t.salary)
            .map(|(t, _)| t.date)
            .max()
            .unwrap();
        assert_eq!(
            report.income.closeness,
            Some((ledger.as_of - last_salary).num_days()),
            "{tag}"
        );
        let employer = labeled
            .truth
            .iter()
            .find(|t| t.salary)
            .unwrap()
            .counterparty
            .clone();
        assert_eq!(primary.payment_partner.id, employer, "{tag}");

        // Expenses and consumption rate.
        let excluded = [
            "TRANSFER_OUT_ACCOUNT_TRANSFER",
            "TRANSFER_OUT_SAVINGS",
            "TRANSFER_OUT_INVESTMENT_AND_RETIREMENT_FUNDS",
        ];
        let (spent, spent_count) = truth_sum(&labeled, |t, a| {
            a < Decimal::ZERO && !t.internal_transfer && !excluded.contains(&t.category.code())
        });
        let groups = report
            .expenses
            .regular
            .iter()
            .chain(&report.expenses.variable);
        assert_eq!(
            groups
                .clone()
                .map(|g| g.aggregate.aggregate.total)
                .sum::<Decimal>(),
            spent,
            "{tag}"
        );
        assert_eq!(
            groups
                .clone()
                .map(|g| g.aggregate.aggregate.count)
                .sum::<usize>(),
            spent_count,
            "{tag}"
        );
        let rate: f64 = (-spent / income).try_into().unwrap();
        assert!(
            close(report.income.consumption_rate.unwrap(), rate),
            "{tag}"
        );
        for g in groups {
            let share: f64 = (Decimal::from(100) * -g.aggregate.aggregate.total / income)
                .try_into()
                .unwrap();
            assert!(
                close(g.ratio_to_income.unwrap(), share),
                "{tag} {}",
                g.aggregate.category.name
            );
        }

        // ATM.
        let (atm, atm_count) = truth_sum(&labeled, |t, a| {
            a < Decimal::ZERO && t.category == cat("TRANSFER_OUT_WITHDRAWAL")
        });
        assert_eq!(
            (report.atm.total, report.atm.count),
            (atm, atm_count),
            "{tag}"
        );

        // The account.
        let account = &report.accounts[0];
        assert!(account.is_main_account, "{tag}");
        assert_eq!(account.is_jointly_managed, Some(false), "{tag}");
        assert_eq!(account.owners, vec![holder.clone()], "{tag}");
        let verification = account.verification_result.as_ref().unwrap();
        assert_eq!(
            verification.matched.as_ref().unwrap().affinity,
            Affinity::VeryHigh,
            "{tag}"
        );
        assert_eq!(
            account.last_transaction_on,
            labeled.statement.transactions.last().map(|t| t.date)
        );
        check_balances(&labeled.statement, &ledger, account, &tag);
    }
}

/// Days in overdraft and average balances against end-of-day balances read off the printed
/// running balances.
fn check_balances(
    statement: &ledgerlens_core::Statement,
    ledger: &Ledger<'_>,
    account: &finx::FinxAccount,
    tag: &str,
) {
    let period = statement.period.unwrap();
    let days = daily_truth(statement, period.start, ledger.as_of.min(period.end));
    let overdrawn = days.iter().filter(|(_, b)| *b < Decimal::ZERO).count();
    assert_eq!(account.balance.days_in_overdraft, overdrawn, "{tag}");
    let end = days.last().unwrap().0;
    for (months, figure) in [
        (1, account.balance.average.one_month),
        (3, account.balance.average.three_months),
        (6, account.balance.average.six_months),
    ] {
        let from = end
            .checked_sub_months(chrono::Months::new(months))
            .unwrap()
            .succ_opt()
            .unwrap();
        let window: Vec<Decimal> = days
            .iter()
            .filter(|(d, _)| *d >= from)
            .map(|(_, b)| *b)
            .collect();
        let mean = window.iter().copied().sum::<Decimal>() / Decimal::from(window.len());
        assert_eq!(figure, Some(mean), "{tag}: {months} months");
    }
}

#[test]
fn gambler_and_borrower_indicators_equal_the_truth() {
    for (kind, country, seed) in [
        (PersonaKind::Gambler, "NG", 11),
        (PersonaKind::Gambler, "GB", 12),
        (PersonaKind::MultiLenderBorrower, "NG", 13),
        (PersonaKind::MultiLenderBorrower, "KE", 14),
        (PersonaKind::MultiLenderBorrower, "ZA", 15),
    ] {
        let labeled = sample(kind, country, seed);
        let accounts = vec![(labeled.statement.clone(), truth_enriched(&labeled))];
        let ledger = ledger(&accounts);
        let report = finx::build(&ledger, &AnalysisOptions::default());
        let tag = format!("{kind}/{country}/{seed}");
        let (income, _) = truth_sum(&labeled, |t, a| {
            a > Decimal::ZERO
                && t.category.primary() == Primary::Income
                && !t.internal_transfer
                && t.loan.is_none()
        });

        let (stakes, stake_count) = truth_sum(&labeled, |t, a| {
            a < Decimal::ZERO && t.category.primary() == Primary::Gambling
        });
        assert_eq!(
            (
                report.gambling.aggregate.total,
                report.gambling.aggregate.count
            ),
            (stakes, stake_count),
            "{tag}"
        );
        let share: f64 = (Decimal::from(100) * -stakes / income).try_into().unwrap();
        assert!(
            close(report.gambling.ratio_to_income.unwrap(), share),
            "{tag}"
        );

        // Loans: repayments (LOAN_PAYMENTS debits but debt collection) net of the ones returned.
        let (repaid, repaid_count) = truth_sum(&labeled, |t, a| {
            (a < Decimal::ZERO
                && t.category.primary() == Primary::LoanPayments
                && t.category.code() != "LOAN_PAYMENTS_DEBT_COLLECTION")
                || (a > Decimal::ZERO
                    && t.loan == Some(ledgerlens_synth::persona::LoanRole::Repayment))
        });
        assert_eq!(
            (report.loan.aggregate.total, report.loan.aggregate.count),
            (repaid, repaid_count),
            "{tag}"
        );
        if kind == PersonaKind::MultiLenderBorrower {
            assert!(repaid_count > 0, "{tag}");
        } else {
            assert!(stake_count > 0, "{tag}");
        }
        let (collected, collected_count) = truth_sum(&labeled, |t, a| {
            a < Decimal::ZERO && t.category.code() == "LOAN_PAYMENTS_DEBT_COLLECTION"
        });
        assert_eq!(
            (report.debt_collection.total, report.debt_collection.count),
            (collected, collected_count),
            "{tag}"
        );
        check_balances(&labeled.statement, &ledger, &report.accounts[0], &tag);
    }
}

#[test]
fn overdraft_days_and_windows_on_a_hand_built_ledger() {
    use ledgerlens_enrich::Channel::*;
    // 1 Jan – 31 Mar 2024 (a leap year); opening 100; overdrawn 10–14 Feb (5 days) and
    // 30–31 Mar (2 days).
    let rows = [
        Row(40, "-150", "FOOD_AND_DRINK_GROCERIES", Card, "SHOP"),
        Row(45, "200", "INCOME_WAGES", Transfer, "ACME GMBH"),
        Row(89, "-200", "TRANSFER_OUT_WITHDRAWAL", Atm, ""),
    ];
    let accounts = vec![hand_built(
        "DE0001",
        date(2024, 1, 1),
        date(2024, 3, 31),
        "100",
        &rows,
    )];
    let ledger = ledger(&accounts);
    let report = finx::build(&ledger, &AnalysisOptions::default());
    let balance = &report.accounts[0].balance;
    assert_eq!(balance.days_in_overdraft, 7);
    // One month to 31 March: 1–31 March, 29 days at 150 and two at −50.
    assert_eq!(
        balance.average.one_month,
        Some((dec("150") * Decimal::from(29) - dec("100")) / Decimal::from(31))
    );
    // Three months: all 91 days of the statement (40 at 100, 5 at −50, 44 at 150, 2 at −50).
    let three = (dec("100") * Decimal::from(40) - dec("50") * Decimal::from(5)
        + dec("150") * Decimal::from(44)
        - dec("100"))
        / Decimal::from(91);
    assert_eq!(balance.average.three_months, Some(three));
    assert_eq!(
        balance.average.six_months,
        Some(three),
        "clipped to the statement"
    );
    assert_eq!(report.atm.total, dec("-200"));
    assert_eq!(report.atm.count, 1);
    assert_eq!(report.period, 3);
    assert!(report.accounts[0].verification_result.is_none());
    assert_eq!(report.income.closeness, Some(90 - 45));
}

#[test]
fn stability_is_the_share_of_expected_payments_received() {
    use ledgerlens_analytics::indicators::whole_months;
    // Salary on the 25th in 5 of the 6 whole months (April missing).
    let mut rows = Vec::new();
    for (offset, _) in [(24_u64, 1), (55, 2), (84, 3), (145, 5), (175, 6)] {
        rows.push(Row(
            offset,
            "3000",
            "INCOME_WAGES",
            ledgerlens_enrich::Channel::Transfer,
            "ACME GMBH",
        ));
    }
    let accounts = vec![hand_built(
        "DE0002",
        date(2024, 1, 1),
        date(2024, 6, 30),
        "0",
        &rows,
    )];
    let ledger = ledger(&accounts);
    let entries: Vec<&ledgerlens_analytics::Entry<'_>> = ledger.entries.iter().collect();
    assert_eq!(whole_months(date(2024, 1, 1), date(2024, 6, 30)).len(), 6);
    assert!(close(
        finx::stability(
            &entries,
            Some(ledgerlens_enrich::Frequency::Monthly),
            ledger.start,
            ledger.end
        ),
        5.0 / 6.0
    ));
    // A statement from the 15th: January and July are not whole, so 5 months are expected.
    assert_eq!(whole_months(date(2024, 1, 15), date(2024, 7, 14)).len(), 5);
    assert!(close(
        finx::stability(&entries, None, date(2024, 1, 15), date(2024, 7, 14)),
        4.0 / 5.0
    ));
    // Weekly: 5 payments where 26 weeks (182 days) expected 26.
    assert!(close(
        finx::stability(
            &entries,
            Some(ledgerlens_enrich::Frequency::Weekly),
            date(2024, 1, 1),
            date(2024, 6, 30)
        ),
        5.0 / 26.0
    ));
}

#[test]
fn name_affinity_levels() {
    use Affinity::*;
    let table = [
        ("Max Mustermann", "Max Mustermann", VeryHigh),
        ("Max Mustermann", "MAX MUSTERMANN", VeryHigh),
        ("max  mustermann ", "Max Mustermann", VeryHigh),
        ("John Doe", "Doe, John", High),
        ("Hans Muller", "Hans Müller", High),
        ("Hans Mueller", "HANS MÜLLER", High),
        ("Jean-Pierre Dupont", "JEAN PIERRE DUPONT", High),
        ("Jean Pierre Dupont", "Dupont Jean-Pierre", High),
        ("Chioma Adaeze Okafor", "OKAFOR CHIOMA", High),
        ("J. Doe", "John Doe", High),
        ("John Doe", "Mr John Doe", High),
        ("Stephanie Meier", "Stephanie Meyer", High),
        ("Renée Lefèvre", "RENEE LEFEVRE", High),
        ("Helge Braun", "Stefan Braun", Medium),
        ("Max Mustermann", "Erika Mustermann", Medium),
        ("John Doe", "Doe", Medium),
        ("Ann Smith", "Anna Jones", Low),
        ("Helge Braun", "Stefan Schmidt", Low),
        ("J. Doe", "Jane Smith", Low),
        ("", "Max Mustermann", Low),
    ];
    for (provided, printed, expected) in table {
        assert_eq!(
            affinity(provided, printed),
            expected,
            "{provided:?} vs {printed:?}"
        );
        assert_eq!(
            affinity(printed, provided),
            expected,
            "{printed:?} vs {provided:?} (symmetric)"
        );
    }
}

#[test]
fn joint_holders_split_into_owners_and_the_best_owner_matches() {
    assert_eq!(
        owners("Max Mustermann, Erika Mustermann"),
        ["Max Mustermann", "Erika Mustermann"]
    );
    assert_eq!(owners("ADA OBI & EMEKA OBI"), ["ADA OBI", "EMEKA OBI"]);
    assert_eq!(owners("Doe, John"), ["Doe, John"]);
    assert_eq!(
        jointly_managed(Some("Max Mustermann, Erika Mustermann")),
        Some(true)
    );
    assert_eq!(jointly_managed(Some("Doe, John")), Some(false));
    assert_eq!(jointly_managed(None), None);
    let (name, level) = best_match("Erika Mustermann", "Max Mustermann, Erika Mustermann");
    assert_eq!(
        (name.as_str(), level),
        ("Erika Mustermann", Affinity::VeryHigh)
    );
}

/// Named money figures and named ratios of a report.
type Figures = (Vec<(String, Decimal)>, Vec<(String, Option<f64>)>);

/// Money figures and ratios of a report, named, for the properties.
fn figures(report: &finx::FinxReport) -> Figures {
    let mut money = Vec::new();
    let mut ratios = Vec::new();
    let mut block = |name: &str, b: &finx::Indicator| {
        money.push((format!("{name}.total"), b.total));
        money.push((format!("{name}.low"), b.low));
        money.push((format!("{name}.high"), b.high));
        money.push((format!("{name}.average"), b.average));
    };
    block("atm", &report.atm);
    block("gambling", &report.gambling.aggregate);
    block("loan", &report.loan.aggregate);
    block("debt_collection", &report.debt_collection);
    for g in report.income.regular.iter().chain(&report.income.variable) {
        block(&g.category.name, &g.aggregate);
    }
    for g in report
        .expenses
        .regular
        .iter()
        .chain(&report.expenses.variable)
    {
        block(&g.aggregate.category.name, &g.aggregate.aggregate);
        ratios.push((g.aggregate.category.name.clone(), g.ratio_to_income));
    }
    if let Some(p) = &report.income.primary {
        block("primary", &p.aggregate.aggregate);
        ratios.push(("stability".to_owned(), Some(p.stability)));
    }
    for a in &report.accounts {
        for (n, v) in [
            ("1m", a.balance.average.one_month),
            ("3m", a.balance.average.three_months),
            ("6m", a.balance.average.six_months),
        ] {
            money.push((n.to_owned(), v.unwrap_or_default()));
        }
    }
    ratios.push(("consumption".to_owned(), report.income.consumption_rate));
    ratios.push(("gambling".to_owned(), report.gambling.ratio_to_income));
    ratios.push(("loan".to_owned(), report.loan.ratio_to_income));
    (money, ratios)
}

const CATEGORIES: &[(&str, bool)] = &[
    ("INCOME_WAGES", true),
    ("INCOME_BUSINESS_REVENUE", true),
    ("FOOD_AND_DRINK_GROCERIES", false),
    ("TRANSFER_OUT_WITHDRAWAL", false),
    ("GAMBLING_BETTING", false),
    ("LOAN_PAYMENTS_PERSONAL_LOAN_PAYMENT", false),
    ("LOAN_PAYMENTS_DEBT_COLLECTION", false),
    ("RENT_AND_UTILITIES_RENT", false),
    ("GOVERNMENT_AND_NON_PROFIT_SOCIAL_SECURITY", false),
    ("BUSINESS_EXPENSES_PAYROLL", false),
    ("BANK_FEES_INSUFFICIENT_FUNDS", false),
];

/// Random rows for the properties: (day, cents, category index).
fn rows_strategy() -> impl Strategy<Value = Vec<(u64, i64, usize)>> {
    prop::collection::vec((0_u64..180, 1_i64..5_000_000, 0..CATEGORIES.len()), 5..60)
}

fn random_statement(
    number: &str,
    rows: &[(u64, i64, usize)],
) -> (
    ledgerlens_core::Statement,
    ledgerlens_enrich::EnrichedLedger,
) {
    let texts: Vec<(u64, String, &str, &str)> = rows
        .iter()
        .map(|&(day, cents, c)| {
            let (code, credit) = CATEGORIES[c];
            let amount = Decimal::new(if credit { cents } else { -cents }, 2);
            (
                day,
                amount.to_string(),
                code,
                if credit { "PAYER" } else { "PAYEE" },
            )
        })
        .collect();
    let rows: Vec<Row<'_>> = texts
        .iter()
        .map(|(d, a, c, p)| Row(*d, a, c, ledgerlens_enrich::Channel::Transfer, p))
        .collect();
    hand_built(number, date(2024, 1, 1), date(2024, 6, 30), "1000", &rows)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn scaling_amounts_scales_money_and_keeps_ratios(rows in rows_strategy(), k in 2_i64..1000) {
        let k = Decimal::new(k, 1);
        let base = vec![random_statement("DE0003", &rows)];
        let statement = kit::scaled(&base[0].0, k);
        // Enrichment is by hand: the same labels on the scaled amounts.
        let again = vec![(statement.clone(), kit::finish(&statement, base[0].1.transactions.iter().map(|e| {
            let mut e = e.clone();
            e.series = None;
            e.salary = false;
            e.loan = None;
            e.lender = None;
            e
        }).collect()))];
        let (a, b) = (ledger(&base), ledger(&again));
        let (ra, rb) = (finx::build(&a, &AnalysisOptions::default()), finx::build(&b, &AnalysisOptions::default()));
        let (money_a, ratios_a) = figures(&ra);
        let (money_b, ratios_b) = figures(&rb);
        prop_assert_eq!(money_a.len(), money_b.len());
        for ((name, x), (_, y)) in money_a.iter().zip(&money_b) {
            let diff = (*x * k - *y).abs();
            prop_assert!(diff < dec("0.000001"), "{}: {} × {} ≠ {}", name, x, k, y);
        }
        for ((name, x), (_, y)) in ratios_a.iter().zip(&ratios_b) {
            prop_assert!(match (x, y) { (Some(x), Some(y)) => close(*x, *y), (None, None) => true, _ => false }, "{}: {:?} vs {:?}", name, x, y);
        }
        prop_assert_eq!(ra.accounts[0].balance.days_in_overdraft, rb.accounts[0].balance.days_in_overdraft);
    }

    #[test]
    fn the_order_of_the_accounts_does_not_matter(rows in rows_strategy(), more in rows_strategy()) {
        let one = random_statement("DE0004", &rows);
        let two = random_statement("DE0005", &more);
        let forward = vec![one.clone(), two.clone()];
        let backward = vec![two, one];
        let options = options_named("Max Mustermann");
        let a = serde_json::to_value(finx::build(&ledger(&forward), &options)).unwrap();
        let b = serde_json::to_value(finx::build(&ledger(&backward), &options)).unwrap();
        prop_assert_eq!(a, b);
    }
}

#[test]
fn splitting_a_statement_into_two_files_changes_nothing() {
    let enricher = ledgerlens_enrich::Enricher::builtin().unwrap();
    let labeled = persona(&PersonaOptions {
        kind: PersonaKind::MultiLenderBorrower,
        country: "NG".to_owned(),
        seed: 21,
        months: 6,
        vocabulary: Vocabulary::All,
        ..PersonaOptions::default()
    });
    let whole = labeled.statement.clone();
    let cut = NaiveDate::from_ymd_opt(2024, 3, 31).unwrap();
    let mut first = whole.clone();
    let mut second = whole.clone();
    first.transactions.retain(|t| t.date <= cut);
    second.transactions.retain(|t| t.date > cut);
    let period = whole.period.unwrap();
    first.period = Some(ledgerlens_core::Period {
        start: period.start,
        end: cut,
    });
    second.period = Some(ledgerlens_core::Period {
        start: cut.succ_opt().unwrap(),
        end: period.end,
    });
    first.closing_balance = first.transactions.last().and_then(|t| t.balance);
    second.opening_balance = first.closing_balance;
    let options = AnalysisOptions {
        account_holder_name: whole.account.holder.clone(),
        country: Some("NG".to_owned()),
        ..AnalysisOptions::default()
    };
    let one = ledgerlens_analytics::Prepared::new(vec![whole], &enricher, &options);
    let two = ledgerlens_analytics::Prepared::new(vec![second, first], &enricher, &options);
    let (a, b) = (one.ledger(&options).unwrap(), two.ledger(&options).unwrap());
    assert_eq!(
        serde_json::to_value(finx::build(&a, &options)).unwrap(),
        serde_json::to_value(finx::build(&b, &options)).unwrap()
    );
    assert_eq!(
        serde_json::to_value(ledgerlens_analytics::profiles::xray::build(&a, &options)).unwrap(),
        serde_json::to_value(ledgerlens_analytics::profiles::xray::build(&b, &options)).unwrap()
    );
}

#[test]
fn the_report_has_every_field_of_the_spec_example_with_its_type() {
    let example: serde_json::Value =
        serde_json::from_str(include_str!("../shapes/finx.json")).unwrap();
    let labeled = sample(PersonaKind::SalariedConsumer, "DE", 7);
    let enricher = ledgerlens_enrich::Enricher::builtin().unwrap();
    let options = AnalysisOptions {
        account_holder_name: labeled.statement.account.holder.clone(),
        country: Some("DE".to_owned()),
        ..AnalysisOptions::default()
    };
    let prepared =
        ledgerlens_analytics::Prepared::new(vec![labeled.statement.clone()], &enricher, &options);
    let ledger = prepared.ledger(&options).unwrap();
    let ours = serde_json::to_value(finx::build(&ledger, &options)).unwrap();
    let mut out = Vec::new();
    // The applicant's IBAN is not an input of ledgerlens (documented in docs/analytics.md).
    shape_mismatches(
        &example,
        &ours,
        "",
        &["accounts[].verification_result.provided.iban"],
        &[],
        &mut out,
    );
    assert!(out.is_empty(), "{out:#?}\n{ours:#}");
    // The category of a group is a taxonomy code with its table position.
    let first = &ours["income"]["regular"][0]["category"];
    assert_eq!(
        Category::all()
            .nth(first["id"].as_u64().unwrap() as usize)
            .unwrap()
            .code(),
        first["name"].as_str().unwrap()
    );
}
