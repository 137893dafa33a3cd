//! The Bank X-Ray report body (specs 000 and 001), in Bank X-Ray's JSON shape, with the raw
//! values of its nine indicators.
//!
//! Bank X-Ray reads a company's statements for signs of distress and suspicious behaviour. Its
//! report (`report.raw`) has a movement overview (period totals and their annualised values), a
//! summary per statement (dates, balances, totals, page count, whether the movements add up),
//! the data sanity (how much of the extraction the bank's own balances confirm), every
//! transaction, and nine indicators graded A–E. Grading needs benchmarks and is the scoring
//! crate's job; this module computes the raw value of each indicator ([`XrayIndicators`]), each
//! documented where it is defined and in docs/analytics.md ("Bank X-Ray").
//!
//! Bank X-Ray describes statements, so its figures cover every transaction of the statements
//! (`as_of` does not cut them) and do not exclude own-account moves: a movement total is what
//! the bank moved.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use ledgerlens_core::{Category, Primary, ReconciliationStatus, Statement, reconcile};
use ledgerlens_enrich::LoanRole;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::balances::DailyBalances;
use crate::indicators::{
    Regularity, canonical_accounts, category, closing_balance, opening_balance, regularity, span,
};
use crate::ledger::{Entry, Ledger, money_number, ratio, sum};
use crate::options::AnalysisOptions;

fn money<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    money_number(*value).serialize(serializer)
}

fn money_opt<S: Serializer>(value: &Option<Decimal>, serializer: S) -> Result<S::Ok, S::Error> {
    value.map(money_number).serialize(serializer)
}

/// `report.raw` of a Bank X-Ray report, without what grading adds (`bankFlag.color`,
/// `bankFlag.reasons`, `riskClass`, `score`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct XrayReport {
    /// Totals over the whole ledger, and annualised.
    pub movement_report: MovementReport,
    /// One summary per statement (per account: files of one account are merged first).
    pub summary: Vec<StatementSummary>,
    /// The data-quality part of the bank flag.
    pub bank_flag: BankFlag,
    /// Every transaction, in ledger order.
    pub all_transactions: Vec<XrayTransaction>,
    /// The raw values of the nine indicators, for the scoring crate.
    pub indicators: XrayIndicators,
}

/// A figure over the period and annualised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Annualised {
    /// Over the ledger's period.
    #[serde(serialize_with = "money")]
    pub period: Decimal,
    /// `period × 365 ÷ days`, where days = last day − first day (the spec's example: 68 226.41
    /// over 31 July – 31 August gives 803 310.96 = 68 226.41 × 365 ÷ 31).
    #[serde(serialize_with = "money")]
    pub annualised: Decimal,
}

/// Movement overview across the statements (analysis currency only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MovementReport {
    /// Sum of credits.
    pub total_credit_amount: Annualised,
    /// Sum of debits, as a positive amount.
    pub total_debit_amount: Annualised,
    /// Credits − debits.
    pub net_movement: Annualised,
}

/// Whether a statement's movements add up to its balances.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Movements {
    /// Every balance check holds (core reconciliation: totals and running-balance chain).
    Correct,
    /// At least one check fails.
    Incorrect,
    /// The statement prints no balance to check against.
    Unverifiable,
}

/// One statement.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementSummary {
    /// First day covered (declared period widened to the transactions).
    pub start_date: Option<NaiveDate>,
    /// Last day covered.
    pub end_date: Option<NaiveDate>,
    /// The bank identifier as printed (BIC, sort code, bank code); `""` when unknown, as the
    /// spec's example prints it.
    pub bic: String,
    /// IBAN, masked; `null` when the statement has none.
    pub iban: Option<String>,
    /// 1-based position in the summary.
    pub statement_id: usize,
    /// Pages of the source files: the last page a transaction was read on, per file, summed;
    /// `null` for sources without pages.
    pub page_count: Option<u32>,
    /// Balance before the first transaction; `null` when no balance is printed.
    #[serde(serialize_with = "money_opt")]
    pub start_balance: Option<Decimal>,
    /// Balance after the last transaction; `null` when no balance is printed.
    #[serde(serialize_with = "money_opt")]
    pub end_balance: Option<Decimal>,
    /// Sum of credits.
    #[serde(serialize_with = "money")]
    pub total_credit_amount: Decimal,
    /// Sum of debits, as a positive amount.
    #[serde(serialize_with = "money")]
    pub total_debit_amount: Decimal,
    /// Whether the movements add up.
    pub movements: Movements,
}

/// The data-quality part of Bank X-Ray's `bankFlag`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BankFlag {
    /// Percentage (0–100) of checked rows whose running balance follows from the previous
    /// balance and the amount, over all statements; from the totals checks when no row could
    /// be checked; `null` when no statement prints a balance. Below 70 Bank X-Ray gives no grade.
    pub data_sanity: Option<f64>,
}

/// Why a transaction carries an alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// A payment or cheque that came back unpaid, or the credit returning it (enrichment's
    /// `returned_payments`, and both legs of a returned loan repayment).
    ReturnedPayment,
    /// A fee the bank charges only to an account in difficulty: insufficient funds, overdraft
    /// fees, debit interest.
    DistressFee,
    /// A gambling stake or winning.
    Gambling,
    /// A payment to a debt collector.
    DebtCollection,
}

/// One transaction.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct XrayTransaction {
    /// The statement it is on (`summary[].statementId`).
    pub statement_id: usize,
    /// Booking date.
    pub date: NaiveDate,
    /// Value date, when distinct.
    pub value_date: Option<NaiveDate>,
    /// Narration as printed.
    pub description: String,
    /// Signed amount (credits positive).
    #[serde(serialize_with = "money")]
    pub amount: Decimal,
    /// Running balance, when printed.
    #[serde(serialize_with = "money_opt")]
    pub balance: Option<Decimal>,
    /// Currency.
    pub currency: String,
    /// Detailed category.
    pub category: Category,
    /// How the money moved.
    pub channel: ledgerlens_enrich::Channel,
    /// Normalised counterparty name.
    pub counterparty: Option<String>,
    /// Alerts on this transaction (empty for most).
    pub alerts: Vec<AlertKind>,
}

/// The raw values of Bank X-Ray's nine indicators (spec 001), before grading.
///
/// Ratios are floats in 0–1 unless said otherwise; money is exact. The scoring crate grades
/// them against sector/country benchmarks (or its hard-coded rules for the three regularity
/// indicators).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct XrayIndicators {
    /// 1. Alerts frequency: transactions with at least one alert ÷ all transactions.
    pub alerts_frequency: f64,
    /// Transactions with at least one alert.
    pub alert_count: usize,
    /// All transactions (analysis currency).
    pub transaction_count: usize,
    /// 2. Alert-related amount: Σ |amount| of the transactions with alerts.
    #[serde(with = "rust_decimal::serde::str")]
    pub alert_amount: Decimal,
    /// Alert-related amount ÷ Σ |amount| of all transactions (size-free, for benchmarking).
    pub alert_amount_ratio: f64,
    /// 3. Overdraft: days on which at least one account closed below zero (accounts whose
    ///    statement prints no balance are left out).
    pub overdraft_days: usize,
    /// 4. Social security: regularity of `GOVERNMENT_AND_NON_PROFIT_SOCIAL_SECURITY` debits.
    pub social_security: Regularity,
    /// 5. Tax payment: regularity of `GOVERNMENT_AND_NON_PROFIT_TAX_PAYMENT` debits.
    pub tax: Regularity,
    /// 6. Payroll management: regularity of `BUSINESS_EXPENSES_PAYROLL` debits.
    pub payroll: Regularity,
    /// 7. Debt stress.
    pub debt_stress: DebtStress,
    /// 8. Whole-number amounts.
    pub whole_number_amounts: WholeNumbers,
    /// 9. Balance trend.
    pub balance_trend: BalanceTrend,
}

/// Debt stress: debt serviced against cash generated.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DebtStress {
    /// Σ `LOAN_PAYMENTS` debits (debt collection included), net of repayments that came back
    /// unpaid, as a positive amount.
    #[serde(with = "rust_decimal::serde::str")]
    pub debt_service: Decimal,
    /// Σ `TRANSFER_IN_CASH_ADVANCES_AND_LOANS` credits: new debt taken in the period.
    #[serde(with = "rust_decimal::serde::str")]
    pub new_debt: Decimal,
    /// Σ `INCOME` credits (own-account moves and loan legs excluded).
    #[serde(with = "rust_decimal::serde::str")]
    pub cash_generated: Decimal,
    /// `debt_service ÷ cash_generated`; `null` when nothing was generated.
    pub ratio: Option<f64>,
    /// `new_debt ÷ cash_generated`; `null` when nothing was generated.
    pub new_debt_ratio: Option<f64>,
}

/// Whole-number amounts.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WholeNumbers {
    /// Transactions whose amount has no fractional part (in the statement's currency unit).
    pub whole: usize,
    /// All transactions.
    pub total: usize,
    /// `whole ÷ total` (0 without transactions).
    pub ratio: f64,
}

/// Balance trend: where the balance ended against where it started.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BalanceTrend {
    /// Σ opening balances of the accounts; `null` when one of them prints no balance.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub opening: Option<Decimal>,
    /// Σ closing balances.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub closing: Option<Decimal>,
    /// `closing − opening`.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub change: Option<Decimal>,
    /// `change ÷ |opening|`; `null` when the opening is zero or unknown.
    pub relative_change: Option<f64>,
    /// `change ÷ Σ credits` (size-free: the share of the period's inflows kept or lost).
    pub change_to_credit_turnover: Option<f64>,
}

/// Builds the Bank X-Ray body of a ledger.
pub fn build(ledger: &Ledger<'_>, _options: &AnalysisOptions) -> XrayReport {
    let order = canonical_accounts(ledger);
    // Each account's statement id, looked up once.
    let ids: Vec<usize> = (0..ledger.accounts.len())
        .map(|account| {
            order
                .iter()
                .position(|&a| a == account)
                .map_or(0, |p| p + 1)
        })
        .collect();
    let statement_id = |account: usize| ids.get(account).copied().unwrap_or(0);
    let codes: Vec<String> = ledger
        .accounts
        .iter()
        .map(|a| a.statement.currency.code().to_owned())
        .collect();
    let entries: Vec<&Entry<'_>> = ledger.in_currency().collect();
    let credits = sum(entries.iter().filter(|e| e.is_credit()).map(|e| e.amount()));
    let debits = Decimal::ZERO - sum(entries.iter().filter(|e| e.is_debit()).map(|e| e.amount()));
    let days = (ledger.end - ledger.start).num_days().max(1);
    let annualise = |period: Decimal| Annualised {
        period,
        annualised: period
            .checked_mul(Decimal::from(365))
            .and_then(|v| v.checked_div(Decimal::from(days)))
            .unwrap_or(Decimal::ZERO),
    };

    let reconciliations: Vec<_> = order
        .iter()
        .filter_map(|&a| ledger.accounts.get(a))
        .map(|a| reconcile(a.statement))
        .collect();
    let summary = order
        .iter()
        .zip(&reconciliations)
        .enumerate()
        .filter_map(|(position, (&account, reconciliation))| {
            let statement = ledger.accounts.get(account)?.statement;
            Some(summarise(statement, position + 1, reconciliation.status))
        })
        .collect();

    let alerts = Alerts::new(ledger);
    // Ledger order, with entries of one day in statement order (canonical, unlike the input
    // order of the files).
    let mut ordered: Vec<&Entry<'_>> = ledger.entries.iter().collect();
    ordered.sort_by_key(|e| (e.date(), statement_id(e.account), e.index));
    let all_transactions = ordered
        .into_iter()
        .map(|e| XrayTransaction {
            statement_id: statement_id(e.account),
            date: e.date(),
            value_date: e.tx.value_date,
            description: e.tx.description.clone(),
            amount: e.amount(),
            balance: e.tx.balance.map(|b| b.as_decimal()),
            currency: codes.get(e.account).cloned().unwrap_or_default(),
            category: e.category(),
            channel: e.enr.channel,
            counterparty: e.enr.counterparty.as_ref().map(|c| String::from(&*c.name)),
            alerts: alerts.of(e),
        })
        .collect();

    XrayReport {
        movement_report: MovementReport {
            total_credit_amount: annualise(credits),
            total_debit_amount: annualise(debits),
            net_movement: annualise(credits - debits),
        },
        summary,
        bank_flag: BankFlag {
            data_sanity: data_sanity(&reconciliations),
        },
        all_transactions,
        indicators: indicators(ledger, &entries, &alerts),
    }
}

fn summarise(statement: &Statement, id: usize, status: ReconciliationStatus) -> StatementSummary {
    let span = span(statement);
    let amounts = statement.transactions.iter().map(|t| t.amount.as_decimal());
    StatementSummary {
        start_date: span.map(|s| s.0),
        end_date: span.map(|s| s.1),
        bic: statement.account.bank_id.clone().unwrap_or_default(),
        iban: statement.account.iban.as_ref().map(|i| i.masked()),
        statement_id: id,
        page_count: page_count(statement),
        start_balance: opening_balance(statement),
        end_balance: closing_balance(statement),
        total_credit_amount: sum(amounts.clone().filter(|a| a.is_sign_positive())),
        total_debit_amount: Decimal::ZERO - sum(amounts.filter(|a| a.is_sign_negative())),
        movements: match status {
            ReconciliationStatus::Reconciled => Movements::Correct,
            ReconciliationStatus::Breaks => Movements::Incorrect,
            ReconciliationStatus::Unverifiable => Movements::Unverifiable,
        },
    }
}

/// The last page a transaction was read on, per source file, summed over the files; `None`
/// when no transaction has a page (CSV, OFX…).
fn page_count(statement: &Statement) -> Option<u32> {
    let mut pages: Vec<(Option<&str>, u32)> = Vec::new();
    for t in &statement.transactions {
        let Some(page) = t.provenance.page else {
            continue;
        };
        let file = t.provenance.file.as_deref();
        match pages.iter_mut().find(|(f, _)| *f == file) {
            Some((_, last)) => *last = (*last).max(page),
            None => pages.push((file, page)),
        }
    }
    (!pages.is_empty()).then(|| pages.iter().map(|(_, p)| *p).sum())
}

/// Rows confirmed ÷ rows checked over all statements, as a percentage.
fn data_sanity(reconciliations: &[ledgerlens_core::Reconciliation]) -> Option<f64> {
    let checked: usize = reconciliations.iter().map(|r| r.rows_checked).sum();
    let consistent: usize = reconciliations.iter().map(|r| r.rows_consistent).sum();
    if checked > 0 {
        return Some(100.0 * ratio(Decimal::from(consistent), Decimal::from(checked)));
    }
    let totals: Vec<bool> = reconciliations
        .iter()
        .filter_map(|r| r.totals.as_ref().map(|t| t.holds))
        .collect();
    (!totals.is_empty()).then(|| {
        let holding = totals.iter().filter(|h| **h).count();
        100.0 * ratio(Decimal::from(holding), Decimal::from(totals.len()))
    })
}

/// Which entries carry which alerts.
struct Alerts {
    returned: crate::ledger::FastSet<(usize, usize)>,
    distress: Vec<Category>,
    collection: Option<Category>,
}

impl Alerts {
    fn new(ledger: &Ledger<'_>) -> Alerts {
        let returned = ledger
            .accounts
            .iter()
            .enumerate()
            .flat_map(|(account, a)| {
                a.enriched
                    .loans
                    .returned_payments
                    .iter()
                    .map(move |&index| (account, index))
            })
            .collect();
        Alerts {
            returned,
            distress: [
                "BANK_FEES_INSUFFICIENT_FUNDS",
                "BANK_FEES_OVERDRAFT_FEES",
                "BANK_FEES_INTEREST_CHARGE",
            ]
            .iter()
            .filter_map(|c| category(c))
            .collect(),
            collection: category("LOAN_PAYMENTS_DEBT_COLLECTION"),
        }
    }

    /// Whether [`Alerts::of`] is not empty, without building the list.
    fn any(&self, e: &Entry<'_>) -> bool {
        self.returned.contains(&(e.account, e.index))
            || e.enr.loan == Some(LoanRole::ReturnedRepayment)
            || (e.is_debit() && self.distress.contains(&e.category()))
            || e.primary() == Primary::Gambling
            || self.collection == Some(e.category())
    }

    fn of(&self, e: &Entry<'_>) -> Vec<AlertKind> {
        let mut out = Vec::new();
        if self.returned.contains(&(e.account, e.index))
            || e.enr.loan == Some(LoanRole::ReturnedRepayment)
        {
            out.push(AlertKind::ReturnedPayment);
        }
        if e.is_debit() && self.distress.contains(&e.category()) {
            out.push(AlertKind::DistressFee);
        }
        if e.primary() == Primary::Gambling {
            out.push(AlertKind::Gambling);
        }
        if self.collection == Some(e.category()) {
            out.push(AlertKind::DebtCollection);
        }
        out
    }
}

fn indicators(ledger: &Ledger<'_>, entries: &[&Entry<'_>], alerts: &Alerts) -> XrayIndicators {
    let alerted: Vec<&Entry<'_>> = entries.iter().copied().filter(|e| alerts.any(e)).collect();
    let alert_amount = sum(alerted.iter().map(|e| e.amount().abs()));
    let turnover = sum(entries.iter().map(|e| e.amount().abs()));
    let count = entries.len();
    let whole = entries.iter().filter(|e| is_whole(e.amount())).count();

    let regular = |code: &str| {
        regularity(
            entries.iter().copied(),
            category(code),
            ledger.start,
            ledger.end,
        )
    };

    let loans_in = category("TRANSFER_IN_CASH_ADVANCES_AND_LOANS");
    let debt_service = Decimal::ZERO
        - sum(entries
            .iter()
            .filter(|e| {
                !e.is_internal()
                    && ((e.is_debit() && e.primary() == Primary::LoanPayments)
                        || (e.is_credit() && e.enr.loan == Some(LoanRole::ReturnedRepayment)))
            })
            .map(|e| e.amount()));
    let new_debt = sum(entries
        .iter()
        .filter(|e| {
            e.is_credit() && !e.is_internal() && loans_in.is_some_and(|c| e.category() == c)
        })
        .map(|e| e.amount()));
    let cash_generated = sum(entries
        .iter()
        .filter(|e| {
            e.is_credit()
                && e.primary() == Primary::Income
                && !e.is_internal()
                && e.enr.loan.is_none()
        })
        .map(|e| e.amount()));
    let of_cash =
        |value: Decimal| (!cash_generated.is_zero()).then(|| ratio(value, cash_generated));

    let in_currency: Vec<&Statement> = ledger
        .accounts
        .iter()
        .filter(|a| a.statement.currency == ledger.currency)
        .map(|a| a.statement)
        .collect();
    let total_of = |f: fn(&Statement) -> Option<Decimal>| -> Option<Decimal> {
        in_currency
            .iter()
            .map(|s| f(s))
            .try_fold(Decimal::ZERO, |acc, v| v.map(|v| sum([acc, v])))
            .filter(|_| !in_currency.is_empty())
    };
    let opening = total_of(opening_balance);
    let closing = total_of(closing_balance);
    let change = opening.zip(closing).map(|(o, c)| c - o);
    let credits = sum(entries.iter().filter(|e| e.is_credit()).map(|e| e.amount()));

    XrayIndicators {
        alerts_frequency: ratio(Decimal::from(alerted.len()), Decimal::from(count)),
        alert_count: alerted.len(),
        transaction_count: count,
        alert_amount,
        alert_amount_ratio: ratio(alert_amount, turnover),
        overdraft_days: overdraft_days(&in_currency),
        social_security: regular("GOVERNMENT_AND_NON_PROFIT_SOCIAL_SECURITY"),
        tax: regular("GOVERNMENT_AND_NON_PROFIT_TAX_PAYMENT"),
        payroll: regular("BUSINESS_EXPENSES_PAYROLL"),
        debt_stress: DebtStress {
            debt_service,
            new_debt,
            cash_generated,
            ratio: of_cash(debt_service),
            new_debt_ratio: of_cash(new_debt),
        },
        whole_number_amounts: WholeNumbers {
            whole,
            total: count,
            ratio: ratio(Decimal::from(whole), Decimal::from(count)),
        },
        balance_trend: BalanceTrend {
            opening,
            closing,
            change,
            relative_change: opening
                .zip(change)
                .filter(|(o, _)| !o.is_zero())
                .map(|(o, c)| ratio(c, o.abs())),
            change_to_credit_turnover: change
                .filter(|_| !credits.is_zero())
                .map(|c| ratio(c, credits)),
        },
    }
}

/// True for a whole amount (`fract() == 0`), read on the integer mantissa.
fn is_whole(value: Decimal) -> bool {
    10u128
        .checked_pow(value.scale())
        .is_none_or(|unit| unit == 0 || value.mantissa().unsigned_abs().is_multiple_of(unit))
}

/// Distinct days on which at least one account closed below zero, over each account's own span.
fn overdraft_days(statements: &[&Statement]) -> usize {
    let mut days: BTreeSet<NaiveDate> = BTreeSet::new();
    for statement in statements {
        let Some((start, end)) = span(statement) else {
            continue;
        };
        let series = DailyBalances::of(statement, start, end);
        if !series.known {
            continue;
        }
        for (offset, value) in series.values.iter().enumerate() {
            if value.is_sign_negative()
                && !value.is_zero()
                && let Some(day) = start.checked_add_days(Days::new(offset as u64))
            {
                days.insert(day);
            }
        }
    }
    days.len()
}
