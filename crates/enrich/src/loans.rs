//! Credit behaviour: lenders, loan stacking, failed repayments, and the other red flags a
//! lender reads from a statement (returned payments, gambling, bank charges, debt collectors).
//!
//! Digital lenders describe the two legs of a loan differently (`CARBON LOAN DISB` in,
//! `CARBON REPAYMENT` out), so the counterparty keys of a disbursement and its repayments rarely
//! agree. Lenders are therefore matched on a *lender root* (see [`lender_root`]): the key's
//! leading significant word, where loan-activity words (LOAN, DISB, REPAYMENT…) are not
//! significant.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, LazyLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use chrono::NaiveDate;
use ledgerlens_core::{Amount, Category, Primary, Transaction};

use crate::recurrence::add_days;
use crate::types::{LenderSummary, LoanRole, LoanSummary, TxEnrichment};

/// A credit from a lender equal to a repayment made at most this many days earlier is that
/// repayment coming back.
pub const REVERSAL_WINDOW_DAYS: u32 = 10;
/// An insufficient-funds fee on the day of a repayment or the next day means the repayment
/// bounced.
pub const BOUNCE_FEE_WINDOW_DAYS: u32 = 1;
/// Lender name for loan transactions without a counterparty key.
pub const UNIDENTIFIED_LENDER: &str = "UNIDENTIFIED";

/// Words that describe loan activity rather than name a lender; skipped when reading a root.
const LOAN_WORDS: &[&str] = &[
    "LOAN",
    "LOANS",
    "DISB",
    "DISBURSE",
    "DISBURSED",
    "DISBURSEMENT",
    "DISBURSMENT",
    "DISBT",
    "REPAYMENT",
    "REPAYMENTS",
    "REPAY",
    "RPMT",
    "RPYMT",
    "REPMT",
    "PAYMENT",
    "PAYMENTS",
    "PMT",
    "INSTALMENT",
    "INSTALLMENT",
    "INSTALMENTS",
    "INSTALLMENTS",
    "EMI",
    "CREDIT",
    "DEBIT",
    "DD",
    "DIRECT",
    "COLLECTION",
    "MANDATE",
    "TRF",
    "TRANSFER",
    "FROM",
    "TO",
    "FOR",
    "VIA",
    "NIP",
    "FT",
    "REVERSAL",
    "REVERSED",
    "REV",
    "REFUND",
    "RETURNED",
    "THE",
];

/// Leading words too common to name a lender alone (`FIRST`, `NEW`): a root starting with one of
/// them takes the next significant word too.
const AMBIGUOUS_LEADING: &[&str] = &[
    "FIRST", "NEW", "UNITED", "NATIONAL", "GLOBAL", "AFRICA", "AFRICAN", "CITY", "STANDARD",
    "ROYAL", "GREAT", "PEOPLES", "PEOPLE", "MY", "EASY", "QUICK", "FAST", "CASH", "MONEY",
];

/// Words that say a payment came back (compared whole-word on the folded lowercase text).
pub const RETURNED_WORDS: &[&str] = &[
    "returned",
    "unpaid",
    "bounced",
    "bounce",
    "rejected",
    "reject",
    "dishonoured",
    "dishonored",
    "impaye",
    "impayes",
    "impayee",
    "impayees",
    "retour",
    "rejet",
    "rejete",
    "rucklastschrift",
    "ruecklastschrift",
    "rucklastschriften",
    "ruecklastschriften",
    "devuelto",
    "devolucion",
];

/// Extra words that mark a credit as a reversal (for a lender's credit to count as a returned
/// repayment even though the rules called it a disbursement).
const REVERSAL_WORDS: &[&str] = &[
    "reversal",
    "reversed",
    "rev",
    "refund",
    "refunded",
    "failed",
    "storno",
    "annulation",
];

/// Finds lenders and loan roles, stacking, failed repayments and other red flags; sets
/// `enr[i].loan` and `enr[i].lender`.
///
/// - **Disbursements**: credits categorised `TRANSFER_IN_CASH_ADVANCES_AND_LOANS`.
/// - **Repayments**: debits under the `LOAN_PAYMENTS` primary, except credit-card payments (a
///   revolving balance with no disbursement to pair with; counting them would invent lenders and
///   stacking) and debt collection (the collector is not the lender; reported apart in
///   `debt_collection`). Both still count as loan payments for affordability elsewhere.
/// - Internal transfers are never loans.
/// - **Returned repayments**: a repayment followed, within [`REVERSAL_WINDOW_DAYS`], by a credit
///   of the same amount from the same lender (a transfer, refund or other non-income credit; a
///   credit the rules called a disbursement only when its description says reversal/return), or
///   a repayment followed on the same or next day by a `BANK_FEES_INSUFFICIENT_FUNDS` fee. Both
///   the failed repayment and the reversing credit get [`LoanRole::ReturnedRepayment`]; the
///   failed repayment is listed in `returned`, the credit in `reversals`, and neither counts as
///   repaid or disbursed.
/// - **Loans outstanding**: each disbursement opens a loan, repaid oldest first; it is
///   outstanding from its date until repayments reach the disbursed amount (extra instalments
///   after that — interest — extend it to the last one), or, when they never do, until the last
///   repayment applied to it, or the ledger's last date if none was. Repayments to a lender
///   before any disbursement are a loan taken before the ledger: outstanding from the ledger's
///   first date to the last of them. Intervals include both ends, so a loan repaid on the day
///   another is taken overlaps it.
pub fn detect_loans(txs: &[Transaction], enr: &mut [TxEnrichment]) -> LoanSummary {
    detect_loans_flagged(txs, enr, None)
}

/// [`detect_loans`] with the returned-payment words already found per transaction (the
/// categoriser finds them in the same pass as every rule phrase, which saves a second scan of
/// every narration); `None` scans the descriptions here.
pub fn detect_loans_flagged(
    txs: &[Transaction],
    enr: &mut [TxEnrichment],
    returned_words: Option<&[bool]>,
) -> LoanSummary {
    let codes = Codes::new();
    let mut text = String::new();
    let mut roots: HashMap<String, (u32, Arc<str>)> = HashMap::new();
    let mut keys: HashMap<&str, (u32, Arc<str>)> = HashMap::new();
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut summary = LoanSummary::default();
    let mut fees: Vec<usize> = Vec::new();

    for (index, (tx, e)) in txs.iter().zip(enr.iter()).enumerate() {
        let category = e.category;
        let primary = category.primary();
        let debit = tx.amount.is_negative();
        let credit = !debit && !tx.amount.is_zero();
        let insufficient = codes.is(category, codes.insufficient_funds);
        if insufficient {
            fees.push(index);
        }
        let says = match returned_words {
            Some(flags) => flags.get(index).copied().unwrap_or(false),
            None => says_returned(&tx.description),
        };
        if insufficient || says {
            summary.returned_payments.push(index);
        }
        match primary {
            Primary::Gambling if debit => summary.gambling_stakes.push(index),
            Primary::Gambling if credit => summary.gambling_winnings.push(index),
            Primary::BankFees if debit => summary.bank_charges.push(index),
            _ => {}
        }
        if debit && codes.is(category, codes.debt_collection) {
            summary.debt_collection.push(index);
        }
        if e.internal_transfer || tx.amount.is_zero() {
            continue;
        }
        let kind = if credit && codes.is(category, codes.disbursement) {
            fold_lowercase(&tx.description, &mut text);
            if has_word(&text, RETURNED_WORDS) || has_word(&text, REVERSAL_WORDS) {
                Kind::Credit
            } else {
                Kind::Disbursement
            }
        } else if debit
            && primary == Primary::LoanPayments
            && !codes.is(category, codes.credit_card)
            && !codes.is(category, codes.debt_collection)
        {
            Kind::Repayment
        } else if credit && matches!(primary, Primary::TransferIn | Primary::Other) {
            Kind::Credit
        } else {
            continue;
        };
        let key = e
            .counterparty
            .as_ref()
            .map_or(UNIDENTIFIED_LENDER, |c| c.key.as_ref());
        if kind == Kind::Credit && e.counterparty.is_none() {
            continue;
        }
        // Each distinct key is read once; each root becomes one shared name and number.
        let (lender_id, lender) = match keys.get(key) {
            Some((id, name)) => (*id, Arc::clone(name)),
            None => {
                let root = lender_root(key);
                let found = match roots.get(&root) {
                    Some((id, name)) => (*id, Arc::clone(name)),
                    None => {
                        let id = u32::try_from(roots.len()).unwrap_or(u32::MAX);
                        let name: Arc<str> = Arc::from(root.as_str());
                        roots.insert(root, (id, Arc::clone(&name)));
                        (id, name)
                    }
                };
                keys.insert(key, (found.0, Arc::clone(&found.1)));
                found
            }
        };
        events.push(Event {
            index,
            lender_id,
            lender,
            kind,
            date: tx.date,
            magnitude: tx.amount.abs(),
            description: &tx.description,
            returned: false,
        });
    }

    // Credits only matter when they come from a lender we saw being repaid.
    let mut repaid = vec![false; roots.len()];
    for ev in events.iter().filter(|ev| ev.kind == Kind::Repayment) {
        if let Some(flag) = usize::try_from(ev.lender_id)
            .ok()
            .and_then(|id| repaid.get_mut(id))
        {
            *flag = true;
        }
    }
    let was_repaid =
        |id: u32| usize::try_from(id).ok().and_then(|id| repaid.get(id)) == Some(&true);
    events.retain(|ev| ev.kind != Kind::Credit || was_repaid(ev.lender_id));
    // Lender numbers follow the input order but only group events; lenders are reported by
    // first date and name.
    events.sort_unstable_by(|a, b| {
        a.lender_id
            .cmp(&b.lender_id)
            .then_with(|| a.date.cmp(&b.date))
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.magnitude.cmp(&b.magnitude))
            .then_with(|| a.description.cmp(b.description))
            .then_with(|| a.index.cmp(&b.index))
    });

    mark_reversals(&mut events);
    mark_bounces(&mut events, txs, &fees);
    // Unmatched credits were never loan transactions.
    events.retain(|ev| ev.kind != Kind::Credit || ev.returned);

    let ledger_start = txs.iter().map(|t| t.date).min();
    let ledger_end = txs.iter().map(|t| t.date).max();
    let mut loans: Vec<Loan> = Vec::new();
    let mut start = 0;
    while let Some(first) = events.get(start) {
        let end = events
            .iter()
            .skip(start)
            .position(|ev| ev.lender_id != first.lender_id)
            .map_or(events.len(), |len| start + len);
        let group = events.get(start..end).unwrap_or_default();
        if let (Some(ledger_start), Some(ledger_end)) = (ledger_start, ledger_end) {
            loans_of(group, ledger_start, ledger_end, &mut loans);
        }
        summary.lenders.push(lender_summary(group));
        start = end;
    }

    for e in enr.iter_mut() {
        e.loan = None;
        e.lender = None;
    }
    for ev in &events {
        if let Some(e) = enr.get_mut(ev.index) {
            e.loan = Some(match (ev.kind, ev.returned) {
                (_, true) => LoanRole::ReturnedRepayment,
                (Kind::Disbursement, false) => LoanRole::Disbursement,
                (_, false) => LoanRole::Repayment,
            });
            e.lender = Some(Arc::clone(&ev.lender));
        }
    }

    summary.lenders.sort_by(|a, b| {
        a.first_date
            .cmp(&b.first_date)
            .then_with(|| a.lender.cmp(&b.lender))
    });
    summary.lender_count = summary.lenders.len();
    summary.returned_repayments = summary.lenders.iter().map(|l| l.returned.len()).sum();
    let (max_concurrent, overlapping) = stacking(&mut loans);
    summary.max_concurrent_loans = max_concurrent;
    summary.overlapping = overlapping;
    summary
}

/// The lender a counterparty key names: its first significant word, or its first two when the
/// first is too common to name a lender alone (see `AMBIGUOUS_LEADING`).
///
/// Significant words are those that are not loan-activity words (`LOAN`, `DISB`, `REPAYMENT`,
/// `PAYMENT`, `CREDIT`, `TRF`…, see `LOAN_WORDS`), not purely digits (references), and at least
/// two characters long. `CARBON LOAN DISB` and `CARBON REPAYMENT` both give `CARBON`; `FIRST
/// CREDIT LTD` gives `FIRST LTD`. A key with no significant word is its own root.
pub fn lender_root(key: &str) -> String {
    let mut words = key
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
        .filter(|w| !LOAN_WORDS.iter().any(|l| l.eq_ignore_ascii_case(w)));
    let Some(first) = words.next() else {
        return key.trim().to_uppercase();
    };
    let mut root = first.to_uppercase();
    if AMBIGUOUS_LEADING
        .iter()
        .any(|a| a.eq_ignore_ascii_case(first))
        && let Some(second) = words.next()
    {
        root.push(' ');
        root.push_str(&second.to_uppercase());
    }
    root
}

/// What a loan event is. The order is the processing order within a day: money arrives before
/// it is repaid, and a lender's credit is matched after the repayment it reverses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Disbursement,
    Repayment,
    /// A credit from a lender that may reverse a repayment.
    Credit,
}

struct Event<'a> {
    index: usize,
    lender_id: u32,
    lender: Arc<str>,
    kind: Kind,
    date: NaiveDate,
    magnitude: Amount,
    description: &'a str,
    returned: bool,
}

/// One loan's time on the books, both ends included.
struct Loan {
    lender: Arc<str>,
    start: NaiveDate,
    end: NaiveDate,
}

struct Codes {
    disbursement: Option<Category>,
    credit_card: Option<Category>,
    debt_collection: Option<Category>,
    insufficient_funds: Option<Category>,
}

impl Codes {
    fn new() -> Codes {
        Codes {
            disbursement: Category::parse("TRANSFER_IN_CASH_ADVANCES_AND_LOANS"),
            credit_card: Category::parse("LOAN_PAYMENTS_CREDIT_CARD_PAYMENT"),
            debt_collection: Category::parse("LOAN_PAYMENTS_DEBT_COLLECTION"),
            insufficient_funds: Category::parse("BANK_FEES_INSUFFICIENT_FUNDS"),
        }
    }

    fn is(&self, category: Category, code: Option<Category>) -> bool {
        code == Some(category)
    }
}

/// Pairs each lender credit with the latest earlier unmatched repayment of the same lender and
/// amount within the reversal window. Repayments are indexed by (lender, amount, date), so each
/// credit looks only at its candidates.
fn mark_reversals(events: &mut [Event<'_>]) {
    let mut repayments: Vec<(u32, Amount, NaiveDate, usize)> = events
        .iter()
        .enumerate()
        .filter(|(_, ev)| ev.kind == Kind::Repayment)
        .map(|(position, ev)| (ev.lender_id, ev.magnitude, ev.date, position))
        .collect();
    if repayments.is_empty() {
        return;
    }
    repayments.sort_unstable();
    // Events are sorted by lender then date, so credits are matched oldest first.
    for credit in 0..events.len() {
        let Some(ev) = events.get(credit) else {
            continue;
        };
        if ev.kind != Kind::Credit {
            continue;
        }
        let (lender, magnitude, date) = (ev.lender_id, ev.magnitude, ev.date);
        let earliest = date
            .checked_sub_days(chrono::Days::new(u64::from(REVERSAL_WINDOW_DAYS)))
            .unwrap_or(date);
        let from = repayments.partition_point(|r| (r.0, r.1, r.2) < (lender, magnitude, earliest));
        let to = repayments.partition_point(|r| (r.0, r.1, r.2) <= (lender, magnitude, date));
        let matched = repayments
            .get(from..to)
            .unwrap_or_default()
            .iter()
            .rev()
            .map(|r| r.3)
            .find(|&position| events.get(position).is_some_and(|r| !r.returned));
        if let Some(position) = matched {
            for p in [position, credit] {
                if let Some(ev) = events.get_mut(p) {
                    ev.returned = true;
                }
            }
        }
    }
}

/// Marks as returned the repayment an insufficient-funds fee follows (same or next day): the
/// latest such repayment, the largest on a tie, then by lender and description.
fn mark_bounces(events: &mut [Event<'_>], txs: &[Transaction], fees: &[usize]) {
    if fees.is_empty() {
        return;
    }
    let mut fee_order: Vec<(NaiveDate, Amount, &str, usize)> = fees
        .iter()
        .filter_map(|&i| {
            txs.get(i)
                .map(|t| (t.date, t.amount, t.description.as_str(), i))
        })
        .collect();
    fee_order.sort_unstable();
    // Repayments by date, so each fee looks only at its two-day window.
    let mut by_date: Vec<(NaiveDate, usize)> = events
        .iter()
        .enumerate()
        .filter(|(_, ev)| ev.kind == Kind::Repayment)
        .map(|(position, ev)| (ev.date, position))
        .collect();
    by_date.sort_unstable();
    for (fee_date, _, _, _) in fee_order {
        let window_start = fee_date
            .checked_sub_days(chrono::Days::new(u64::from(BOUNCE_FEE_WINDOW_DAYS)))
            .unwrap_or(fee_date);
        let from = by_date.partition_point(|&(date, _)| date < window_start);
        let to = by_date.partition_point(|&(date, _)| date <= fee_date);
        let best = by_date
            .get(from..to)
            .unwrap_or_default()
            .iter()
            .filter_map(|&(_, position)| events.get(position).map(|ev| (position, ev)))
            .filter(|(_, r)| !r.returned)
            .max_by(|(_, a), (_, b)| {
                a.date
                    .cmp(&b.date)
                    .then_with(|| a.magnitude.cmp(&b.magnitude))
                    .then_with(|| b.lender.cmp(&a.lender))
                    .then_with(|| b.description.cmp(a.description))
                    .then_with(|| b.index.cmp(&a.index))
            })
            .map(|(position, _)| position);
        if let Some(ev) = best.and_then(|position| events.get_mut(position)) {
            ev.returned = true;
        }
    }
}

/// The loans of one lender (events sorted by date, disbursements first within a day).
fn loans_of(
    group: &[Event<'_>],
    ledger_start: NaiveDate,
    ledger_end: NaiveDate,
    loans: &mut Vec<Loan>,
) {
    struct Open {
        start: NaiveDate,
        remaining: Amount,
        end: Option<NaiveDate>,
        last_payment: Option<NaiveDate>,
    }
    let mut mine: Vec<Open> = Vec::new();
    for ev in group.iter().filter(|ev| !ev.returned) {
        match ev.kind {
            Kind::Disbursement => mine.push(Open {
                start: ev.date,
                remaining: ev.magnitude,
                end: None,
                last_payment: None,
            }),
            Kind::Repayment => {
                if let Some(open) = mine.iter_mut().find(|l| l.end.is_none()) {
                    open.remaining = open
                        .remaining
                        .checked_sub(ev.magnitude)
                        .unwrap_or(Amount::ZERO);
                    open.last_payment = Some(ev.date);
                    if open.remaining.is_negative() || open.remaining.is_zero() {
                        open.end = Some(ev.date);
                    }
                } else if let Some(latest) = mine.last_mut() {
                    latest.end = latest.end.map(|end| end.max(ev.date));
                } else {
                    mine.push(Open {
                        start: ledger_start,
                        remaining: Amount::ZERO,
                        end: Some(ev.date),
                        last_payment: Some(ev.date),
                    });
                }
            }
            Kind::Credit => {}
        }
    }
    let lender = group.first().map(|ev| Arc::clone(&ev.lender));
    if let Some(lender) = lender {
        loans.extend(mine.into_iter().map(|open| {
            Loan {
                lender: Arc::clone(&lender),
                start: open.start,
                end: open
                    .end
                    .or(open.last_payment)
                    .unwrap_or(ledger_end)
                    .max(open.start),
            }
        }));
    }
}

fn lender_summary(group: &[Event<'_>]) -> LenderSummary {
    let pick = |want: &dyn Fn(&Event<'_>) -> bool| -> Vec<usize> {
        group
            .iter()
            .filter(|ev| want(ev))
            .map(|ev| ev.index)
            .collect()
    };
    let sum = |want: &dyn Fn(&Event<'_>) -> bool| -> Amount {
        group
            .iter()
            .filter(|ev| want(ev))
            .fold(Amount::ZERO, |total, ev| {
                total.checked_add(ev.magnitude).unwrap_or(total)
            })
    };
    let disbursement = |ev: &Event<'_>| ev.kind == Kind::Disbursement && !ev.returned;
    let repayment = |ev: &Event<'_>| ev.kind == Kind::Repayment && !ev.returned;
    let fallback = NaiveDate::default();
    LenderSummary {
        lender: group.first().map_or_else(
            || Arc::from(UNIDENTIFIED_LENDER),
            |ev| Arc::clone(&ev.lender),
        ),
        disbursements: pick(&disbursement),
        repayments: pick(&repayment),
        returned: pick(&|ev| ev.kind == Kind::Repayment && ev.returned),
        reversals: pick(&|ev| ev.kind != Kind::Repayment && ev.returned),
        disbursed: sum(&disbursement),
        repaid: sum(&repayment),
        first_date: group.iter().map(|ev| ev.date).min().unwrap_or(fallback),
        last_date: group.iter().map(|ev| ev.date).max().unwrap_or(fallback),
    }
}

/// Two lenders, the smaller key first.
type LenderPair = (Arc<str>, Arc<str>);

/// The most loans outstanding on one day, and the pairs of lenders whose loans overlapped.
fn stacking(loans: &mut [Loan]) -> (usize, Vec<LenderPair>) {
    // A sweep over starts (+1) and the days after ends (−1); ends are inclusive.
    let mut changes: Vec<(NaiveDate, i8)> = loans
        .iter()
        .flat_map(|l| [(l.start, 1), (add_days(l.end, 1), -1)])
        .collect();
    changes.sort_unstable();
    let mut current: i64 = 0;
    let mut max_concurrent: i64 = 0;
    for (_, change) in changes {
        current += i64::from(change);
        max_concurrent = max_concurrent.max(current);
    }

    loans.sort_unstable_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then_with(|| a.end.cmp(&b.end))
            .then_with(|| a.lender.cmp(&b.lender))
    });
    let mut pairs: BTreeSet<LenderPair> = BTreeSet::new();
    for (position, loan) in loans.iter().enumerate() {
        for later in loans
            .get(position + 1..)
            .unwrap_or_default()
            .iter()
            .take_while(|later| later.start <= loan.end)
        {
            if later.lender != loan.lender {
                let (a, b) = if loan.lender < later.lender {
                    (&loan.lender, &later.lender)
                } else {
                    (&later.lender, &loan.lender)
                };
                pairs.insert((Arc::clone(a), Arc::clone(b)));
            }
        }
    }
    (
        usize::try_from(max_concurrent).unwrap_or(0),
        pairs.into_iter().collect(),
    )
}

/// Writes `text` lowercased, with Latin accents dropped and every other non-alphanumeric
/// character as a space, into `out` (reused across transactions to avoid allocating).
fn fold_lowercase(text: &str, out: &mut String) {
    out.clear();
    for c in text.chars() {
        if c.is_ascii() {
            out.push(if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            });
            continue;
        }
        for lower in c.to_lowercase() {
            match lower {
                'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => out.push('a'),
                'ç' => out.push('c'),
                'è' | 'é' | 'ê' | 'ë' => out.push('e'),
                'ì' | 'í' | 'î' | 'ï' => out.push('i'),
                'ñ' => out.push('n'),
                'ò' | 'ó' | 'ô' | 'õ' | 'ö' => out.push('o'),
                'ù' | 'ú' | 'û' | 'ü' => out.push('u'),
                'ß' => out.push_str("ss"),
                other if other.is_alphanumeric() => out.push(other),
                _ => out.push(' '),
            }
        }
    }
}

/// Finds the returned-payment words in raw descriptions: one automaton pass, ASCII letters in any
/// case, each word also spelled without its accents and with its accented letters in upper case
/// (`impayé`, `IMPAYÉ`, `impaye`). Built once per process.
static RETURNED_MATCHER: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    let mut patterns: Vec<String> = Vec::new();
    for word in RETURNED_WORDS.iter().chain(ACCENTED_RETURNED_WORDS) {
        patterns.push((*word).to_owned());
        patterns.push(word.to_uppercase());
    }
    patterns.sort();
    patterns.dedup();
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&patterns)
        .ok()
});

/// The accented spellings of `RETURNED_WORDS` (which are folded to ASCII).
const ACCENTED_RETURNED_WORDS: &[&str] = &[
    "impayé",
    "impayés",
    "impayée",
    "impayées",
    "rejeté",
    "rücklastschrift",
    "rücklastschriften",
    "devolución",
];

/// True when the description has a returned-payment word standing as a whole word (the bytes
/// around the match are not letters or digits, so `retour` does not match `retoure`).
fn says_returned(description: &str) -> bool {
    let Some(matcher) = RETURNED_MATCHER.as_ref() else {
        let mut text = String::new();
        fold_lowercase(description, &mut text);
        return has_word(&text, RETURNED_WORDS);
    };
    let bytes = description.as_bytes();
    let word_byte = |at: Option<&u8>| at.is_some_and(|b| b.is_ascii_alphanumeric() || *b >= 0x80);
    // Leftmost-longest prefers `impayes` to `impaye` where both start, so plurals keep their
    // word boundary.
    matcher.find_iter(description).any(|found| {
        let before = found.start().checked_sub(1).and_then(|i| bytes.get(i));
        !word_byte(before) && !word_byte(bytes.get(found.end()))
    })
}

/// True when one of `words` is a whole word of the folded text.
fn has_word(folded: &str, words: &[&str]) -> bool {
    folded
        .split(' ')
        .any(|w| !w.is_empty() && words.contains(&w))
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::recurrence::testkit::{Ledger, date};

    const DISB: &str = "TRANSFER_IN_CASH_ADVANCES_AND_LOANS";
    const REPAY: &str = "LOAN_PAYMENTS_PERSONAL_LOAN_PAYMENT";

    /// Three digital lenders: Carbon overlaps FairMoney early in March, FairMoney overlaps Palmcredit.
    fn stacked() -> Ledger {
        let mut l = Ledger::default();
        l.add(
            date(2024, 1, 2),
            "-3000",
            Some("SHOPRITE"),
            "FOOD_AND_DRINK_GROCERIES",
        );
        l.add(date(2024, 1, 10), "50000", Some("CARBON LOAN DISB"), DISB);
        l.add(date(2024, 2, 10), "-30000", Some("CARBON REPAYMENT"), REPAY);
        l.add(date(2024, 3, 1), "40000", Some("FAIRMONEY MFB"), DISB);
        l.add(date(2024, 3, 10), "-30000", Some("CARBON REPAYMENT"), REPAY);
        l.add(date(2024, 3, 15), "20000", Some("PALMCREDIT"), DISB);
        l.add(
            date(2024, 4, 1),
            "-45000",
            Some("FAIRMONEY LOAN REPAYMENT"),
            REPAY,
        );
        l.add(date(2024, 4, 20), "-23000", Some("PALMCREDIT"), REPAY);
        l.add(
            date(2024, 5, 2),
            "-5000",
            Some("BET9JA"),
            "GAMBLING_BETTING",
        );
        l.add(
            date(2024, 5, 3),
            "12000",
            Some("BET9JA"),
            "GAMBLING_WINNINGS",
        );
        l.add(
            date(2024, 5, 4),
            "-52.50",
            None,
            "BANK_FEES_STAMP_DUTY_AND_LEVIES",
        );
        l.add(
            date(2024, 5, 5),
            "-2500",
            Some("VISA CARD"),
            "LOAN_PAYMENTS_CREDIT_CARD_PAYMENT",
        );
        l.add(
            date(2024, 5, 6),
            "-7000",
            Some("COLLECT NG"),
            "LOAN_PAYMENTS_DEBT_COLLECTION",
        );
        l.sorted()
    }

    #[test]
    fn lender_keys_pair_on_their_leading_significant_word() {
        assert_eq!(lender_root("CARBON LOAN DISB"), "CARBON");
        assert_eq!(lender_root("CARBON REPAYMENT"), "CARBON");
        assert_eq!(lender_root("LOAN REPAYMENT CARBON 0012345"), "CARBON");
        assert_eq!(lender_root("FAIRMONEY MFB"), "FAIRMONEY");
        assert_eq!(lender_root("FIRST CREDIT LTD"), "FIRST LTD");
        assert_eq!(lender_root("FIRST BANK"), "FIRST BANK");
        assert_eq!(lender_root("LOAN"), "LOAN");
    }

    #[test]
    fn three_lenders_with_overlapping_loans_are_stacking() {
        let mut l = stacked();
        let s = detect_loans(&l.txs, &mut l.enr);
        let names: Vec<&str> = s.lenders.iter().map(|x| &*x.lender).collect();
        assert_eq!(names, ["CARBON", "FAIRMONEY", "PALMCREDIT"]);
        assert_eq!(s.lender_count, 3);
        // Carbon runs 10 Jan – 10 Mar, FairMoney 1 Mar – 1 Apr, Palmcredit 15 Mar – 20 Apr.
        assert_eq!(s.max_concurrent_loans, 2);
        let pairs: Vec<(&str, &str)> = s.overlapping.iter().map(|(a, b)| (&**a, &**b)).collect();
        assert_eq!(
            pairs,
            [("CARBON", "FAIRMONEY"), ("FAIRMONEY", "PALMCREDIT")]
        );
        let carbon = &s.lenders[0];
        assert_eq!(carbon.disbursements.len(), 1);
        assert_eq!(carbon.repayments.len(), 2);
        assert_eq!(carbon.disbursed, Amount::parse("50000").unwrap());
        assert_eq!(carbon.repaid, Amount::parse("60000").unwrap());
        assert_eq!(s.returned_repayments, 0);
        for (tx, e) in l.txs.iter().zip(&l.enr) {
            let expected = match e.category.code() {
                DISB => Some(LoanRole::Disbursement),
                REPAY => Some(LoanRole::Repayment),
                _ => None,
            };
            assert_eq!(e.loan, expected, "{}", tx.description);
            assert_eq!(e.lender.is_some(), expected.is_some());
        }
        assert_eq!(s.gambling_stakes.len(), 1);
        assert_eq!(s.gambling_winnings.len(), 1);
        assert_eq!(s.bank_charges.len(), 1);
        assert_eq!(s.debt_collection.len(), 1);
        assert!(s.returned_payments.is_empty());
    }

    #[test]
    fn a_third_concurrent_loan_raises_the_maximum() {
        let mut l = stacked();
        l.add(date(2024, 3, 20), "10000", Some("BRANCH LOAN"), DISB);
        l.add(date(2024, 4, 25), "-11000", Some("BRANCH INTL"), REPAY);
        let mut l = l.sorted();
        let s = detect_loans(&l.txs, &mut l.enr);
        assert_eq!(s.lender_count, 4);
        assert_eq!(s.max_concurrent_loans, 3);
        assert_eq!(s.overlapping.len(), 4);
    }

    #[test]
    fn a_reversed_repayment_is_returned_and_not_repaid() {
        let mut l = Ledger::default();
        l.add(date(2024, 1, 5), "30000", Some("RENMONEY LOAN"), DISB);
        let repayment = l.add(date(2024, 2, 5), "-11000", Some("RENMONEY"), REPAY);
        let reversal = l.add_with(
            date(2024, 2, 8),
            "11000",
            Some("RENMONEY REVERSAL"),
            "TRANSFER_IN_REFUND_REVERSAL",
            "REV RENMONEY DD",
        );
        // A refund of a different amount is not a reversal.
        l.add(
            date(2024, 2, 9),
            "500",
            Some("RENMONEY"),
            "TRANSFER_IN_REFUND_REVERSAL",
        );
        let s = detect_loans(&l.txs, &mut l.enr);
        assert_eq!(s.returned_repayments, 1);
        let lender = &s.lenders[0];
        assert_eq!(lender.returned, [repayment]);
        assert_eq!(lender.reversals, [reversal]);
        assert!(lender.repayments.is_empty());
        assert_eq!(lender.repaid, Amount::ZERO);
        assert_eq!(l.enr[repayment].loan, Some(LoanRole::ReturnedRepayment));
        assert_eq!(l.enr[reversal].loan, Some(LoanRole::ReturnedRepayment));
        assert_eq!(l.enr[3].loan, None);
    }

    #[test]
    fn a_credit_eleven_days_later_is_not_a_reversal() {
        let mut l = Ledger::default();
        l.add(date(2024, 2, 5), "-11000", Some("RENMONEY"), REPAY);
        l.add(
            date(2024, 2, 16),
            "11000",
            Some("RENMONEY"),
            "TRANSFER_IN_REFUND_REVERSAL",
        );
        let s = detect_loans(&l.txs, &mut l.enr);
        assert_eq!(s.returned_repayments, 0);
        assert_eq!(l.enr[1].loan, None);
    }

    #[test]
    fn a_bounced_repayment_fee_marks_the_repayment_returned() {
        let mut l = Ledger::default();
        l.add(date(2024, 1, 5), "30000", Some("CARBON LOAN DISB"), DISB);
        let bounced = l.add(date(2024, 2, 5), "-11000", Some("CARBON REPAYMENT"), REPAY);
        let fee = l.add_with(
            date(2024, 2, 6),
            "-1000",
            None,
            "BANK_FEES_INSUFFICIENT_FUNDS",
            "DD UNPAID FEE",
        );
        let paid = l.add(date(2024, 3, 5), "-11000", Some("CARBON REPAYMENT"), REPAY);
        // A returned cheque is a returned payment even without a loan.
        let cheque = l.add_with(
            date(2024, 3, 9),
            "-400",
            None,
            "TRANSFER_OUT_OTHER_TRANSFER_OUT",
            "CHQ Returned - refer",
        );
        let impaye = l.add_with(
            date(2024, 3, 10),
            "-20",
            None,
            "BANK_FEES_OTHER_BANK_FEES",
            "FRAIS PRLV IMPAYÉ",
        );
        let lastschrift = l.add_with(
            date(2024, 3, 11),
            "45",
            None,
            "TRANSFER_IN_REFUND_REVERSAL",
            "Rücklastschrift Vodafone",
        );
        let s = detect_loans(&l.txs, &mut l.enr);
        assert_eq!(s.returned_repayments, 1);
        assert_eq!(s.lenders[0].returned, [bounced]);
        assert_eq!(s.lenders[0].repayments, [paid]);
        assert_eq!(l.enr[bounced].loan, Some(LoanRole::ReturnedRepayment));
        assert_eq!(s.returned_payments, [fee, cheque, impaye, lastschrift]);
        assert_eq!(s.bank_charges, [fee, impaye]);
    }

    #[test]
    fn repayments_before_any_disbursement_are_an_earlier_loan() {
        let mut l = Ledger::default();
        l.add(
            date(2024, 1, 1),
            "-100",
            Some("SHOP"),
            "FOOD_AND_DRINK_GROCERIES",
        );
        l.add(date(2024, 2, 1), "-5000", Some("QUICKCHECK"), REPAY);
        l.add(date(2024, 1, 20), "20000", Some("AELLA CREDIT"), DISB);
        let mut l = l.sorted();
        let s = detect_loans(&l.txs, &mut l.enr);
        // Quickcheck is owed from the ledger's first day to 1 Feb; Aella from 20 Jan on.
        assert_eq!(s.max_concurrent_loans, 2);
        assert_eq!(s.overlapping.len(), 1);
    }

    #[test]
    fn internal_transfers_and_credit_cards_make_no_lenders() {
        let mut l = Ledger::default();
        let own = l.add(date(2024, 1, 1), "1000", Some("OVERDRAFT SWEEP"), DISB);
        l.enr[own].internal_transfer = true;
        l.add(
            date(2024, 1, 2),
            "-800",
            Some("AMEX"),
            "LOAN_PAYMENTS_CREDIT_CARD_PAYMENT",
        );
        let s = detect_loans(&l.txs, &mut l.enr);
        assert_eq!(s.lender_count, 0);
        assert_eq!(s.max_concurrent_loans, 0);
        assert!(l.enr.iter().all(|e| e.loan.is_none()));
    }

    #[test]
    fn loans_do_not_depend_on_the_order_of_same_day_transactions() {
        let mut l = stacked();
        l.add(date(2024, 3, 15), "-30000", Some("CARBON REPAYMENT"), REPAY);
        l.add(
            date(2024, 3, 15),
            "-30000",
            Some("FAIRMONEY REPAYMENT"),
            REPAY,
        );
        l.add(
            date(2024, 3, 16),
            "-1000",
            None,
            "BANK_FEES_INSUFFICIENT_FUNDS",
        );
        l.add(
            date(2024, 3, 16),
            "30000",
            Some("CARBON"),
            "TRANSFER_IN_OTHER_TRANSFER_IN",
        );
        let mut forward = l.sorted();
        let mut backward = forward.reversed_within_days();
        let a = detect_loans(&forward.txs, &mut forward.enr);
        let b = detect_loans(&backward.txs, &mut backward.enr);
        let view = |s: &LoanSummary| -> Vec<_> {
            s.lenders
                .iter()
                .map(|x| {
                    (
                        x.lender.clone(),
                        x.disbursed,
                        x.repaid,
                        x.returned.len(),
                        x.reversals.len(),
                    )
                })
                .collect()
        };
        assert_eq!(view(&a), view(&b));
        assert_eq!(a.max_concurrent_loans, b.max_concurrent_loans);
        assert_eq!(a.overlapping, b.overlapping);
        assert_eq!(a.returned_repayments, 2);
        assert_eq!(b.returned_repayments, 2);
    }
}
