//! Golden figures on generated personas: the analysis of a persona, enriched with its own
//! labels, must give exactly the figures computed here straight from those labels.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use ledgerlens_analytics::{AnalysisOptions, native, profiles::periculum};
use ledgerlens_core::Primary;
use ledgerlens_synth::persona::{LabeledStatement, LoanRole as TrueLoan, PersonaKind};
use rust_decimal::Decimal;
use serde_json::Value;

use crate::support::{cents, labeled, ledger, money, number, oracle};

/// Figures computed from the labels alone.
#[derive(Debug, Default)]
struct Expected {
    credits: Decimal,
    debits: Decimal,
    inflow: Decimal,
    outflow: Decimal,
    salary: BTreeMap<NaiveDate, Decimal>,
    other_income: Decimal,
    other_income_count: usize,
    disbursed: Decimal,
    disbursements: usize,
    repaid: Decimal,
    stakes: Decimal,
    stake_count: usize,
    winnings: Decimal,
    closing: Decimal,
    overdraft_days: usize,
    months: usize,
    charges: Decimal,
}

fn expected(labeled: &LabeledStatement) -> Expected {
    let statement = &labeled.statement;
    let mut e = Expected::default();
    for (tx, truth) in statement.transactions.iter().zip(&labeled.truth) {
        let a = tx.amount.as_decimal();
        let credit = a > Decimal::ZERO;
        if credit {
            e.credits += a;
            if !truth.internal_transfer {
                e.inflow += a;
            }
        } else {
            e.debits -= a;
            if !truth.internal_transfer {
                e.outflow -= a;
            }
        }
        if truth.salary {
            *e.salary.entry(tx.date).or_default() += a;
        } else if credit
            && !truth.internal_transfer
            && truth.loan.is_none()
            && truth.category.primary() == Primary::Income
        {
            e.other_income += a;
            e.other_income_count += 1;
        }
        match truth.loan {
            Some(TrueLoan::Disbursement) => {
                e.disbursed += a;
                e.disbursements += 1;
            }
            // The truth's convention: repayment rows summed with their signs give what was
            // really repaid (returned repayments come back as credits on repayment rows).
            Some(TrueLoan::Repayment) => e.repaid -= a,
            None => {}
        }
        if truth.gambling && !credit {
            e.stakes -= a;
            e.stake_count += 1;
        } else if truth.gambling {
            e.winnings += a;
        }
        if truth.category.primary() == Primary::BankFees && !credit {
            e.charges -= a;
        }
    }
    let period = statement.period.unwrap();
    let mut balance = statement.opening_balance.unwrap().as_decimal();
    let mut rows = statement.transactions.iter().peekable();
    let mut day = period.start;
    while day <= period.end {
        while let Some(t) = rows.next_if(|t| t.date <= day) {
            balance = t.balance.unwrap().as_decimal();
        }
        if balance < Decimal::ZERO {
            e.overdraft_days += 1;
        }
        day = day.succ_opt().unwrap();
    }
    e.closing = statement.closing_balance.unwrap().as_decimal();
    e.months = usize::try_from(
        (period.end.year() - period.start.year()) * 12 + period.end.month() as i32
            - period.start.month() as i32
            + 1,
    )
    .unwrap();
    e
}

fn check(labeled: &LabeledStatement) {
    let parts = vec![(labeled.statement.clone(), oracle(labeled))];
    let ledger = ledger(&parts);
    let options = AnalysisOptions::default();
    let n: Value = serde_json::to_value(native::build(&ledger, &options)).unwrap();
    let p: Value = serde_json::to_value(periculum::build(&ledger, &options)).unwrap();
    let e = expected(labeled);
    let months = Decimal::from(e.months);
    let name = format!(
        "{} {} ({} rows)",
        labeled.country,
        labeled.statement.account.holder.as_deref().unwrap_or(""),
        labeled.statement.transactions.len()
    );

    // Native: exact.
    assert_eq!(n["period"]["months"], e.months, "{name}");
    assert_eq!(money(&n, "cash_flow.credit_turnover"), e.credits, "{name}");
    assert_eq!(money(&n, "cash_flow.debit_turnover"), e.debits, "{name}");
    assert_eq!(money(&n, "cash_flow.inflow"), e.inflow, "{name}");
    assert_eq!(money(&n, "cash_flow.outflow"), e.outflow, "{name}");
    assert_eq!(money(&n, "cash_flow.closing_balance"), e.closing, "{name}");
    assert_eq!(
        money(&n, "cash_flow.average_monthly_inflow"),
        (e.inflow / months).round_dp(8),
        "{name}"
    );
    let monthly: Decimal = n["cash_flow"]["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| crate::support::dec(m["inflow"].as_str().unwrap()))
        .sum();
    assert_eq!(monthly, e.inflow, "{name}: monthly inflows add up");
    assert_eq!(
        n["accounts"][0]["days_in_overdraft"], e.overdraft_days,
        "{name}"
    );
    assert_eq!(
        n["balance_behaviour"]["days_in_overdraft"], e.overdraft_days,
        "{name}"
    );
    let salary_total: Decimal = e.salary.values().sum();
    assert_eq!(money(&n, "income.salary.total"), salary_total, "{name}");
    assert_eq!(
        n["income"]["salary"]["payments"].as_array().unwrap().len(),
        e.salary.len(),
        "{name}"
    );
    assert_eq!(
        n["income"]["salary"]["earner"],
        !e.salary.is_empty(),
        "{name}"
    );
    let mut days: Vec<u32> = e.salary.keys().map(|d| d.day()).collect();
    days.sort_unstable();
    let pay_day = days.get(days.len().saturating_sub(1) / 2).copied();
    assert_eq!(
        n["income"]["salary"]["pay_day"],
        serde_json::json!(pay_day),
        "{name}"
    );
    assert_eq!(money(&n, "income.other_income"), e.other_income, "{name}");
    assert_eq!(
        n["income"]["other_income_count"], e.other_income_count,
        "{name}"
    );
    assert_eq!(money(&n, "loans.disbursed"), e.disbursed, "{name}");
    assert_eq!(n["loans"]["disbursements"], e.disbursements, "{name}");
    assert_eq!(money(&n, "loans.repaid"), e.repaid, "{name}");
    assert_eq!(money(&n, "gambling.stakes"), e.stakes, "{name}");
    assert_eq!(n["gambling"]["stake_count"], e.stake_count, "{name}");
    assert_eq!(money(&n, "gambling.winnings"), e.winnings, "{name}");
    assert_eq!(money(&n, "bank_charges.total"), e.charges, "{name}");
    let rate = ledgerlens_analytics::ledger::ratio(e.stakes, e.inflow);
    assert!((n["gambling"]["stakes_to_inflow"].as_f64().unwrap() - rate).abs() < 1e-9);

    // Periculum: the same figures, rounded to cents at the edge.
    let c = "cashFlowAnalysis";
    assert_eq!(
        number(&p, &format!("{c}.totalCreditTurnover")),
        cents(e.credits),
        "{name}"
    );
    assert_eq!(
        number(&p, &format!("{c}.totalDebitTurnOver")),
        cents(e.debits),
        "{name}"
    );
    assert_eq!(
        number(&p, &format!("{c}.closingBalance")),
        cents(e.closing),
        "{name}"
    );
    assert_eq!(
        number(&p, &format!("{c}.averageMonthlyCredits")),
        cents(e.credits / months),
        "{name}"
    );
    assert_eq!(
        number(&p, &format!("{c}.averageMonthlyDebits")),
        cents(e.debits / months),
        "{name}"
    );
    assert_eq!(p[c]["monthlyInflow"].as_array().unwrap().len(), e.months);
    let b = "behavioralAnalysis";
    assert_eq!(
        number(&p, &format!("{b}.totalLoanAmount")),
        cents(e.disbursed),
        "{name}"
    );
    assert_eq!(
        number(&p, &format!("{b}.totalLoanRepaymentAmount")),
        cents(e.repaid),
        "{name}"
    );
    assert_eq!(p[b]["numberLoanTransactions"], e.disbursements, "{name}");
    assert_eq!(
        p[b]["gamblingStatus"],
        if e.stake_count + usize::from(e.winnings > Decimal::ZERO) > 0 {
            "Gambling Transactions Found"
        } else {
            "No Gambling Transactions Found"
        },
        "{name}"
    );
    assert!(
        (p[b]["gamblingRate"].as_f64().unwrap() - rate).abs() < 1e-9,
        "{name}"
    );
    assert_eq!(
        number(&p, "spendAnalysis.totalSpendOnGambling"),
        cents(e.stakes),
        "{name}"
    );
    assert_eq!(
        number(&p, "spendAnalysis.totalSpendOnChargesAndStampDuty"),
        cents(e.charges),
        "{name}"
    );
    let i = "incomeAnalysis";
    assert_eq!(
        p[i]["isSalaryEarner"],
        if e.salary.is_empty() { "No" } else { "Yes" }
    );
    assert_eq!(p[i]["numberOfSalaryPayments"], e.salary.len(), "{name}");
    assert_eq!(
        p[i]["expectedSalaryPaymentDay"],
        serde_json::json!(pay_day),
        "{name}"
    );
    if let (Some((last_day, last)), Some(lowest)) =
        (e.salary.iter().next_back(), e.salary.values().min())
    {
        assert_eq!(
            number(&p, &format!("{i}.mostRecentSalary")),
            cents(*last),
            "{name}"
        );
        assert_eq!(
            number(&p, &format!("{i}.lowestSalary")),
            cents(*lowest),
            "{name}"
        );
        assert_eq!(
            p[i]["lastDateOfSalaryPayment"],
            last_day.format("%Y-%m-%d").to_string()
        );
        let average = salary_total / Decimal::from(e.salary.len());
        assert_eq!(
            number(&p, &format!("{i}.averagePredictedSalary")),
            cents(average)
        );
    }
    assert_eq!(
        number(&p, &format!("{i}.averageOtherIncome")),
        cents(e.other_income / months),
        "{name}"
    );
}

#[test]
fn every_persona_kind_gives_the_figures_of_its_labels() {
    for kind in PersonaKind::ALL {
        for (country, seed) in [("NG", 1), ("GB", 2), ("KE", 3), ("FR", 4), ("CI", 5)] {
            check(&labeled(kind, country, seed, 6));
        }
    }
}

#[test]
fn a_salaried_consumer_is_paid_monthly_on_a_known_day() {
    let persona = labeled(PersonaKind::SalariedConsumer, "NG", 7, 12);
    check(&persona);
    let parts = vec![(persona.statement.clone(), oracle(&persona))];
    let ledger = ledger(&parts);
    let p = serde_json::to_value(periculum::build(&ledger, &AnalysisOptions::default())).unwrap();
    assert_eq!(p["incomeAnalysis"]["isSalaryEarner"], "Yes");
    assert_eq!(p["incomeAnalysis"]["frequencyOfSalaryPayments"], "1");
    assert_eq!(p["incomeAnalysis"]["numberOfSalaryPayments"], 12);
}
