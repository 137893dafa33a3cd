//! What enrichment adds to a transaction and to a ledger.

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use ledgerlens_core::{Amount, Category};
use serde::Serialize;

/// How the money moved. Periculum's "ATM & POS", "USSD" and "online & web" buckets are channels,
/// not categories, which is why this is a separate axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Card present at a point of sale.
    Card,
    /// Cash machine.
    Atm,
    /// Account-to-account transfer (NIP, SEPA, BACS, FPS, ACH, NEFT, UPI, EFT…).
    Transfer,
    /// A debit the payee pulls (direct debit, prélèvement, Lastschrift, debit order).
    DirectDebit,
    /// A recurring push the holder set up.
    StandingOrder,
    /// Unstructured supplementary service data codes (*737# banking).
    Ussd,
    /// Mobile-money wallets.
    MobileMoney,
    /// Cheques.
    Cheque,
    /// Cash over the counter.
    Cash,
    /// A charge levied by the bank.
    Fee,
    /// Interest paid or charged.
    Interest,
    /// Card not present: web and app purchases.
    Online,
    /// Unknown.
    Other,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 13] = [
        Channel::Card,
        Channel::Atm,
        Channel::Transfer,
        Channel::DirectDebit,
        Channel::StandingOrder,
        Channel::Ussd,
        Channel::MobileMoney,
        Channel::Cheque,
        Channel::Cash,
        Channel::Fee,
        Channel::Interest,
        Channel::Online,
        Channel::Other,
    ];

    /// The stable name used in rule packs and output.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Card => "card",
            Channel::Atm => "atm",
            Channel::Transfer => "transfer",
            Channel::DirectDebit => "direct_debit",
            Channel::StandingOrder => "standing_order",
            Channel::Ussd => "ussd",
            Channel::MobileMoney => "mobile_money",
            Channel::Cheque => "cheque",
            Channel::Cash => "cash",
            Channel::Fee => "fee",
            Channel::Interest => "interest",
            Channel::Online => "online",
            Channel::Other => "other",
        }
    }

    /// Reads a name as written in rule packs.
    pub fn parse(name: &str) -> Option<Channel> {
        Channel::ALL
            .into_iter()
            .find(|channel| channel.name().eq_ignore_ascii_case(name.trim()))
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which kind of evidence decided a category; tenants' corrections outrank everything.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A tenant's per-counterparty override (an analyst's correction).
    TenantOverride,
    /// A tenant's own rule.
    TenantRule,
    /// A rule of a country pack.
    CountryRule,
    /// A rule of the generic pack.
    GenericRule,
    /// The holder's own name on both sides: a move between their own accounts.
    OwnAccount,
    /// A ledger-level detector (recurrence, salary, loans) refined the rule's answer.
    Detector,
    /// No rule matched; the channel and direction gave a coarse answer.
    Fallback,
}

/// Why a transaction got its category: the evidence kind and the rule's id, for audit.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Decision {
    /// Kind of evidence.
    pub source: Source,
    /// The rule or detector that decided (`ng.gambling.betting`, `detector.salary`).
    pub rule: Arc<str>,
}

/// The other party, normalised so that one payer or payee is one key across a ledger.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct CounterpartyKey {
    /// Upper-case words without references, card numbers, rails or legal suffixes.
    pub key: Arc<str>,
    /// The name as it reads best (first spelling seen).
    pub name: Arc<str>,
}

/// Role of a transaction in a credit relationship.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LoanRole {
    /// The lender paid the borrower.
    Disbursement,
    /// The borrower paid the lender.
    Repayment,
    /// A repayment that came back unpaid (reversed, returned, bounced).
    ReturnedRepayment,
}

/// Everything enrichment says about one transaction.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TxEnrichment {
    /// Detailed category; its primary follows from it.
    pub category: Category,
    /// How often the deciding evidence is right, 0–1.
    pub confidence: f32,
    /// What decided it.
    pub decided_by: Decision,
    /// Normalised payer or payee, when one could be read.
    pub counterparty: Option<CounterpartyKey>,
    /// How the money moved.
    pub channel: Channel,
    /// Index into [`EnrichedLedger::series`] when the transaction belongs to a periodic series.
    pub series: Option<usize>,
    /// A move between the holder's own accounts: excluded from income and spending.
    pub internal_transfer: bool,
    /// Part of the holder's salary.
    pub salary: bool,
    /// Role in a credit relationship, when it has one.
    pub loan: Option<LoanRole>,
    /// The lender's key, for disbursements and repayments.
    pub lender: Option<Arc<str>>,
}

/// How often a series repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Every 7 days.
    Weekly,
    /// Every 14 days.
    Biweekly,
    /// Every month.
    Monthly,
    /// Every three months.
    Quarterly,
}

impl Frequency {
    /// The nominal interval in days.
    pub fn days(self) -> u32 {
        match self {
            Frequency::Weekly => 7,
            Frequency::Biweekly => 14,
            Frequency::Monthly => 30,
            Frequency::Quarterly => 91,
        }
    }
}

/// A periodic series: same counterparty, same direction, amounts in one band.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Series {
    /// The counterparty key shared by the members.
    pub counterparty: Arc<str>,
    /// True for money in.
    pub inflow: bool,
    /// The members' indices in the ledger, oldest first.
    pub members: Vec<usize>,
    /// How often.
    pub frequency: Frequency,
    /// Median amount (signed like the transactions).
    pub typical_amount: Amount,
    /// 0–1: how regular the intervals are (share of intervals within tolerance of the period).
    pub interval_stability: f64,
    /// 0–1: how stable the amounts are (1 − coefficient of variation, floored at 0).
    pub amount_stability: f64,
    /// Median day of the month of the members (monthly and quarterly series).
    pub day_of_month: Option<u32>,
    /// Last member's date.
    pub last_date: NaiveDate,
    /// When the next one is due.
    pub next_expected: NaiveDate,
    /// False when the next expected date passed by more than half a period before `as_of`.
    pub active: bool,
    /// The category most members have.
    pub category: Category,
}

/// One stream of income (a payer paying regularly, or the sum of irregular income).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IncomeStream {
    /// Payer key.
    pub counterparty: Arc<str>,
    /// Category of the stream's credits.
    pub category: Category,
    /// Whether this stream is salary.
    pub salary: bool,
    /// The series behind it, when it is periodic.
    pub series: Option<usize>,
    /// Member indices in the ledger.
    pub members: Vec<usize>,
    /// Sum of the members.
    pub total: Amount,
    /// Mean per calendar month over the months the ledger covers.
    pub monthly_average: Amount,
    /// 0–1: regularity (interval and amount stability).
    pub stability: f64,
    /// 0–1: how recently it paid, relative to its period (1 = on time at `as_of`).
    pub closeness: f64,
    /// Usual payment day of the month.
    pub payment_day: Option<u32>,
    /// Frequency, when periodic.
    pub frequency: Option<Frequency>,
    /// Date of the last payment.
    pub last_date: NaiveDate,
}

/// Income detection for a ledger.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct IncomeSummary {
    /// Every stream, largest total first.
    pub streams: Vec<IncomeStream>,
    /// Index of the primary stream in `streams`.
    pub primary: Option<usize>,
    /// True when a salary stream was found.
    pub salary_earner: bool,
}

/// One lender's relationship with the borrower.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LenderSummary {
    /// Lender key.
    pub lender: Arc<str>,
    /// Disbursement indices.
    pub disbursements: Vec<usize>,
    /// Repayment indices.
    pub repayments: Vec<usize>,
    /// Returned or failed repayment indices (the debits; not in `repayments`).
    pub returned: Vec<usize>,
    /// Credits from the lender that reversed a repayment (the money coming back).
    pub reversals: Vec<usize>,
    /// Total disbursed (positive).
    pub disbursed: Amount,
    /// Total repaid (positive).
    pub repaid: Amount,
    /// First and last activity.
    pub first_date: NaiveDate,
    /// Last activity.
    pub last_date: NaiveDate,
}

/// Credit behaviour across the ledger.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LoanSummary {
    /// One entry per lender, by first activity.
    pub lenders: Vec<LenderSummary>,
    /// Number of distinct lenders.
    pub lender_count: usize,
    /// Largest number of loans outstanding at the same time (stacking when > 1).
    pub max_concurrent_loans: usize,
    /// Pairs of lenders whose loans overlapped in time.
    pub overlapping: Vec<(Arc<str>, Arc<str>)>,
    /// Repayments that came back unpaid.
    pub returned_repayments: usize,
    /// Returned or bounced payments and cheques of any kind (not only loans).
    pub returned_payments: Vec<usize>,
    /// Gambling stakes (indices).
    pub gambling_stakes: Vec<usize>,
    /// Gambling winnings (indices).
    pub gambling_winnings: Vec<usize>,
    /// Bank charges and stamp duty (indices).
    pub bank_charges: Vec<usize>,
    /// Payments to debt collectors (indices).
    pub debt_collection: Vec<usize>,
}
