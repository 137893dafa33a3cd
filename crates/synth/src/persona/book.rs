//! The ledger under construction: dated, labelled movements, then sorted and balanced.

use std::io;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use ledgerlens_core::{
    Account, AccountKind, AccountNumber, Amount, Category, Currency, Period, Statement,
    Transaction, reconcile,
};

use super::countries::Country;
use super::narrate::{Cx, Rail, narrate};
use super::{LabeledStatement, LoanRole, PersonaKind, PersonaOptions, Truth, Vocabulary, kinds};
use crate::rng::Rng;

/// What a persona kind knows about a row; the channel comes from the narration.
#[derive(Clone, Debug)]
pub(crate) struct Label {
    category: &'static str,
    counterparty: String,
    salary: bool,
    loan: Option<LoanRole>,
    lender: Option<String>,
    gambling: bool,
    internal: bool,
    recurring: bool,
}

impl Label {
    pub fn new(category: &'static str, counterparty: &str) -> Self {
        Label {
            category,
            counterparty: normalise(counterparty),
            salary: false,
            loan: None,
            lender: None,
            gambling: false,
            internal: false,
            recurring: false,
        }
    }
    pub fn recurring(mut self) -> Self {
        self.recurring = true;
        self
    }
    pub fn salary(mut self) -> Self {
        self.salary = true;
        self
    }
    pub fn gambling(mut self) -> Self {
        self.gambling = true;
        self
    }
    pub fn internal(mut self) -> Self {
        self.internal = true;
        self
    }
    pub fn loan(mut self, role: LoanRole, lender: &str) -> Self {
        self.loan = Some(role);
        self.lender = Some(normalise(lender));
        self
    }
}

/// Uppercase words: letters, digits and `&` kept, everything else a space.
pub(crate) fn normalise(name: &str) -> String {
    let mapped: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '&' {
                c
            } else {
                ' '
            }
        })
        .collect::<String>()
        .to_uppercase();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Debug)]
struct Draft {
    date: NaiveDate,
    minor: i64,
    description: String,
    reference: String,
    truth: Truth,
    seq: usize,
}

/// A persona's ledger being written.
#[derive(Debug)]
pub(crate) struct Book {
    pub cx: Cx,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub months: u32,
    pub exponent: u32,
    pub country: &'static Country,
    pub vocabulary: Vocabulary,
    pub kind: PersonaKind,
    drafts: Vec<Draft>,
}

impl Book {
    /// Adds one movement; ignored outside the period or when zero.
    pub fn add(&mut self, date: NaiveDate, minor: i64, rail: Rail<'_>, label: Label) -> bool {
        if date < self.start || date > self.end || minor == 0 {
            return false;
        }
        self.cx.date = date;
        let (description, channel) = narrate(&mut self.cx, &rail);
        let reference = self.cx.an(12);
        let category = Category::parse(label.category).unwrap_or_else(Category::uncategorized);
        let truth = Truth {
            category,
            counterparty: label.counterparty,
            channel,
            salary: label.salary,
            loan: label.loan,
            lender: label.lender,
            gambling: label.gambling,
            internal_transfer: label.internal,
            recurring: label.recurring,
        };
        let seq = self.drafts.len();
        self.drafts.push(Draft {
            date,
            minor,
            description,
            reference,
            truth,
            seq,
        });
        true
    }

    pub fn rng(&mut self) -> &mut Rng {
        &mut self.cx.rng
    }

    pub fn below(&mut self, bound: u64) -> u64 {
        self.cx.rng.below(bound)
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.cx.rng.chance(percent)
    }

    /// A count in `lo..=hi`.
    pub fn count(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    pub fn names(&self, role: &str) -> Vec<&'static str> {
        self.country.names(role, self.vocabulary)
    }

    pub fn has(&self, role: &str) -> bool {
        !self.names(role).is_empty()
    }

    /// One name with this role, or a neutral placeholder when the country has none.
    pub fn pick(&mut self, role: &str) -> &'static str {
        let names = self.names(role);
        self.cx.rng.pick(&names).copied().unwrap_or("UNKNOWN PARTY")
    }

    /// `n` distinct names with this role (fewer if the list is shorter).
    pub fn pick_distinct(&mut self, role: &str, n: usize) -> Vec<&'static str> {
        let mut names = self.names(role);
        let mut out = Vec::new();
        while out.len() < n && !names.is_empty() {
            let index = usize::try_from(self.below(names.len() as u64)).unwrap_or(0);
            if index < names.len() {
                out.push(names.remove(index));
            }
        }
        out
    }

    /// A person's name, `FIRST SURNAME`.
    pub fn person(&mut self) -> String {
        let first = self.pick("first");
        let last = self.pick("surname");
        format!("{first} {last}")
    }

    /// The first day of the persona's `m`-th month.
    pub fn month_start(&self, m: u32) -> NaiveDate {
        self.start
            .checked_add_months(Months::new(m))
            .unwrap_or(self.end)
    }

    /// A random day of month `m`.
    pub fn any_day(&mut self, m: u32) -> NaiveDate {
        let from = self.month_start(m);
        let to = self.month_start(m + 1);
        let span = u64::try_from((to - from).num_days()).unwrap_or(28).max(1);
        let offset = self.below(span);
        from.checked_add_days(Days::new(offset)).unwrap_or(from)
    }

    /// Day `day` of the calendar month in which month `m` starts (clamped to its length).
    pub fn day_of(&self, m: u32, day: u32) -> NaiveDate {
        let base = self.month_start(m);
        let mut d = day.max(1);
        while d > 28 {
            if let Some(date) = NaiveDate::from_ymd_opt(base.year(), base.month(), d) {
                return date;
            }
            d -= 1;
        }
        NaiveDate::from_ymd_opt(base.year(), base.month(), d).unwrap_or(base)
    }

    /// The date moved `±jitter` days, then back to a weekday (banks post on working days).
    pub fn jitter_weekday(&mut self, date: NaiveDate, jitter: u64) -> NaiveDate {
        // Month-end payments move earlier, never into the next month.
        let forward = if date.day() >= 28 { 0 } else { jitter };
        let shift = self.below(forward + jitter + 1);
        let moved = date
            .checked_add_days(Days::new(shift))
            .and_then(|d| d.checked_sub_days(Days::new(jitter)))
            .unwrap_or(date);
        weekday_before(moved)
    }

    /// Minor units of `major` whole units.
    pub fn major(&self, major: i64) -> i64 {
        major.saturating_mul(10_i64.pow(self.exponent))
    }

    /// A shop price between `lo` and `hi` per mille of the country's monthly pay, rounded the
    /// way prices are there (cents, or whole steps).
    pub fn price(&mut self, lo: i64, hi: i64) -> i64 {
        let step = self.country.step;
        if step == 0 {
            let lo_minor = self.country.income * lo * 10_i64.pow(self.exponent) / 1000;
            let hi_minor = self.country.income * hi * 10_i64.pow(self.exponent) / 1000;
            let span = u64::try_from(hi_minor - lo_minor).unwrap_or(0);
            (lo_minor + i64::try_from(self.below(span + 1)).unwrap_or(0)).max(1)
        } else {
            self.round(lo, hi, step)
        }
    }

    /// An amount between `lo` and `hi` per mille of monthly pay, a multiple of `step` major units.
    pub fn round(&mut self, lo: i64, hi: i64, step: i64) -> i64 {
        let step = step.max(1);
        let lo_major = self.country.income * lo / 1000;
        let hi_major = (self.country.income * hi / 1000).max(lo_major);
        let span = u64::try_from((hi_major - lo_major) / step).unwrap_or(0);
        let steps = lo_major / step + i64::try_from(self.below(span + 1)).unwrap_or(0);
        self.major(steps.max(1) * step)
    }

    /// A round amount for transfers between people: a "nice" step for the country.
    pub fn transfer(&mut self, lo: i64, hi: i64) -> i64 {
        let step = (self.country.income / 200).max(1);
        let nice = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]
            .into_iter()
            .rfind(|s| *s <= step)
            .unwrap_or(1);
        self.round(lo, hi, nice)
    }

    /// Cash from an ATM: a multiple of the smallest note.
    pub fn cash(&mut self, lo: i64, hi: i64) -> i64 {
        let step = self.country.cash_step;
        self.round(lo, hi, step)
    }

    fn finish(mut self) -> (Statement, Vec<Truth>) {
        let opening = self.opening();
        if self.kind.overdraft() {
            self.charge_overdraft_interest(opening);
        }
        self.drafts.sort_by_key(|d| (d.date, d.seq));
        let currency =
            Currency::parse(self.country.currency).unwrap_or_else(|_| Currency::unknown());
        let account = Account {
            bank: Some(self.country.bank.to_owned()),
            bank_id: Some(self.country.bank_id.to_owned()),
            number: AccountNumber::parse(&self.cx.d(10)).ok(),
            iban: None,
            holder: Some(self.cx.holder.clone()),
            kind: AccountKind::Checking,
            currency: Some(currency),
        };
        let mut statement = Statement::new(account, currency);
        let amount = |minor: i64| Amount::from_minor(minor, self.exponent).unwrap_or(Amount::ZERO);
        let mut balance = opening;
        statement.opening_balance = Some(amount(opening));
        let mut truth = Vec::with_capacity(self.drafts.len());
        for draft in self.drafts {
            balance = balance.saturating_add(draft.minor);
            let mut t = Transaction::new(draft.date, draft.description, amount(draft.minor));
            t.balance = Some(amount(balance));
            t.reference = Some(draft.reference);
            statement.transactions.push(t);
            truth.push(draft.truth);
        }
        statement.closing_balance = Some(amount(balance));
        statement.period = Some(Period {
            start: self.start,
            end: self.end,
        });
        statement.reconciliation = reconcile(&statement);
        (statement, truth)
    }

    /// The opening balance: enough that a careful holder never goes below zero; an
    /// overdraft-prone one starts low and may.
    fn opening(&mut self) -> i64 {
        self.drafts.sort_by_key(|d| (d.date, d.seq));
        let mut running = 0_i64;
        let mut lowest = 0_i64;
        for draft in &self.drafts {
            running = running.saturating_add(draft.minor);
            lowest = lowest.min(running);
        }
        let base = self.price(20, 400);
        if self.kind.overdraft() {
            self.price(0, 80)
        } else {
            base.max(-lowest + self.price(5, 60))
        }
    }

    /// Debit interest at each month end the balance is below zero.
    fn charge_overdraft_interest(&mut self, opening: i64) {
        let bank = self.country.bank;
        for m in 1..=self.months {
            let month_end = self
                .month_start(m)
                .checked_sub_days(Days::new(1))
                .unwrap_or(self.end);
            let balance: i64 = opening
                + self
                    .drafts
                    .iter()
                    .filter(|d| d.date <= month_end)
                    .map(|d| d.minor)
                    .sum::<i64>();
            if balance < 0 {
                let interest = (-balance * 18 / 1000).max(self.major(1));
                let date = weekday_before(month_end).max(self.start);
                self.add(
                    date,
                    -interest,
                    Rail::Interest { credit: false },
                    Label::new("BANK_FEES_INTEREST_CHARGE", bank).recurring(),
                );
            }
        }
    }
}

/// The date itself if a weekday, else the Friday before.
pub(crate) fn weekday_before(date: NaiveDate) -> NaiveDate {
    let back = match date.weekday() {
        Weekday::Sat => 1,
        Weekday::Sun => 2,
        _ => 0,
    };
    date.checked_sub_days(Days::new(back)).unwrap_or(date)
}

fn mix(options: &PersonaOptions, country: &Country) -> u64 {
    let kind = PersonaKind::ALL
        .iter()
        .position(|k| *k == options.kind)
        .unwrap_or(0) as u64;
    let code = country.code.bytes().fold(0_u64, |acc, b| {
        acc.wrapping_mul(131).wrapping_add(u64::from(b))
    });
    options
        .seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(kind.wrapping_mul(0xD6E8_FEB8_6659_FD93))
        ^ code.wrapping_mul(0xA076_1D64_78BD_642F)
}

/// Builds the labelled statement of one persona.
pub(crate) fn build(options: &PersonaOptions, country: &'static Country) -> LabeledStatement {
    let months = options.months.max(1);
    let start = options.start;
    let end = start
        .checked_add_months(Months::new(months))
        .and_then(|d| d.checked_sub_days(Days::new(1)))
        .unwrap_or(start);
    let exponent = Currency::parse(country.currency)
        .map(|c| c.minor_units())
        .unwrap_or(2);
    let mut rng = Rng::new(mix(options, country));
    let bins = ["539983", "506102", "418745", "457173", "522185", "404586"];
    let bin = rng.pick(&bins).copied().unwrap_or("539983").to_owned();
    let cx = Cx {
        rng,
        vocabulary: options.vocabulary,
        country,
        date: start,
        holder: String::new(),
        bin,
        last4: String::new(),
        phone: String::new(),
        cities: country.names("city", options.vocabulary),
    };
    let mut book = Book {
        cx,
        start,
        end,
        months,
        exponent,
        country,
        vocabulary: options.vocabulary,
        kind: options.kind,
        drafts: Vec::new(),
    };
    book.cx.last4 = book.cx.d(4);
    book.cx.phone = phone(&mut book);
    book.cx.holder = match options.kind {
        PersonaKind::SmeEmployer => book.pick("firm").to_owned(),
        PersonaKind::WestAfricanClinic => book.pick("clinic").to_owned(),
        _ => book.person(),
    };
    kinds::fill(&mut book);
    let (statement, truth) = book.finish();
    LabeledStatement {
        statement,
        truth,
        country: country.code.to_owned(),
    }
}

fn phone(book: &mut Book) -> String {
    let cx = &mut book.cx;
    match book.country.code {
        "NG" => {
            let prefix = [
                "0803", "0806", "0813", "0703", "0802", "0805", "0816", "0909",
            ];
            format!(
                "{}{}",
                cx.rng.pick(&prefix).copied().unwrap_or("0803"),
                cx.d(7)
            )
        }
        "GH" => format!(
            "0{}{}",
            ["24", "54", "20", "55"]
                .get(cx.r(4) as usize)
                .copied()
                .unwrap_or("24"),
            cx.d(7)
        ),
        "KE" => format!("2547{}", cx.d(8)),
        "CI" => format!("07{}", cx.d(8)),
        "SN" => format!("77{}", cx.d(7)),
        "IN" => format!("9{}", cx.d(9)),
        "ZA" => format!("08{}", cx.d(8)),
        "GB" => format!("07{}", cx.d(9)),
        "FR" => format!("06{}", cx.d(8)),
        "DE" => format!("0151{}", cx.d(7)),
        _ => cx.d(10),
    }
}

/// Writes the statement and its labels as CSV: `date, description, amount, balance,
/// category_primary, category_detailed, counterparty, channel, salary, loan, lender, gambling,
/// internal_transfer, recurring`.
pub fn write_truth_csv(labeled: &LabeledStatement, out: &mut impl io::Write) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "date",
        "description",
        "amount",
        "balance",
        "category_primary",
        "category_detailed",
        "counterparty",
        "channel",
        "salary",
        "loan",
        "lender",
        "gambling",
        "internal_transfer",
        "recurring",
    ])?;
    let decimals = labeled.statement.currency.minor_units();
    let flag = |b: bool| if b { "true" } else { "false" };
    for (t, truth) in labeled.statement.transactions.iter().zip(&labeled.truth) {
        writer.write_record([
            t.date.format("%Y-%m-%d").to_string().as_str(),
            t.description.as_str(),
            t.amount.with_min_scale(decimals).to_string().as_str(),
            t.balance
                .map(|b| b.with_min_scale(decimals).to_string())
                .unwrap_or_default()
                .as_str(),
            truth.category.primary().code(),
            truth.category.code(),
            truth.counterparty.as_str(),
            truth.channel,
            flag(truth.salary),
            truth.loan.map(LoanRole::name).unwrap_or(""),
            truth.lender.as_deref().unwrap_or(""),
            flag(truth.gambling),
            flag(truth.internal_transfer),
            flag(truth.recurring),
        ])?;
    }
    writer.flush()?;
    Ok(())
}
