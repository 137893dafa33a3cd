//! How each country's banks print a movement.
//!
//! A persona kind says *what* happened (a [`Rail`]: a card purchase at a merchant, a salary from an
//! employer, a loan instalment to a lender); this module says how the bank narrates it, noise
//! included, and through which channel it went. Countries override the rails their banks print
//! distinctively and fall back to [`generic`] for the rest. Where a country has several real
//! templates for one rail, [`Cx::v`] chooses among them according to the vocabulary split.

use chrono::{Datelike, Days, NaiveDate};

use super::Vocabulary;
use super::countries::Country;
use crate::rng::Rng;

pub(crate) const CARD: &str = "card";
pub(crate) const ATM: &str = "atm";
pub(crate) const TRF: &str = "transfer";
pub(crate) const DD: &str = "direct_debit";
pub(crate) const SO: &str = "standing_order";
pub(crate) const USSD: &str = "ussd";
pub(crate) const MOMO: &str = "mobile_money";
pub(crate) const CHQ: &str = "cheque";
pub(crate) const CASH: &str = "cash";
pub(crate) const FEE: &str = "fee";
pub(crate) const INT: &str = "interest";
pub(crate) const ONLINE: &str = "online";

/// What a transfer is for, as the payer would write it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Memo {
    None,
    Rent,
    Salary,
    Allowance,
    Invoice,
    Supplies,
    Family,
    Loan,
    Tax,
    Vat,
    Social,
    Bill,
    Insurance,
    School,
}

/// A bank charge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fee {
    Sms,
    Stamp,
    Transfer,
    Maintenance,
    Card,
    Atm,
    Unpaid,
}

/// One movement, as the persona kind describes it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Rail<'a> {
    Card {
        merchant: &'a str,
        online: bool,
    },
    Atm,
    CashDeposit,
    Cheque {
        from: &'a str,
    },
    In {
        from: &'a str,
        memo: Memo,
    },
    Out {
        to: &'a str,
        memo: Memo,
    },
    /// From the holder's own other account; `pocket` names a savings product when it is one.
    OwnIn {
        pocket: Option<&'a str>,
    },
    OwnOut {
        pocket: Option<&'a str>,
    },
    Salary {
        employer: &'a str,
    },
    Pension {
        payer: &'a str,
    },
    Benefit {
        payer: &'a str,
    },
    Debit {
        creditor: &'a str,
        memo: Memo,
    },
    Standing {
        to: &'a str,
        memo: Memo,
    },
    Airtime {
        telco: &'a str,
    },
    MomoIn {
        provider: &'a str,
    },
    MomoOut {
        provider: &'a str,
    },
    Fee(Fee),
    Interest {
        credit: bool,
    },
    Reversal {
        merchant: &'a str,
    },
    LoanIn {
        lender: &'a str,
    },
    LoanOut {
        lender: &'a str,
    },
    LoanReturned {
        lender: &'a str,
    },
    Bet {
        operator: &'a str,
    },
    BetWin {
        operator: &'a str,
    },
    Payout {
        platform: &'a str,
    },
    Settlement {
        acquirer: &'a str,
    },
    Gov {
        body: &'a str,
        memo: Memo,
    },
    TontineOut {
        group: &'a str,
    },
    TontineIn {
        group: &'a str,
    },
    Payroll {
        staff: &'a str,
    },
}

/// The narration context: randomness, the split, the date and the holder's identifiers.
#[derive(Debug)]
pub(crate) struct Cx {
    pub rng: Rng,
    pub vocabulary: Vocabulary,
    pub country: &'static Country,
    pub date: NaiveDate,
    pub holder: String,
    pub bin: String,
    pub last4: String,
    pub phone: String,
    pub cities: Vec<&'static str>,
}

const MONTHS_EN: [&str; 12] = [
    "JANUARY",
    "FEBRUARY",
    "MARCH",
    "APRIL",
    "MAY",
    "JUNE",
    "JULY",
    "AUGUST",
    "SEPTEMBER",
    "OCTOBER",
    "NOVEMBER",
    "DECEMBER",
];
const MONTHS_FR: [&str; 12] = [
    "JANVIER",
    "FEVRIER",
    "MARS",
    "AVRIL",
    "MAI",
    "JUIN",
    "JUILLET",
    "AOUT",
    "SEPTEMBRE",
    "OCTOBRE",
    "NOVEMBRE",
    "DECEMBRE",
];
const MONTHS_DE: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];
const ALNUM: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";

impl Cx {
    /// `n` random digits.
    pub fn d(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + (self.rng.below(10) as u8)))
            .collect()
    }

    /// `n` random uppercase letters and digits.
    pub fn an(&mut self, n: usize) -> String {
        (0..n)
            .filter_map(|_| self.rng.pick(ALNUM).map(|b| char::from(*b)))
            .collect()
    }

    /// A template variant among `n`, respecting the split: authoring gets the even ones, holdout
    /// the odd ones.
    pub fn v(&mut self, n: u64) -> u64 {
        if n < 2 {
            return 0;
        }
        match self.vocabulary {
            Vocabulary::All => self.rng.below(n),
            Vocabulary::Authoring => 2 * self.rng.below(n.div_ceil(2)),
            Vocabulary::Holdout => 2 * self.rng.below(n / 2) + 1,
        }
    }

    /// Free choice among `n` (not split).
    pub fn r(&mut self, n: u64) -> u64 {
        self.rng.below(n)
    }

    pub fn city(&mut self) -> String {
        self.rng
            .pick(&self.cities)
            .map(|c| (*c).to_owned())
            .unwrap_or_default()
    }

    /// The date `back` days before booking (card purchases are printed with the day they were
    /// made, often a day or two before they are booked).
    pub fn back(&self, back: u64) -> NaiveDate {
        self.date
            .checked_sub_days(Days::new(back))
            .unwrap_or(self.date)
    }

    pub fn month_index(&self) -> usize {
        usize::try_from(self.date.month0()).unwrap_or(0)
    }

    /// `MAR`.
    pub fn mon(&self) -> String {
        MONTHS_EN
            .get(self.month_index())
            .map(|m| m.chars().take(3).collect())
            .unwrap_or_default()
    }

    /// `MARCH`.
    pub fn month(&self) -> &'static str {
        MONTHS_EN.get(self.month_index()).copied().unwrap_or("")
    }

    /// `MARS`.
    pub fn mois(&self) -> &'static str {
        MONTHS_FR.get(self.month_index()).copied().unwrap_or("")
    }

    /// `März`.
    pub fn monat(&self) -> &'static str {
        MONTHS_DE.get(self.month_index()).copied().unwrap_or("")
    }

    pub fn yy(&self) -> String {
        format!("{:02}", self.date.year() % 100)
    }

    pub fn yyyy(&self) -> i32 {
        self.date.year()
    }

    /// Date formatted with chrono's strftime syntax, `back` days before booking.
    pub fn fmt(&self, back: u64, pattern: &str) -> String {
        let date = self.back(back);
        // A plausible time of day, fixed by the date (patterns may print one).
        let seconds = date.num_days_from_ce().unsigned_abs().wrapping_mul(7919) % 50_400 + 25_200;
        let time =
            chrono::NaiveTime::from_num_seconds_from_midnight_opt(seconds, 0).unwrap_or_default();
        date.and_time(time).format(pattern).to_string()
    }

    /// Like [`Cx::fmt`], a random 0..`max` days back.
    pub fn fmt_r(&mut self, max: u64, pattern: &str) -> String {
        let back = self.rng.below(max);
        self.fmt(back, pattern)
    }

    /// `539983******1234`.
    pub fn card_long(&self) -> String {
        format!("{}**{}", self.bin, self.last4).replace("**", "******")
    }

    /// `5399**1234`.
    pub fn card_short(&self) -> String {
        format!(
            "{}**{}",
            self.bin.chars().take(4).collect::<String>(),
            self.last4
        )
    }

    /// `5399****1234`.
    pub fn card_mid(&self) -> String {
        format!(
            "{}****{}",
            self.bin.chars().take(4).collect::<String>(),
            self.last4
        )
    }

    pub fn bank_short(&self) -> String {
        self.country
            .bank
            .split_whitespace()
            .next()
            .unwrap_or("BANK")
            .to_owned()
    }
}

/// The first `n` characters, the way banks cut names to their field width.
pub(crate) fn cut(text: &str, n: usize) -> String {
    text.chars()
        .take(n)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

fn memo_en(cx: &mut Cx, memo: Memo) -> String {
    let month = cx.mon();
    match memo {
        Memo::None => String::new(),
        Memo::Rent => ["RENT", "HOUSE RENT", "RENT PAYMENT"]
            .get(cx.r(3) as usize)
            .copied()
            .unwrap_or("RENT")
            .to_owned(),
        Memo::Salary => format!("SALARY {month}"),
        Memo::Allowance => ["UPKEEP", "ALLOWANCE", "POCKET MONEY", "FOR SCHOOL"]
            .get(cx.r(4) as usize)
            .copied()
            .unwrap_or("UPKEEP")
            .to_owned(),
        Memo::Invoice => format!("INV {}", cx.d(5)),
        Memo::Supplies => format!("SUPPLIES INV{}", cx.d(4)),
        Memo::Family => ["FAMILY", "FOR MUM", "SUPPORT", "GIFT", ""]
            .get(cx.r(5) as usize)
            .copied()
            .unwrap_or("")
            .to_owned(),
        Memo::Loan => format!("LOAN {}", cx.d(6)),
        Memo::Tax => format!("PAYE {month} {}", cx.yyyy()),
        Memo::Vat => format!("VAT {month} {}", cx.yyyy()),
        Memo::Social => format!("CONTRIBUTION {month} {}", cx.yyyy()),
        Memo::Bill => format!("BILL {}", cx.d(8)),
        Memo::Insurance => format!("POLICY {}", cx.d(8)),
        Memo::School => "SCHOOL FEES".to_owned(),
    }
}

fn memo_fr(cx: &mut Cx, memo: Memo) -> String {
    let mois = cx.mois();
    match memo {
        Memo::None => String::new(),
        Memo::Rent => format!("LOYER {mois}"),
        Memo::Salary => format!("SALAIRE {mois} {}", cx.yyyy()),
        Memo::Allowance => ["ARGENT DE POCHE", "POUR TOI", "ETUDES"]
            .get(cx.r(3) as usize)
            .copied()
            .unwrap_or("")
            .to_owned(),
        Memo::Invoice => format!("FACTURE {}", cx.d(6)),
        Memo::Supplies => format!("FACT {} FOURNITURES", cx.d(5)),
        Memo::Family => ["FAMILLE", "POUR MAMAN", "AIDE", "CADEAU", ""]
            .get(cx.r(5) as usize)
            .copied()
            .unwrap_or("")
            .to_owned(),
        Memo::Loan => format!("PRET {}", cx.d(8)),
        Memo::Tax => format!("IMPOT {mois} {}", cx.yyyy()),
        Memo::Vat => format!("TVA {mois} {}", cx.yyyy()),
        Memo::Social => format!("COTISATIONS {mois} {}", cx.yyyy()),
        Memo::Bill => format!("FACTURE {}", cx.d(9)),
        Memo::Insurance => format!("CONTRAT {}", cx.d(9)),
        Memo::School => "FRAIS DE SCOLARITE".to_owned(),
    }
}

fn memo_de(cx: &mut Cx, memo: Memo) -> String {
    let monat = cx.monat();
    match memo {
        Memo::None => String::new(),
        Memo::Rent => format!("Miete {monat} {}", cx.yyyy()),
        Memo::Salary => format!("Gehalt {monat} {}", cx.yyyy()),
        Memo::Allowance => "Taschengeld".to_owned(),
        Memo::Invoice => format!("Rechnung {}", cx.d(6)),
        Memo::Supplies => format!("RE-Nr. {}", cx.d(7)),
        Memo::Family => ["Familie", "Geschenk", "Danke", ""]
            .get(cx.r(4) as usize)
            .copied()
            .unwrap_or("")
            .to_owned(),
        Memo::Loan => format!("Darlehen {}", cx.d(10)),
        Memo::Tax => format!("St.-Nr. {}/{}/{}", cx.d(3), cx.d(3), cx.d(5)),
        Memo::Vat => format!("USt-VA {monat} {}", cx.yyyy()),
        Memo::Social => format!("Beitrag {monat} {}", cx.yyyy()),
        Memo::Bill => format!("Kd-Nr. {}", cx.d(9)),
        Memo::Insurance => format!("Vers.-Nr. {}", cx.d(10)),
        Memo::School => "Semesterbeitrag".to_owned(),
    }
}

/// The description and channel of one movement.
pub(crate) fn narrate(cx: &mut Cx, rail: &Rail<'_>) -> (String, &'static str) {
    let specific = match cx.country.code {
        "NG" => ng(cx, rail),
        "GH" => gh(cx, rail),
        "KE" => ke(cx, rail),
        "CI" | "SN" => waf(cx, rail),
        "FR" => fr(cx, rail),
        "DE" => de(cx, rail),
        "GB" => gb(cx, rail),
        "US" => us(cx, rail),
        "IN" => india(cx, rail),
        "ZA" => za(cx, rail),
        _ => None,
    };
    let (text, channel) = specific.unwrap_or_else(|| generic(cx, rail));
    (squash(&text), channel)
}

/// Collapses the double spaces an empty memo leaves and trims separators at the ends.
fn squash(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    joined
        .trim_matches(|c: char| matches!(c, '/' | '-' | ' ' | ':'))
        .to_owned()
}

type Out = Option<(String, &'static str)>;

fn ng(cx: &mut Cx, rail: &Rail<'_>) -> Out {
    let city = cx.city();
    Some(match *rail {
        Rail::Card {
            merchant,
            online: false,
        } => match cx.v(3) {
            0 => (
                format!(
                    "POS/WEB PURCHASE {} {city} {}",
                    cut(merchant, 25),
                    if cx.r(2) == 0 {
                        cx.card_short()
                    } else {
                        cx.card_mid()
                    }
                ),
                CARD,
            ),
            1 => (
                format!(
                    "POS TRAN-{}-{city} NG {} TID:{}",
                    cut(merchant, 20),
                    cx.fmt(0, "%d-%b-%y").to_uppercase(),
                    cx.an(8)
                ),
                CARD,
            ),
            _ => (
                format!(
                    "POS PURCHASE @ {} {city} LANG NG REF:{}",
                    cut(merchant, 22),
                    cx.d(12)
                ),
                CARD,
            ),
        },
        Rail::Card {
            merchant,
            online: true,
        }
        | Rail::Bet { operator: merchant } => match cx.v(4) {
            0 => (
                format!("WEB PURCHASE PAYSTACK/{merchant}/{}", cx.d(12)),
                ONLINE,
            ),
            1 => (
                format!("FLW*{} LAGOS NG {}", cut(merchant, 18), cx.card_long()),
                ONLINE,
            ),
            2 => (format!("{merchant}/{}/DEPOSIT", cx.d(10)), ONLINE),
            _ => (format!("USSD/*737*/{merchant}/{}", cx.d(8)), USSD),
        },
        Rail::Atm => match cx.v(2) {
            0 => (
                format!(
                    "ATM WDL @ {} ATM {city} {}",
                    cx.bank_short(),
                    cx.card_short()
                ),
                ATM,
            ),
            _ => (
                format!("CASH WITHDRAWAL FROM OTHER ATM TID {} {city}", cx.an(8)),
                ATM,
            ),
        },
        Rail::In { from, memo } => {
            let memo = memo_en(cx, memo);
            match cx.v(3) {
                0 => (
                    format!("NIP/FROM {}/TRF REF {}", cut(from, 25), cx.d(7)),
                    TRF,
                ),
                1 => (format!("TRANSFER FROM {from} - {memo}"), TRF),
                _ => (format!("NIP CR/{}/{}/{memo}", cx.d(30), cut(from, 20)), TRF),
            }
        }
        Rail::Out { to, memo } | Rail::Gov { body: to, memo } => {
            let memo = memo_en(cx, memo);
            match cx.v(3) {
                0 => (format!("NIP/TO {}/{memo}/{}", cut(to, 25), cx.d(7)), TRF),
                1 => (format!("MOB TRF TO {to} {memo} REF {}", cx.d(10)), TRF),
                _ => (format!("TRF/{}/{}/{memo}", cx.d(10), cut(to, 22)), TRF),
            }
        }
        Rail::Payroll { staff } => match cx.v(2) {
            0 => (
                format!(
                    "NIP/TO {}/SALARY {} {}",
                    cut(&staff.to_uppercase(), 25),
                    cx.mon(),
                    cx.yy()
                ),
                TRF,
            ),
            _ => (format!("BULK TRF/SAL {}/{}", cx.mon(), cut(staff, 24)), TRF),
        },
        Rail::OwnIn { pocket } => match pocket {
            Some(p) => (format!("NIP/FROM {p}/WITHDRAWAL/{}", cx.d(7)), TRF),
            None => (
                format!(
                    "NIP/FROM {}/OWN ACCOUNT TRF/{}",
                    cut(&cx.holder, 25),
                    cx.d(7)
                ),
                TRF,
            ),
        },
        Rail::OwnOut { pocket } => match pocket {
            Some(p) => (format!("PAYSTACK/{p} SAVINGS/{}", cx.d(12)), ONLINE),
            None => (
                format!("MOB TRF TO {} SELF REF {}", cx.holder.clone(), cx.d(10)),
                TRF,
            ),
        },
        Rail::Salary { employer } => match cx.v(3) {
            0 => (
                format!(
                    "NIP/FROM {}/SALARY {} {}",
                    cut(employer, 25),
                    cx.mon(),
                    cx.yy()
                ),
                TRF,
            ),
            1 => (
                format!(
                    "{} SAL {} {} REF{}",
                    cut(employer, 24),
                    cx.mon(),
                    cx.yyyy(),
                    cx.d(8)
                ),
                TRF,
            ),
            _ => (
                format!("SALARY FOR {} {} FROM {employer}", cx.month(), cx.yyyy()),
                TRF,
            ),
        },
        Rail::Pension { payer } => (
            format!(
                "NIP/FROM {}/PENSION {} {}",
                cut(payer, 25),
                cx.mon(),
                cx.yy()
            ),
            TRF,
        ),
        Rail::Airtime { telco } => {
            let phone = cx.phone.clone();
            match cx.v(4) {
                0 => (format!("AIRTIME/{telco}/{phone}"), ONLINE),
                1 => (format!("VTU {telco} AIRTIME RECHARGE {phone}"), ONLINE),
                2 => (
                    format!("QUICKTELLER AIRTIME {telco} {phone} {}", cx.d(8)),
                    ONLINE,
                ),
                _ => (format!("USSD/*737*/AIRTIME/{telco}/{phone}"), USSD),
            }
        }
        Rail::MomoIn { provider } => (
            format!(
                "NIP/FROM {}/{provider} WALLET TRF/{}",
                cut(&cx.holder, 20),
                cx.d(7)
            ),
            MOMO,
        ),
        Rail::MomoOut { provider } => (
            format!(
                "NIP/TO {}/{provider}/WALLET FUNDING/{}",
                cut(&cx.holder, 20),
                cx.d(7)
            ),
            MOMO,
        ),
        Rail::Fee(fee) => (
            match fee {
                Fee::Sms => format!("SMS ALERT CHARGES {}-{}", cx.mon(), cx.yy()),
                Fee::Stamp => [
                    "STAMP DUTY CHARGE",
                    "ELECTRONIC MONEY TRANSFER LEVY",
                    "STAMP DUTY",
                ]
                .get(cx.r(3) as usize)
                .copied()
                .unwrap_or("STAMP DUTY")
                .to_owned(),
                Fee::Transfer => format!("NIP CHARGE + VAT {}", cx.d(7)),
                Fee::Maintenance => format!("ACCOUNT MAINTENANCE FEE {} {}", cx.mon(), cx.yyyy()),
                Fee::Card => format!("CARD MAINTENANCE FEE {}", cx.card_short()),
                Fee::Atm => format!("ATM WDL CHARGE {}", cx.card_short()),
                Fee::Unpaid => "DD RETURN CHARGE INSUFFICIENT FUNDS".to_owned(),
            },
            FEE,
        ),
        Rail::Interest { credit } => (
            if credit {
                format!("CREDIT INTEREST {} {}", cx.mon(), cx.yyyy())
            } else {
                format!("DEBIT INTEREST ON OVERDRAWN BAL {}", cx.mon())
            },
            INT,
        ),
        Rail::CashDeposit => match cx.v(2) {
            0 => (
                format!("CASH DEPOSIT BY {} @ {city} BRANCH", cx.holder.clone()),
                CASH,
            ),
            _ => (format!("CSH DEP/{}/{}", cx.d(3), cut(&cx.holder, 20)), CASH),
        },
        Rail::Reversal { merchant } => match cx.v(2) {
            0 => (
                format!("REVERSAL/POS {} {}", cut(merchant, 20), cx.card_short()),
                CARD,
            ),
            _ => (format!("RVSL-{}-{merchant}", cx.d(12)), CARD),
        },
        Rail::LoanIn { lender } => match cx.v(3) {
            0 => (format!("{lender} DISB {}", cx.d(10)), TRF),
            1 => (
                format!("NIP/FROM {lender} MFB/LOAN DISBURSEMENT/{}", cx.d(7)),
                TRF,
            ),
            _ => (format!("{lender} LOAN DISBURSEMENT REF {}", cx.an(10)), TRF),
        },
        Rail::LoanOut { lender } => match cx.v(3) {
            0 => (format!("{lender} LOAN REPAYMENT {}", cx.d(8)), DD),
            1 => (format!("PAYSTACK/{lender} REPAYMENT/{}", cx.d(12)), CARD),
            _ => (format!("REMITA DD/{lender}/{}", cx.d(10)), DD),
        },
        Rail::LoanReturned { lender } => (
            format!("REVERSAL DD {lender} REPAYMENT INSUFF FUNDS {}", cx.d(8)),
            DD,
        ),
        Rail::BetWin { operator } => match cx.v(2) {
            0 => (
                format!("NIP/FROM {operator} NIGERIA/WITHDRAWAL {}", cx.d(7)),
                TRF,
            ),
            _ => (format!("{operator} WINNINGS PAYOUT {}", cx.d(10)), TRF),
        },
        Rail::Payout { platform } => match cx.v(2) {
            0 => (
                format!("NIP/FROM {}/PAYOUT {}", cut(platform, 25), cx.d(7)),
                TRF,
            ),
            _ => (
                format!("{platform} WEEKLY EARNINGS {}", cx.fmt(1, "%d/%m")),
                TRF,
            ),
        },
        Rail::Settlement { acquirer } => match cx.v(2) {
            0 => (
                format!(
                    "{acquirer} SETTLEMENT {} TID {}",
                    cx.fmt(1, "%d/%m/%y"),
                    cx.an(8)
                ),
                TRF,
            ),
            _ => (format!("POS SETTLEMENT {acquirer} {}", cx.d(10)), TRF),
        },
        Rail::TontineOut { group } => (format!("NIP/TO {}/AJO CONTRIBUTION", cut(group, 25)), TRF),
        Rail::TontineIn { group } => (format!("NIP/FROM {}/AJO PAYOUT", cut(group, 25)), TRF),
        Rail::Debit { creditor, .. } => match cx.v(2) {
            0 => (format!("REMITA DD/{creditor}/{}", cx.d(10)), DD),
            _ => (
                format!("PAYSTACK/{creditor} SUBSCRIPTION/{}", cx.d(12)),
                CARD,
            ),
        },
        _ => return None,
    })
}

fn gh(cx: &mut Cx, rail: &Rail<'_>) -> Out {
    let city = cx.city();
    Some(match *rail {
        Rail::Card { merchant, online } => {
            if online {
                (
                    format!("WEB PAYMENT {merchant} {}", cx.card_short()),
                    ONLINE,
                )
            } else {
                match cx.v(2) {
                    0 => (
                        format!(
                            "POS PURCHASE {} {city} GH {}",
                            cut(merchant, 22),
                            cx.card_short()
                        ),
                        CARD,
                    ),
                    _ => (
                        format!("POS/{}/{city}/{}", cut(merchant, 20), cx.d(6)),
                        CARD,
                    ),
                }
            }
        }
        Rail::Atm => (
            format!(
                "ATM WITHDRAWAL {} {city} {}",
                cx.bank_short(),
                cx.card_short()
            ),
            ATM,
        ),
        Rail::In { from, memo } => {
            let memo = memo_en(cx, memo);
            match cx.v(3) {
                0 => (
                    format!("GIP TRANSFER FROM {} {memo} {}", cut(from, 24), cx.d(10)),
                    TRF,
                ),
                1 => (format!("INWARD TRANSFER {from}/{memo}"), TRF),
                _ => (format!("ACH CREDIT {} {memo}", cut(from, 24)), TRF),
            }
        }
        Rail::Out { to, memo } => {
            let memo = memo_en(cx, memo);
            match cx.v(2) {
                0 => (
                    format!("GIP TRANSFER TO {} {memo} {}", cut(to, 24), cx.d(10)),
                    TRF,
                ),
                _ => (format!("MOBILE BANKING TRF TO {to} {memo}"), TRF),
            }
        }
        Rail::Salary { employer } => match cx.v(2) {
            0 => (format!("SALARY {} {} {employer}", cx.mon(), cx.yyyy()), TRF),
            _ => (
                format!(
                    "ACH CREDIT {} SAL {}{}",
                    cut(employer, 24),
                    cx.mon(),
                    cx.yy()
                ),
                TRF,
            ),
        },
        Rail::MomoIn { provider } => {
            let phone = cx.phone.clone();
            match cx.v(2) {
                0 => (
                    format!("MOMO TRANSFER FROM {phone} {provider} {}", cx.d(10)),
                    MOMO,
                ),
                _ => (format!("{provider} TO BANK {phone} {}", cx.d(10)), MOMO),
            }
        }
        Rail::MomoOut { provider } => {
            let phone = cx.phone.clone();
            match cx.v(2) {
                0 => (
                    format!("MOMO TRANSFER TO {phone} {provider} {}", cx.d(10)),
                    MOMO,
                ),
                _ => (format!("BANK TO WALLET {provider} {phone}"), MOMO),
            }
        }
        Rail::Airtime { telco } => {
            let phone = cx.phone.clone();
            match cx.v(2) {
                0 => (format!("AIRTIME PURCHASE {telco} {phone}"), ONLINE),
                _ => (format!("*422# AIRTIME {telco} {phone}"), USSD),
            }
        }
        Rail::Fee(fee) => (
            match fee {
                Fee::Sms => format!("SMS CHARGES {} {}", cx.mon(), cx.yyyy()),
                Fee::Stamp => format!("E-LEVY CHARGE {}", cx.d(8)),
                Fee::Transfer => "GIP TRANSFER FEE".to_owned(),
                Fee::Maintenance => "MONTHLY ACCOUNT MAINTENANCE FEE".to_owned(),
                Fee::Card => "CARD RENEWAL FEE".to_owned(),
                Fee::Atm => "ATM WITHDRAWAL FEE".to_owned(),
                Fee::Unpaid => "DD RETURNED CHARGE".to_owned(),
            },
            FEE,
        ),
        Rail::Gov { body, memo } => {
            let memo = memo_en(cx, memo);
            (format!("{body} {memo} {}", cx.d(8)), TRF)
        }
        Rail::TontineOut { group } => (format!("SUSU CONTRIBUTION {group}"), TRF),
        Rail::TontineIn { group } => (format!("SUSU PAYOUT {group}"), TRF),
        Rail::LoanOut { lender } => (format!("{lender} LOAN REPAYMENT {}", cx.d(8)), MOMO),
        Rail::Bet { operator } => (format!("MOMO PAY {operator} {}", cx.d(10)), MOMO),
        _ => return None,
    })
}

fn ke(cx: &mut Cx, rail: &Rail<'_>) -> Out {
    let city = cx.city();
    let phone = cx.phone.clone();
    Some(match *rail {
        Rail::Card {
            merchant,
            online: false,
        } => match cx.v(2) {
            0 => (
                format!(
                    "POS PURCHASE {} {city} KE {}",
                    cut(merchant, 22),
                    cx.card_short()
                ),
                CARD,
            ),
            _ => (
                format!(
                    "CARD PURCHASE {} {}",
                    cut(merchant, 22),
                    cx.fmt(1, "%d/%m/%y")
                ),
                CARD,
            ),
        },
        Rail::Atm => match cx.v(2) {
            0 => (format!("ATM WITHDRAWAL {city} {}", cx.an(8)), ATM),
            _ => (format!("CASH WDL EQUITY AGENT {}", cx.d(6)), ATM),
        },
        Rail::In { from, memo } => {
            let memo = memo_en(cx, memo);
            match cx.v(3) {
                0 => (
                    format!("PESALINK FROM {} {memo} {}", cut(from, 24), cx.d(10)),
                    TRF,
                ),
                1 => (format!("RTGS CR {from} {memo}"), TRF),
                _ => (format!("EFT CR {} {memo}", cut(from, 24)), TRF),
            }
        }
        Rail::Out { to, memo } => {
            let memo = memo_en(cx, memo);
            match cx.v(2) {
                0 => (
                    format!("PESALINK TO {} {memo} {}", cut(to, 24), cx.d(10)),
                    TRF,
                ),
                _ => (format!("EFT TO {to} {memo}"), TRF),
            }
        }
        Rail::Salary { employer } => match cx.v(2) {
            0 => (format!("SALARY {} {} {employer}", cx.mon(), cx.yyyy()), TRF),
            _ => (
                format!("EFT CR {} SALARY {}", cut(employer, 24), cx.mon()),
                TRF,
            ),
        },
        Rail::MomoIn { .. } => match cx.v(2) {
            0 => (
                format!("MPESA C2B {phone} {} {}", cut(&cx.holder, 20), cx.an(10)),
                MOMO,
            ),
            _ => (format!("MPESA TO BANK {} {phone}", cx.an(10)), MOMO),
        },
        Rail::MomoOut { .. } => match cx.v(2) {
            0 => (
                format!("MPESA B2C {} {phone} {}", cx.an(10), cut(&cx.holder, 20)),
                MOMO,
            ),
            _ => (format!("EAZZY TO MPESA {phone} {}", cx.an(10)), MOMO),
        },
        Rail::Airtime { telco } => match cx.v(2) {
            0 => (format!("AIRTIME PURCHASE {telco} {phone}"), ONLINE),
            _ => (format!("BUY AIRTIME {telco} {phone} {}", cx.an(10)), ONLINE),
        },
        Rail::Fee(fee) => (
            match fee {
                Fee::Sms => format!("SMS ALERT CHGS {}", cx.mon()),
                Fee::Stamp => "EXCISE DUTY".to_owned(),
                Fee::Transfer => "PESALINK CHARGES".to_owned(),
                Fee::Maintenance => format!("LEDGER FEE {} {}", cx.mon(), cx.yyyy()),
                Fee::Card => "CARD REPLACEMENT FEE".to_owned(),
                Fee::Atm => "ATM WDL CHARGE".to_owned(),
                Fee::Unpaid => "STANDING ORDER FAILURE FEE".to_owned(),
            },
            FEE,
        ),
        Rail::LoanIn { lender } => match cx.v(2) {
            0 => (format!("{lender} LOAN DISBURSEMENT {}", cx.an(10)), TRF),
            _ => (format!("MPESA B2C {lender} {}", cx.an(10)), MOMO),
        },
        Rail::LoanOut { lender } => match cx.v(2) {
            0 => (
                format!("{lender} REPAYMENT PAYBILL {} {}", cx.d(6), cx.an(10)),
                MOMO,
            ),
            _ => (format!("{lender} LOAN RECOVERY {}", cx.an(10)), DD),
        },
        Rail::Bet { operator }
        | Rail::Card {
            merchant: operator,
            online: true,
        } => match cx.v(2) {
            0 => (
                format!("MPESA PAYBILL {operator} {} {}", cx.d(6), cx.an(10)),
                MOMO,
            ),
            _ if matches!(rail, Rail::Bet { .. }) => {
                (format!("{operator} DEPOSIT {}", cx.an(10)), ONLINE)
            }
            _ => (
                format!("WEB PAYMENT {operator} {}", cx.card_short()),
                ONLINE,
            ),
        },
        Rail::Gov { body, memo } => {
            let memo = memo_en(cx, memo);
            (format!("{body} {memo} {}", cx.d(10)), TRF)
        }
        Rail::TontineOut { group } => (format!("CHAMA CONTRIBUTION {group}"), MOMO),
        Rail::TontineIn { group } => (format!("CHAMA PAYOUT {group}"), MOMO),
        _ => return None,
    })
}

/// Côte d'Ivoire and Senegal: French, UEMOA rails, mobile money everywhere.
fn waf(cx: &mut Cx, rail: &Rail<'_>) -> Out {
    let city = cx.city();
    let phone = cx.phone.clone();
    Some(match *rail {
        Rail::Card { merchant, online } => match cx.v(3) {
            0 => (
                format!(
                    "PAIEMENT CB {} {} {city}",
                    cut(merchant, 22),
                    cx.fmt(1, "%d/%m")
                ),
                if online { ONLINE } else { CARD },
            ),
            1 => (
                format!(
                    "ACHAT TPE {} {city} CARTE X{}",
                    cut(merchant, 20),
                    cx.last4.clone()
                ),
                CARD,
            ),
            _ => (
                format!("PMT CARTE {} {}", cx.d(6), cut(merchant, 24)),
                if online { ONLINE } else { CARD },
            ),
        },
        Rail::Atm => match cx.v(2) {
            0 => (
                format!(
                    "RETRAIT DAB {} {city} {}",
                    cx.bank_short(),
                    cx.fmt(0, "%d/%m")
                ),
                ATM,
            ),
            _ => (
                format!(
                    "RETRAIT GAB CARTE X{} {}",
                    cx.last4.clone(),
                    cx.fmt(0, "%d/%m/%y")
                ),
                ATM,
            ),
        },
        Rail::In { from, memo } => {
            let memo = memo_fr(cx, memo);
            match cx.v(3) {
                0 => (format!("VIREMENT RECU DE {} {memo}", cut(from, 28)), TRF),
                1 => (format!("VIR RECU {} REF {}", cut(from, 24), cx.d(10)), TRF),
                _ => (format!("VIRT SICA {} {memo}", cut(from, 24)), TRF),
            }
        }
        Rail::Out { to, .. } | Rail::Payroll { staff: to } => {
            let memo = memo_fr(cx, memo_of(rail));
            match cx.v(3) {
                0 => (format!("VIREMENT EMIS VERS {} {memo}", cut(to, 26)), TRF),
                1 => (format!("VIR EMIS {} REF {}", cut(to, 24), cx.d(10)), TRF),
                _ => (format!("ORDRE DE VIREMENT {} {memo}", cut(to, 24)), TRF),
            }
        }
        Rail::Salary { employer } => match cx.v(2) {
            0 => (
                format!(
                    "VIREMENT RECU DE {} SALAIRE {} {}",
                    cut(employer, 26),
                    cx.mois(),
                    cx.yyyy()
                ),
                TRF,
            ),
            _ => (
                format!(
                    "VIR SALAIRE {} {} {}",
                    cx.mois(),
                    cx.yy(),
                    cut(employer, 24)
                ),
                TRF,
            ),
        },
        Rail::Pension { payer } => (
            format!("VIREMENT {payer} PENSION {} {}", cx.mois(), cx.yyyy()),
            TRF,
        ),
        Rail::MomoIn { provider } => match cx.v(2) {
            0 => (format!("{provider} TRANSFERT {phone} VERS COMPTE"), MOMO),
            _ => (
                format!("{provider} VERS BANQUE {phone} {}", cx.an(10)),
                MOMO,
            ),
        },
        Rail::MomoOut { provider } => match cx.v(2) {
            0 => (format!("TRANSFERT COMPTE VERS {provider} {phone}"), MOMO),
            _ => (
                format!("RECHARGE {provider} {phone} REF {}", cx.d(10)),
                MOMO,
            ),
        },
        Rail::Airtime { telco } => match cx.v(2) {
            0 => (format!("ACHAT CREDIT {telco} {phone}"), ONLINE),
            _ => (format!("RECHARGE {telco} {phone}"), ONLINE),
        },
        Rail::Fee(fee) => (
            match fee {
                Fee::Sms => format!("FRAIS SMS BANKING {}", cx.mois()),
                Fee::Stamp => "TIMBRE FISCAL".to_owned(),
                Fee::Transfer => "COMMISSION VIREMENT + TAF".to_owned(),
                Fee::Maintenance => format!("FRAIS TENUE DE COMPTE {} {}", cx.mois(), cx.yyyy()),
                Fee::Card => "COTISATION CARTE VISA".to_owned(),
                Fee::Atm => "COMMISSION RETRAIT DEPLACE".to_owned(),
                Fee::Unpaid => "FRAIS REJET PRELEVEMENT".to_owned(),
            },
            FEE,
        ),
        Rail::Interest { credit } => (
            if credit {
                "INTERETS CREDITEURS".to_owned()
            } else {
                format!("INTERETS DEBITEURS {}", cx.mois())
            },
            INT,
        ),
        Rail::CashDeposit => match cx.v(2) {
            0 => (format!("VERSEMENT ESPECES {}", cut(&cx.holder, 24)), CASH),
            _ => (format!("VERSEMENT ESPECES AGENCE {city}"), CASH),
        },
        Rail::Cheque { from } => (format!("REMISE CHEQUE {} {}", cx.d(7), cut(from, 20)), CHQ),
        Rail::Debit { creditor, memo }
        | Rail::Gov {
            body: creditor,
            memo,
        } => {
            let memo = memo_fr(cx, memo);
            (format!("PRELEVEMENT {creditor} {memo} {}", cx.d(8)), DD)
        }
        Rail::Standing { to, memo } => {
            let memo = memo_fr(cx, memo);
            (format!("VIREMENT PERMANENT {to} {memo}"), SO)
        }
        Rail::TontineOut { group } => {
            let group = cut(group.trim_start_matches("TONTINE "), 26);
            match cx.v(2) {
                0 => (format!("COTISATION TONTINE {group}"), TRF),
                _ => (format!("VERSEMENT TONTINE {group}"), TRF),
            }
        }
        Rail::TontineIn { group } => match cx.v(2) {
            0 => (format!("TONTINE {} LOT {}", cut(group, 26), cx.mois()), TRF),
            _ => (
                format!("VIREMENT RECU DE {} LOT TONTINE", cut(group, 26)),
                TRF,
            ),
        },
        Rail::LoanIn { lender } => match cx.v(2) {
            0 => (format!("DEBLOCAGE PRET {lender} {}", cx.d(8)), TRF),
            _ => (format!("MISE A DISPOSITION CREDIT {lender}"), TRF),
        },
        Rail::LoanOut { lender } => match cx.v(2) {
            0 => (format!("ECHEANCE PRET {lender} {}", cx.d(6)), DD),
            _ => (format!("PRELEVEMENT ECHEANCE {lender}"), DD),
        },
        Rail::LoanReturned { lender } => (
            format!("REJET ECHEANCE {lender} PROVISION INSUFFISANTE"),
            DD,
        ),
        Rail::Bet { operator } => match cx.v(2) {
            0 => (format!("PAIEMENT {operator} {phone}"), MOMO),
            _ => (format!("ORANGE MONEY {operator} {}", cx.an(10)), MOMO),
        },
        Rail::BetWin { operator } => (format!("VIREMENT RECU DE {operator} GAINS"), TRF),
        Rail::Reversal { merchant } => (format!("ANNULATION PAIEMENT CB {merchant}"), CARD),
        Rail::OwnIn { .. } => (
            format!("VIREMENT RECU DE {} COMPTE EPARGNE", cut(&cx.holder, 24)),
            TRF,
        ),
        Rail::OwnOut { .. } => (format!("VIREMENT INTERNE VERS COMPTE {}", cx.d(11)), TRF),
        Rail::Settlement { acquirer } => (format!("REMISE {acquirer} {}", cx.fmt(1, "%d/%m")), TRF),
        Rail::Payout { platform } => (
            format!("VIREMENT RECU DE {platform} PAIEMENT CHAUFFEUR"),
            TRF,
        ),
        _ => return None,
    })
}

/// The memo a rail carries, for rails that carry one.
fn memo_of(rail: &Rail<'_>) -> Memo {
    match *rail {
        Rail::In { memo, .. }
        | Rail::Out { memo, .. }
        | Rail::Debit { memo, .. }
        | Rail::Standing { memo, .. }
        | Rail::Gov { memo, .. } => memo,
        Rail::Payroll { .. } => Memo::Salary,
        _ => Memo::None,
    }
}

fn fr(cx: &mut Cx, rail: &Rail<'_>) -> Out {
    let city = cx.city().to_uppercase();
    Some(match *rail {
        Rail::Card { merchant, .. } | Rail::Bet { operator: merchant } => match cx.v(3) {
            0 => (
                format!("CB {} {}", cut(merchant, 20), cx.fmt_r(3, "%d/%m")),
                card_or_online(rail),
            ),
            1 => (
                format!(
                    "PAIEMENT PAR CARTE X{} {} {}",
                    cx.last4.clone(),
                    cut(merchant, 20),
                    cx.fmt_r(3, "%d/%m")
                ),
                card_or_online(rail),
            ),
            _ => (
                format!("CARTE {} {} {city}", cx.fmt(1, "%d/%m"), cut(merchant, 20)),
                card_or_online(rail),
            ),
        },
        Rail::Atm => match cx.v(2) {
            0 => (format!("RETRAIT DAB {} {city}", cx.fmt_r(2, "%d/%m")), ATM),
            _ => (
                format!(
                    "RETRAIT DAB {} {city} {} CARTE X{}",
                    cx.bank_short(),
                    cx.fmt(0, "%d/%m/%y"),
                    cx.last4.clone()
                ),
                ATM,
            ),
        },
        Rail::In { from, .. } | Rail::Payout { platform: from } => {
            let memo = memo_fr(
                cx,
                if matches!(rail, Rail::Payout { .. }) {
                    Memo::Invoice
                } else {
                    memo_of(rail)
                },
            );
            match cx.v(3) {
                0 => (
                    format!(
                        "VIR SEPA RECU /DE {} /MOTIF {memo} /REF {}",
                        cut(from, 30),
                        cx.an(12)
                    ),
                    TRF,
                ),
                1 => (format!("VIREMENT DE {} {memo}", cut(from, 26)), TRF),
                _ => (
                    format!(
                        "VIR INST RE {} DE: {} MOTIF: {memo}",
                        cx.d(7),
                        cut(from, 26)
                    ),
                    TRF,
                ),
            }
        }
        Rail::Out { to, .. } | Rail::Payroll { staff: to } => {
            let memo = memo_fr(cx, memo_of(rail));
            match cx.v(3) {
                0 => (
                    format!(
                        "VIR SEPA EMIS /A {} /MOTIF {memo} /REF {}",
                        cut(to, 30),
                        cx.an(12)
                    ),
                    TRF,
                ),
                1 => (format!("VIREMENT A {} {memo}", cut(to, 26)), TRF),
                _ => (format!("VIR INST EMIS VERS {} {memo}", cut(to, 26)), TRF),
            }
        }
        Rail::Salary { employer } => match cx.v(2) {
            0 => (
                format!(
                    "VIR SEPA RECU /DE {} /MOTIF SALAIRE {} {} /REF {}",
                    cut(employer, 30),
                    cx.mois(),
                    cx.yyyy(),
                    cx.an(10)
                ),
                TRF,
            ),
            _ => (
                format!(
                    "VIREMENT DE {} PAIE {}",
                    cut(employer, 26),
                    cx.fmt(0, "%m/%Y")
                ),
                TRF,
            ),
        },
        Rail::Pension { payer } | Rail::Benefit { payer } => (
            format!(
                "VIR SEPA RECU /DE {payer} /MOTIF {} {} /REF {}",
                if matches!(rail, Rail::Pension { .. }) {
                    "RETRAITE"
                } else {
                    "PRESTATIONS"
                },
                cx.fmt(0, "%m%Y"),
                cx.an(10)
            ),
            TRF,
        ),
        Rail::Debit { creditor, .. }
        | Rail::Gov { body: creditor, .. }
        | Rail::LoanOut { lender: creditor } => {
            let memo = memo_fr(
                cx,
                if matches!(rail, Rail::LoanOut { .. }) {
                    Memo::Loan
                } else {
                    memo_of(rail)
                },
            );
            let memo = if matches!(rail, Rail::LoanOut { .. }) {
                format!("ECHEANCE {memo}")
            } else {
                memo
            };
            match cx.v(3) {
                0 => (
                    format!(
                        "PRLV SEPA {} {memo} ICS FR{}ZZZ{} RUM {}",
                        cut(creditor, 26),
                        cx.d(2),
                        cx.d(6),
                        cx.an(10)
                    ),
                    DD,
                ),
                1 => (
                    format!("PRELEVEMENT {} {memo} {}", cut(creditor, 26), cx.d(8)),
                    DD,
                ),
                _ => (format!("PRLV SEPA {}: {memo}", cut(creditor, 26)), DD),
            }
        }
        Rail::Standing { to, memo } => {
            let memo = memo_fr(cx, memo);
            match cx.v(2) {
                0 => (format!("VIR PERMANENT {} {memo}", cut(to, 26)), SO),
                _ => (
                    format!("VIREMENT PERMANENT VERS {} {memo}", cut(to, 24)),
                    SO,
                ),
            }
        }
        Rail::Fee(fee) => (
            match fee {
                Fee::Sms => "ABONNEMENT ALERTES SMS".to_owned(),
                Fee::Stamp => "FRAIS DIVERS".to_owned(),
                Fee::Transfer => "FRAIS VIREMENT".to_owned(),
                Fee::Maintenance => match cx.v(2) {
                    0 => "FRAIS TENUE DE COMPTE".to_owned(),
                    _ => "COTISATION OFFRE GROUPEE DE SERVICES".to_owned(),
                },
                Fee::Card => "COTISATION CARTE VISA CLASSIC".to_owned(),
                Fee::Atm => "FRAIS RETRAIT DAB HORS RESEAU".to_owned(),
                Fee::Unpaid => match cx.v(2) {
                    0 => "FRAIS REJET PRLV".to_owned(),
                    _ => "COMMISSION D'INTERVENTION".to_owned(),
                },
            },
            FEE,
        ),
        Rail::Interest { credit } => (
            if credit {
                "INTERETS CREDITEURS".to_owned()
            } else {
                format!("AGIOS {}", cx.fmt(0, "%m/%Y"))
            },
            INT,
        ),
        Rail::CashDeposit => (format!("VERSEMENT ESPECES {}", cx.fmt(0, "%d/%m")), CASH),
        Rail::Cheque { .. } => (format!("REMISE CHEQUE N {}", cx.d(7)), CHQ),
        Rail::Reversal { merchant } => match cx.v(2) {
            0 => (
                format!(
                    "REMBOURSEMENT CB {} {}",
                    cut(merchant, 20),
                    cx.fmt(1, "%d/%m")
                ),
                CARD,
            ),
            _ => (format!("AVOIR CARTE {}", cut(merchant, 24)), CARD),
        },
        Rail::LoanIn { lender } => (
            format!(
                "VIR SEPA RECU /DE {lender} /MOTIF FINANCEMENT PRET {} /REF {}",
                cx.d(8),
                cx.an(10)
            ),
            TRF,
        ),
        Rail::LoanReturned { lender } => (
            format!("REJET PRLV SEPA {lender} PROVISION INSUFFISANTE"),
            DD,
        ),
        Rail::BetWin { operator } => (
            format!(
                "VIR SEPA RECU /DE {operator} /MOTIF RETRAIT GAINS /REF {}",
                cx.an(12)
            ),
            TRF,
        ),
        Rail::OwnIn { pocket } => match pocket {
            Some(p) => (format!("VIR {p} {}", cut(&cx.holder, 20)), TRF),
            None => (
                format!(
                    "VIR SEPA RECU /DE {} /MOTIF VIREMENT INTERNE",
                    cx.holder.clone()
                ),
                TRF,
            ),
        },
        Rail::OwnOut { pocket } => match pocket {
            Some(p) => (format!("VIR {p} {}", cut(&cx.holder, 20)), TRF),
            None => (format!("VIR COMPTE A COMPTE {}", cut(&cx.holder, 24)), TRF),
        },
        Rail::Settlement { acquirer } => {
            (format!("REMISE {acquirer} {}", cx.fmt(1, "%d%m%y")), TRF)
        }
        _ => return None,
    })
}

fn online_flag(rail: &Rail<'_>) -> bool {
    match *rail {
        Rail::Card { online, .. } => online,
        _ => true,
    }
}

fn card_or_online(rail: &Rail<'_>) -> &'static str {
    if online_flag(rail) { ONLINE } else { CARD }
}

fn de(cx: &mut Cx, rail: &Rail<'_>) -> Out {
    let city = cx.city();
    Some(match *rail {
        Rail::Card { merchant, .. } | Rail::Bet { operator: merchant } => match cx.v(3) {
            0 => (
                format!(
                    "Kartenzahlung girocard {}//{city}/DE {} Karte1 {}-12",
                    cut(merchant, 22),
                    cx.fmt_r(3, "%Y-%m-%dT%H:%M:%S"),
                    cx.yyyy() + 3
                ),
                card_or_online(rail),
            ),
            1 => (
                format!(
                    "Lastschrift aus Kartenzahlung {} {city} {}",
                    cut(merchant, 22),
                    cx.fmt(1, "%d.%m.%Y")
                ),
                card_or_online(rail),
            ),
            _ => (
                format!(
                    "VISA Debit {} {city} {}",
                    cut(merchant, 22),
                    cx.fmt(1, "%d.%m")
                ),
                card_or_online(rail),
            ),
        },
        Rail::Atm => match cx.v(2) {
            0 => (
                format!(
                    "Bargeldauszahlung GA {} {city} {}",
                    cx.d(8),
                    cx.fmt(0, "%d.%m.%Y %H:%M")
                ),
                ATM,
            ),
            _ => (
                format!("Auszahlung Geldautomat {} {city}", cx.country.bank),
                ATM,
            ),
        },
        Rail::In { from, .. } | Rail::Payout { platform: from } => {
            let memo = memo_de(
                cx,
                if matches!(rail, Rail::Payout { .. }) {
                    Memo::Invoice
                } else {
                    memo_of(rail)
                },
            );
            match cx.v(3) {
                0 => (
                    format!(
                        "Gutschrift {} {memo} End-to-End-Ref.: {}",
                        cut(from, 27),
                        cx.an(12)
                    ),
                    TRF,
                ),
                1 => (
                    format!("Überweisung von {} Verwendungszweck: {memo}", cut(from, 27)),
                    TRF,
                ),
                _ => (format!("Echtzeitüberweisung {} {memo}", cut(from, 27)), TRF),
            }
        }
        Rail::Out { to, .. } | Rail::Payroll { staff: to } => {
            let memo = memo_de(cx, memo_of(rail));
            match cx.v(3) {
                0 => (
                    format!(
                        "Überweisung an {} {memo} IBAN DE{}****{}",
                        cut(to, 27),
                        cx.d(2),
                        cx.d(4)
                    ),
                    TRF,
                ),
                1 => (format!("Online-Überweisung {} {memo}", cut(to, 27)), TRF),
                _ => (
                    format!("Echtzeitüberweisung an {} {memo}", cut(to, 27)),
                    TRF,
                ),
            }
        }
        Rail::Salary { employer } => match cx.v(3) {
            0 => (
                format!(
                    "Lohn/Gehalt {} Gehalt {} {}",
                    cut(employer, 27),
                    cx.monat(),
                    cx.yyyy()
                ),
                TRF,
            ),
            1 => (
                format!(
                    "Gutschrift {} LOHN {} PERS-NR {}",
                    cut(employer, 27),
                    cx.fmt(0, "%m/%Y"),
                    cx.d(6)
                ),
                TRF,
            ),
            _ => (
                format!("Gehalt {} {}", cx.fmt(0, "%m.%Y"), cut(employer, 27)),
                TRF,
            ),
        },
        Rail::Pension { payer } | Rail::Benefit { payer } => (
            format!(
                "Gutschrift {payer} {} {}",
                if matches!(rail, Rail::Pension { .. }) {
                    "Rente"
                } else {
                    "Leistung"
                },
                cx.fmt(0, "%m/%Y")
            ),
            TRF,
        ),
        Rail::Debit { creditor, .. }
        | Rail::Gov { body: creditor, .. }
        | Rail::LoanOut { lender: creditor } => {
            let memo = if matches!(rail, Rail::LoanOut { .. }) {
                format!("Rate {}", memo_de(cx, Memo::Loan))
            } else {
                memo_de(cx, memo_of(rail))
            };
            match cx.v(3) {
                0 => (
                    format!(
                        "Lastschrift {} {memo} Mandatsref. {} Gläubiger-ID DE{}ZZZ{}",
                        cut(creditor, 27),
                        cx.an(10),
                        cx.d(2),
                        cx.d(11)
                    ),
                    DD,
                ),
                1 => (format!("Folgelastschrift {} {memo}", cut(creditor, 27)), DD),
                _ => (format!("SEPA-Lastschrift {} {memo}", cut(creditor, 27)), DD),
            }
        }
        Rail::Standing { to, memo } => {
            let memo = memo_de(cx, memo);
            (format!("Dauerauftrag {} {memo}", cut(to, 27)), SO)
        }
        Rail::Fee(fee) => (
            match fee {
                Fee::Sms => "Entgelt SMS-Service".to_owned(),
                Fee::Stamp => "Entgelt".to_owned(),
                Fee::Transfer => "Entgelt Überweisung".to_owned(),
                Fee::Maintenance => match cx.v(2) {
                    0 => format!("Entgelt Kontoführung {}", cx.fmt(0, "%m/%Y")),
                    _ => "Kontoführungsentgelt".to_owned(),
                },
                Fee::Card => "Jahresentgelt girocard".to_owned(),
                Fee::Atm => "Entgelt Fremdautomat".to_owned(),
                Fee::Unpaid => "Entgelt Rücklastschrift".to_owned(),
            },
            FEE,
        ),
        Rail::Interest { credit } => (
            if credit {
                "Abschluss Habenzinsen".to_owned()
            } else {
                format!("Sollzinsen {}", cx.fmt(0, "%m/%Y"))
            },
            INT,
        ),
        Rail::CashDeposit => (format!("Bareinzahlung {city}"), CASH),
        Rail::Cheque { .. } => (format!("Scheckeinreichung {}", cx.d(8)), CHQ),
        Rail::Reversal { merchant } => match cx.v(2) {
            0 => (
                format!("Gutschrift Rückerstattung {}", cut(merchant, 27)),
                CARD,
            ),
            _ => (format!("Storno Kartenzahlung {}", cut(merchant, 27)), CARD),
        },
        Rail::LoanIn { lender } => (
            format!("Gutschrift {lender} Auszahlung Kredit Nr {}", cx.d(10)),
            TRF,
        ),
        Rail::LoanReturned { lender } => (format!("Rücklastschrift {lender} mangels Deckung"), DD),
        Rail::BetWin { operator } => (
            format!("Gutschrift {operator} Auszahlung {}", cx.an(10)),
            TRF,
        ),
        Rail::OwnIn { pocket } | Rail::OwnOut { pocket } => (
            match pocket {
                Some(p) => format!("Umbuchung {p} {}", cx.holder.clone()),
                None => format!("Übertrag {} Eigenes Konto", cx.holder.clone()),
            },
            TRF,
        ),
        Rail::Settlement { acquirer } => (
            format!("Gutschrift {acquirer} Auszahlung {}", cx.fmt(1, "%d.%m.%Y")),
            TRF,
        ),
        _ => return None,
    })
}

fn gb(cx: &mut Cx, rail: &Rail<'_>) -> Out {
    let city = cx.city();
    Some(match *rail {
        Rail::Card {
            merchant,
            online: false,
        } => match cx.v(4) {
            0 => (
                format!(
                    "CARD PAYMENT TO {} ON {}",
                    cut(merchant, 24),
                    cx.fmt_r(3, "%d %b").to_uppercase()
                ),
                CARD,
            ),
            1 => (format!("VIS {} {city}", cut(merchant, 24)), CARD),
            2 => (
                format!("DEB {} CD {}", cut(merchant, 24), cx.last4.clone()),
                CARD,
            ),
            _ => (
                format!(
                    "POS {} {} {} {city} GB",
                    cx.last4.clone(),
                    cx.fmt(1, "%d%b%y").to_uppercase(),
                    cut(merchant, 20)
                ),
                CARD,
            ),
        },
        Rail::Card {
            merchant,
            online: true,
        }
        | Rail::Bet { operator: merchant } => match cx.v(2) {
            0 => (
                format!(
                    "CARD PAYMENT TO {}*{} ON {}",
                    cut(merchant, 18),
                    cx.an(6),
                    cx.fmt(1, "%d %b").to_uppercase()
                ),
                ONLINE,
            ),
            _ => (format!("VIS {} INTERNET", cut(merchant, 24)), ONLINE),
        },
        Rail::Atm => match cx.v(3) {
            0 => (
                format!(
                    "CASH WITHDRAWAL AT {} {city} ON {}",
                    cx.bank_short(),
                    cx.fmt(0, "%d %b").to_uppercase()
                ),
                ATM,
            ),
            1 => (
                format!("CPT {city} {}", cx.fmt(0, "%d%b").to_uppercase()),
                ATM,
            ),
            _ => (
                format!("LNK {} {city} CD {}", cx.an(8), cx.last4.clone()),
                ATM,
            ),
        },
        Rail::In { from, .. } | Rail::Payout { platform: from } => {
            let memo = memo_en(cx, memo_of(rail));
            match cx.v(3) {
                0 => (
                    format!("FASTER PAYMENT RECEIVED FROM {} REF {memo}", cut(from, 18)),
                    TRF,
                ),
                1 => (
                    format!("FPI {} {memo} {} {}", cut(from, 18), cx.d(6), cx.d(8)),
                    TRF,
                ),
                _ => (format!("BGC {} {memo}", cut(from, 18)), TRF),
            }
        }
        Rail::Out { to, .. } | Rail::Payroll { staff: to } | Rail::Gov { body: to, .. } => {
            let memo = memo_en(cx, memo_of(rail));
            match cx.v(3) {
                0 => (
                    format!(
                        "FASTER PAYMENT TO {} REF {memo} ON {}",
                        cut(to, 18),
                        cx.fmt(0, "%d %b").to_uppercase()
                    ),
                    TRF,
                ),
                1 => (format!("FPO {} {memo} {}", cut(to, 18), cx.d(6)), TRF),
                _ => (format!("BP {} {memo}", cut(to, 18)), TRF),
            }
        }
        Rail::Salary { employer } => match cx.v(3) {
            0 => (
                format!("BACS SALARY {} {}", cut(employer, 18), cx.mon()),
                TRF,
            ),
            1 => (
                format!("BGC {} SAL {}{}", cut(employer, 18), cx.mon(), cx.yy()),
                TRF,
            ),
            _ => (
                format!("FPI {} PAYROLL {}", cut(employer, 18), cx.d(8)),
                TRF,
            ),
        },
        Rail::Pension { payer } | Rail::Benefit { payer } => {
            (format!("BGC {} {}", cut(payer, 18), cx.an(10)), TRF)
        }
        Rail::Debit { creditor, .. } | Rail::LoanOut { lender: creditor } => {
            let memo = if matches!(rail, Rail::LoanOut { .. }) {
                format!("LOAN {}", cx.d(8))
            } else {
                memo_en(cx, memo_of(rail))
            };
            match cx.v(3) {
                0 => (format!("DD {} {memo}", cut(creditor, 18)), DD),
                1 => (
                    format!(
                        "DIRECT DEBIT PAYMENT TO {} REF {}",
                        cut(creditor, 18),
                        cx.an(10)
                    ),
                    DD,
                ),
                _ => (format!("DDR {} {}", cut(creditor, 18), cx.an(8)), DD),
            }
        }
        Rail::Standing { to, memo } => {
            let memo = memo_en(cx, memo);
            match cx.v(2) {
                0 => (format!("SO {} {memo}", cut(to, 18)), SO),
                _ => (format!("STANDING ORDER TO {} REF {memo}", cut(to, 18)), SO),
            }
        }
        Rail::Fee(fee) => (
            match fee {
                Fee::Maintenance => "MONTHLY ACCOUNT FEE".to_owned(),
                Fee::Unpaid => match cx.v(2) {
                    0 => "UNPAID ITEM CHARGE".to_owned(),
                    _ => "RETURNED DIRECT DEBIT FEE".to_owned(),
                },
                Fee::Atm => "NON-STERLING CASH FEE".to_owned(),
                Fee::Card => "REPLACEMENT CARD FEE".to_owned(),
                Fee::Transfer => "CHAPS PAYMENT FEE".to_owned(),
                Fee::Sms | Fee::Stamp => "TEXT ALERT FEE".to_owned(),
            },
            FEE,
        ),
        Rail::Interest { credit } => (
            if credit {
                "INTEREST PAID GROSS".to_owned()
            } else {
                format!(
                    "ARRANGED OVERDRAFT INTEREST TO {}",
                    cx.fmt(0, "%d %b").to_uppercase()
                )
            },
            INT,
        ),
        Rail::CashDeposit => (format!("CASH DEPOSIT {city}"), CASH),
        Rail::Cheque { .. } => (format!("CHQ IN {}", cx.d(6)), CHQ),
        Rail::Reversal { merchant } => (
            format!(
                "REFUND FROM {} ON {}",
                cut(merchant, 22),
                cx.fmt(2, "%d %b").to_uppercase()
            ),
            CARD,
        ),
        Rail::LoanIn { lender } => match cx.v(2) {
            0 => (format!("FPI {lender} LOAN {}", cx.an(8)), TRF),
            _ => (
                format!("FASTER PAYMENT RECEIVED FROM {lender} REF LOAN ADVANCE"),
                TRF,
            ),
        },
        Rail::LoanReturned { lender } => match cx.v(2) {
            0 => (format!("UNPAID DD {lender}"), DD),
            _ => (format!("RETURNED DIRECT DEBIT {lender}"), DD),
        },
        Rail::BetWin { operator } => (format!("FPI {operator} WITHDRAWAL {}", cx.d(8)), TRF),
        Rail::OwnIn { pocket } => match pocket {
            Some(p) => (format!("TFR FROM {p} {}", cx.d(8)), TRF),
            None => (
                format!("TRANSFER FROM {} {}", cut(&cx.holder, 18), cx.d(6)),
                TRF,
            ),
        },
        Rail::OwnOut { pocket } => match pocket {
            Some(p) => (format!("TFR TO {p} {}", cx.d(8)), TRF),
            None => (format!("INTERNET TRANSFER OWN ACCOUNT {}", cx.d(6)), TRF),
        },
        Rail::Settlement { acquirer } => (format!("{acquirer} PAYOUT {}", cx.an(10)), TRF),
        _ => return None,
    })
}

fn us(cx: &mut Cx, rail: &Rail<'_>) -> Out {
    let city = cx.city();
    Some(match *rail {
        Rail::Card {
            merchant,
            online: false,
        } => match cx.v(4) {
            0 => (format!("POS DEBIT {} {city}", cut(merchant, 22)), CARD),
            1 => (
                format!(
                    "DEBIT CARD PURCHASE {} {} {city} CARD {}",
                    cx.fmt(1, "%m/%d"),
                    cut(merchant, 22),
                    cx.last4.clone()
                ),
                CARD,
            ),
            2 => (
                format!(
                    "{} {} #{} PURCHASE {city}",
                    cut(merchant, 22),
                    cx.fmt(1, "%m/%d"),
                    cx.d(6)
                ),
                CARD,
            ),
            _ => (
                format!(
                    "CHECKCARD {} {} {city} {}",
                    cx.fmt(1, "%m%d"),
                    cut(merchant, 22),
                    cx.d(23)
                ),
                CARD,
            ),
        },
        Rail::Card {
            merchant,
            online: true,
        }
        | Rail::Bet { operator: merchant } => match cx.v(2) {
            0 => (
                format!(
                    "{} {}-{}-{} {}",
                    cut(merchant, 22),
                    cx.d(3),
                    cx.d(3),
                    cx.d(4),
                    cx.fmt(1, "%m/%d")
                ),
                ONLINE,
            ),
            _ => (
                format!(
                    "DEBIT CARD PURCHASE {} {} WWW CARD {}",
                    cx.fmt(1, "%m/%d"),
                    cut(merchant, 22),
                    cx.last4.clone()
                ),
                ONLINE,
            ),
        },
        Rail::Atm => match cx.v(2) {
            0 => (
                format!("ATM WITHDRAWAL {} {} {city}", cx.d(6), cx.fmt(0, "%m/%d")),
                ATM,
            ),
            _ => (
                format!(
                    "NON-CHASE ATM WITHDRAW {} {} {city}",
                    cx.d(6),
                    cx.fmt(0, "%m/%d")
                ),
                ATM,
            ),
        },
        Rail::In { from, memo } => {
            let memo = memo_en(cx, memo);
            match cx.v(3) {
                0 => (
                    format!(
                        "ZELLE FROM {} ON {} REF # {}",
                        cut(from, 22),
                        cx.fmt(0, "%m/%d"),
                        cx.an(9)
                    ),
                    TRF,
                ),
                1 => (
                    format!(
                        "ONLINE TRANSFER FROM {} REF #{} {memo}",
                        cut(from, 22),
                        cx.an(10)
                    ),
                    TRF,
                ),
                _ => (format!("DEPOSIT FROM {} {memo}", cut(from, 22)), TRF),
            }
        }
        Rail::Out { to, .. } | Rail::Payroll { staff: to } => {
            let memo = memo_en(cx, memo_of(rail));
            match cx.v(3) {
                0 => (
                    format!(
                        "ZELLE TO {} ON {} REF # {}",
                        cut(to, 22),
                        cx.fmt(0, "%m/%d"),
                        cx.an(9)
                    ),
                    TRF,
                ),
                1 => (format!("ONLINE TRANSFER TO {} {memo}", cut(to, 22)), TRF),
                _ => (format!("BILL PAY {} {memo}", cut(to, 22)), TRF),
            }
        }
        Rail::Salary { employer } => match cx.v(3) {
            0 => (
                format!(
                    "ACH DEPOSIT {} PAYROLL PPD ID: {}",
                    cut(employer, 22),
                    cx.d(10)
                ),
                TRF,
            ),
            1 => (
                format!("{} DIRECT DEP PPD ID: {}", cut(employer, 22), cx.d(10)),
                TRF,
            ),
            _ => (format!("DIRECT DEPOSIT {} PAYROLL", cut(employer, 22)), TRF),
        },
        Rail::Pension { payer } | Rail::Benefit { payer } => {
            (format!("{payer} XXSOC SEC PPD ID: {}", cx.d(10)), TRF)
        }
        Rail::Debit { creditor, .. }
        | Rail::Gov { body: creditor, .. }
        | Rail::LoanOut { lender: creditor } => {
            let what = if matches!(rail, Rail::LoanOut { .. }) {
                "LOAN PMT"
            } else {
                "ACH PMT"
            };
            match cx.v(3) {
                0 => (
                    format!(
                        "ACH DEBIT {} {what} PPD ID: {}",
                        cut(creditor, 22),
                        cx.d(10)
                    ),
                    DD,
                ),
                1 => (
                    format!("{} {what} WEB ID: {}", cut(creditor, 22), cx.d(10)),
                    DD,
                ),
                _ => (
                    format!("ELECTRONIC WITHDRAWAL {} {what}", cut(creditor, 22)),
                    DD,
                ),
            }
        }
        Rail::Fee(fee) => (
            match fee {
                Fee::Maintenance => "MONTHLY SERVICE FEE".to_owned(),
                Fee::Unpaid => match cx.v(2) {
                    0 => "INSUFFICIENT FUNDS FEE FOR A RETURNED ITEM".to_owned(),
                    _ => "NSF RETURNED ITEM FEE".to_owned(),
                },
                Fee::Atm => "NON-CHASE ATM FEE-WITH".to_owned(),
                Fee::Transfer => "DOMESTIC WIRE FEE".to_owned(),
                Fee::Card => "CARD REPLACEMENT FEE".to_owned(),
                Fee::Sms | Fee::Stamp => "SERVICE CHARGE".to_owned(),
            },
            FEE,
        ),
        Rail::Interest { credit } => (
            if credit {
                "INTEREST PAYMENT".to_owned()
            } else {
                "OVERDRAFT INTEREST CHARGE".to_owned()
            },
            INT,
        ),
        Rail::CashDeposit => (
            format!("ATM CASH DEPOSIT {} {city}", cx.fmt(0, "%m/%d")),
            CASH,
        ),
        Rail::Cheque { .. } => match cx.v(2) {
            0 => (format!("REMOTE ONLINE DEPOSIT # {}", cx.d(6)), CHQ),
            _ => (format!("MOBILE CHECK DEPOSIT {}", cx.d(8)), CHQ),
        },
        Rail::Reversal { merchant } => (
            format!(
                "PURCHASE RETURN {} {}",
                cut(merchant, 22),
                cx.fmt(2, "%m/%d")
            ),
            CARD,
        ),
        Rail::LoanIn { lender } => match cx.v(2) {
            0 => (format!("{lender} LOAN DISB PPD ID: {}", cx.d(10)), TRF),
            _ => (format!("ACH CREDIT {lender} FUNDING {}", cx.d(8)), TRF),
        },
        Rail::LoanReturned { lender } => (format!("RETURNED ACH {lender} NSF"), DD),
        Rail::BetWin { operator } => (
            format!("ACH DEPOSIT {operator} WITHDRAWAL PPD ID: {}", cx.d(10)),
            TRF,
        ),
        Rail::Payout { platform } => match cx.v(2) {
            0 => (format!("{platform} PAYOUT PPD ID: {}", cx.d(10)), TRF),
            _ => (format!("{platform} INSTANT PAY {}", cx.an(8)), TRF),
        },
        Rail::Settlement { acquirer } => (
            format!("{acquirer} {}P2 {}", cx.fmt(1, "%y%m%d"), cx.an(12)),
            TRF,
        ),
        Rail::OwnIn { .. } => (
            format!(
                "ONLINE TRANSFER FROM SAV ...{} TRANSACTION#: {}",
                cx.d(4),
                cx.d(10)
            ),
            TRF,
        ),
        Rail::OwnOut { .. } => (
            format!(
                "ONLINE TRANSFER TO SAV ...{} TRANSACTION#: {}",
                cx.d(4),
                cx.d(10)
            ),
            TRF,
        ),
        _ => return None,
    })
}

fn upi_handle(cx: &mut Cx, name: &str) -> String {
    let base: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(10)
        .collect::<String>()
        .to_lowercase();
    let psp = ["okaxis", "ybl", "okhdfcbank", "paytm", "oksbi", "ibl"]
        .get(cx.r(6) as usize)
        .copied()
        .unwrap_or("ybl");
    format!("{base}{}@{psp}", cx.d(2))
}

fn india(cx: &mut Cx, rail: &Rail<'_>) -> Out {
    let city = cx.city();
    let ifsc = [
        "SBIN0001234",
        "ICIC0000456",
        "UTIB0000789",
        "KKBK0000321",
        "HDFC0000123",
    ]
    .get(cx.r(5) as usize)
    .copied()
    .unwrap_or("SBIN0001234");
    Some(match *rail {
        Rail::Card { merchant, .. } | Rail::Bet { operator: merchant } => {
            let online = online_flag(rail);
            let handle = upi_handle(cx, merchant);
            match cx.v(4) {
                0 => (
                    format!("UPI/{}/{}/{handle}/PAYMENT", cx.d(12), cut(merchant, 20)),
                    TRF,
                ),
                1 => (
                    format!(
                        "UPI-{}-{handle}-{ifsc}-{}-PAY TO MERCHANT",
                        cut(merchant, 20),
                        cx.d(12)
                    ),
                    TRF,
                ),
                2 => (
                    format!(
                        "POS {}XXXXXX{} {}",
                        cx.bin.clone(),
                        cx.last4.clone(),
                        cut(merchant, 20)
                    ),
                    if online { ONLINE } else { CARD },
                ),
                _ => (
                    format!("POS/{}/{city}/{}", cut(merchant, 20), cx.fmt(1, "%d-%m-%y")),
                    if online { ONLINE } else { CARD },
                ),
            }
        }
        Rail::Atm => match cx.v(2) {
            0 => (
                format!(
                    "ATW-{}XXXXXX{}-{}-{city}",
                    cx.bin.clone(),
                    cx.last4.clone(),
                    cx.an(8)
                ),
                ATM,
            ),
            _ => (
                format!(
                    "NWD-{}XXXXXX{}-{}-{city}",
                    cx.bin.clone(),
                    cx.last4.clone(),
                    cx.an(8)
                ),
                ATM,
            ),
        },
        Rail::In { from, .. } | Rail::Payout { platform: from } => {
            let memo = memo_en(cx, memo_of(rail));
            match cx.v(3) {
                0 => (
                    format!("NEFT CR-{ifsc}-{}-{memo}-{}", cut(from, 24), cx.an(16)),
                    TRF,
                ),
                1 => (
                    format!(
                        "IMPS-{}-{}-{}-XXXXXXX{}-{memo}",
                        cx.d(12),
                        cut(from, 20),
                        &ifsc.chars().take(4).collect::<String>(),
                        cx.d(4)
                    ),
                    TRF,
                ),
                _ => {
                    let handle = upi_handle(cx, from);
                    (
                        format!("UPI-{}-{handle}-{ifsc}-{}-{memo}", cut(from, 20), cx.d(12)),
                        TRF,
                    )
                }
            }
        }
        Rail::Out { to, .. } | Rail::Payroll { staff: to } => {
            let memo = memo_en(cx, memo_of(rail));
            match cx.v(3) {
                0 => (
                    format!(
                        "NEFT DR-{ifsc}-{}-NETBANK, MUM-{}-{memo}",
                        cut(to, 24),
                        cx.an(16)
                    ),
                    TRF,
                ),
                1 => (format!("IMPS-{}-{}-{memo}", cx.d(12), cut(to, 20)), TRF),
                _ => {
                    let handle = upi_handle(cx, to);
                    (
                        format!("UPI/{}/{}/{handle}/{memo}", cx.d(12), cut(to, 20)),
                        TRF,
                    )
                }
            }
        }
        Rail::Salary { employer } => match cx.v(3) {
            0 => (
                format!(
                    "NEFT CR-{ifsc}-{}-SALARY {} {}-{}",
                    cut(employer, 24),
                    cx.mon(),
                    cx.yyyy(),
                    cx.an(16)
                ),
                TRF,
            ),
            1 => (
                format!(
                    "SALARY CREDIT {} {}{}",
                    cut(employer, 24),
                    cx.mon(),
                    cx.yy()
                ),
                TRF,
            ),
            _ => (format!("ACH C- {}-SAL-{}", cut(employer, 24), cx.d(6)), TRF),
        },
        Rail::Pension { payer } => (
            format!("PENSION FOR {} {} {payer}", cx.mon(), cx.yyyy()),
            TRF,
        ),
        Rail::Debit { creditor, .. } | Rail::Gov { body: creditor, .. } => match cx.v(3) {
            0 => (format!("ACH D- {}-{}", cut(creditor, 22), cx.an(12)), DD),
            1 => (format!("NACH DR {} {}", cut(creditor, 22), cx.an(14)), DD),
            _ => (format!("SI-{}-{}", cut(creditor, 22), cx.d(8)), SO),
        },
        Rail::LoanOut { lender } => match cx.v(3) {
            0 => (format!("EMI {} {lender} {}", cx.d(8), cx.mon()), DD),
            1 => (format!("ACH D- {lender}-{}", cx.an(12)), DD),
            _ => (format!("NACH DR {lender} EMI {}", cx.an(10)), DD),
        },
        Rail::LoanIn { lender } => (
            format!("NEFT CR-{ifsc}-{lender}-LOAN DISBURSAL-{}", cx.an(16)),
            TRF,
        ),
        Rail::LoanReturned { lender } => (format!("REV-ACH D- {lender} INSUFFICIENT BAL"), DD),
        Rail::MomoIn { provider } => (format!("{provider} WALLET TO BANK {}", cx.d(12)), MOMO),
        Rail::MomoOut { provider } => (format!("UPI/{}/ADD MONEY/{provider}", cx.d(12)), MOMO),
        Rail::Airtime { telco } => {
            let phone = cx.phone.clone();
            match cx.v(2) {
                0 => (format!("UPI/{}/{telco} RECHARGE/{phone}", cx.d(12)), ONLINE),
                _ => (format!("{telco} PREPAID RECHARGE {phone}"), ONLINE),
            }
        }
        Rail::Fee(fee) => (
            match fee {
                Fee::Sms => format!("SMS CHARGES FOR {}{}+GST", cx.mon(), cx.yy()),
                Fee::Maintenance => "NON MAINT OF MIN BAL CHGS+GST".to_owned(),
                Fee::Card => "DC ANNUAL FEE+GST".to_owned(),
                Fee::Atm => format!("ATM WDL CHGS+GST {}", cx.mon()),
                Fee::Transfer => "IMPS CHGS+GST".to_owned(),
                Fee::Unpaid => "ACH DEBIT RETURN CHARGES+GST".to_owned(),
                Fee::Stamp => "STAMP DUTY CHGS".to_owned(),
            },
            FEE,
        ),
        Rail::Interest { credit } => (
            if credit {
                format!("CREDIT INTEREST CAPITALISED {}", cx.fmt(0, "%d-%m-%Y"))
            } else {
                "DEBIT INTEREST OD".to_owned()
            },
            INT,
        ),
        Rail::CashDeposit => (format!("CASH DEPOSIT BY - SELF - {city}"), CASH),
        Rail::Cheque { from } => (
            format!("CHQ DEP - CLG - {} {}", cx.d(6), cut(from, 20)),
            CHQ,
        ),
        Rail::BetWin { operator } => (format!("UPI-{operator} WINNINGS-{}", cx.d(12)), TRF),
        Rail::OwnIn { .. } => (
            format!("FT - CR - 50100{} - {}", cx.d(9), cut(&cx.holder, 24)),
            TRF,
        ),
        Rail::OwnOut { .. } => (
            format!("FT - DR - 50100{} - {}", cx.d(9), cut(&cx.holder, 24)),
            TRF,
        ),
        Rail::Settlement { acquirer } => (format!("{acquirer} SETTLEMENT {}", cx.an(14)), TRF),
        Rail::TontineOut { group } => (
            format!("NEFT DR-{ifsc}-{}-CHIT INSTALMENT", cut(group, 24)),
            TRF,
        ),
        Rail::TontineIn { group } => (
            format!("NEFT CR-{ifsc}-{}-CHIT PRIZE AMOUNT", cut(group, 24)),
            TRF,
        ),
        _ => return None,
    })
}

fn za(cx: &mut Cx, rail: &Rail<'_>) -> Out {
    let city = cx.city();
    Some(match *rail {
        Rail::Card {
            merchant,
            online: false,
        } => match cx.v(3) {
            0 => (
                format!(
                    "POS Purchase {} {city} {}*{} {}",
                    cut(merchant, 22),
                    cx.bin.clone(),
                    cx.last4.clone(),
                    cx.fmt(1, "%d %b")
                ),
                CARD,
            ),
            1 => (
                format!(
                    "Cheque Card Purchase {} {}",
                    cut(merchant, 22),
                    cx.card_short()
                ),
                CARD,
            ),
            _ => (
                format!(
                    "Card Purchase: {} {city} (Card {})",
                    cut(merchant, 22),
                    cx.last4.clone()
                ),
                CARD,
            ),
        },
        Rail::Card {
            merchant,
            online: true,
        }
        | Rail::Bet { operator: merchant } => match cx.v(2) {
            0 => (
                format!(
                    "Online Purchase {} {}*{}",
                    cut(merchant, 22),
                    cx.bin.clone(),
                    cx.last4.clone()
                ),
                ONLINE,
            ),
            _ => (
                format!("{} Deposit {}", cut(merchant, 22), cx.an(8)),
                ONLINE,
            ),
        },
        Rail::Atm => match cx.v(2) {
            0 => (
                format!(
                    "ATM Withdrawal {} {city} {}",
                    cx.bank_short(),
                    cx.card_short()
                ),
                ATM,
            ),
            _ => (format!("Cash Withdrawal: {city} ATM"), ATM),
        },
        Rail::In { from, .. } | Rail::Payout { platform: from } => {
            let memo = memo_en(cx, memo_of(rail));
            match cx.v(3) {
                0 => (
                    format!("FNB App Payment From {} {memo}", cut(from, 22)),
                    TRF,
                ),
                1 => (format!("Credit Transfer {} {memo}", cut(from, 22)), TRF),
                _ => (
                    format!("Immediate Payment Received: {} {memo}", cut(from, 22)),
                    TRF,
                ),
            }
        }
        Rail::Out { to, .. } | Rail::Payroll { staff: to } | Rail::Gov { body: to, .. } => {
            let memo = memo_en(cx, memo_of(rail));
            match cx.v(3) {
                0 => (format!("FNB App Payment To {} {memo}", cut(to, 22)), TRF),
                1 => (format!("Internet Pmt To {} {memo}", cut(to, 22)), TRF),
                _ => (format!("Immediate Payment: {} {memo}", cut(to, 22)), TRF),
            }
        }
        Rail::Salary { employer } => match cx.v(3) {
            0 => (format!("Magtape Credit Salary {}", cut(employer, 22)), TRF),
            1 => (
                format!(
                    "ACB Credit {} Salary {}",
                    cut(employer, 22),
                    cx.fmt(0, "%b")
                ),
                TRF,
            ),
            _ => (format!("Salary: {}", cut(employer, 22)), TRF),
        },
        Rail::Pension { payer } | Rail::Benefit { payer } => (
            format!("Magtape Credit {} {}", cut(payer, 22), cx.fmt(0, "%b %Y")),
            TRF,
        ),
        Rail::Debit { creditor, .. } | Rail::LoanOut { lender: creditor } => match cx.v(3) {
            0 => (
                format!("Debit Order {} {}", cut(creditor, 22), cx.an(10)),
                DD,
            ),
            1 => (
                format!("Magtape Debit {} {}", cut(creditor, 22), cx.d(8)),
                DD,
            ),
            _ => (
                format!("ACB Debit:External Debit Order {}", cut(creditor, 22)),
                DD,
            ),
        },
        Rail::Airtime { telco } => {
            let phone = cx.phone.clone();
            match cx.v(2) {
                0 => (format!("Prepaid Airtime {telco} {phone}"), ONLINE),
                _ => (format!("{telco} Prepaid {phone}"), ONLINE),
            }
        }
        Rail::Fee(fee) => (
            match fee {
                Fee::Maintenance => match cx.v(2) {
                    0 => "#Monthly Account Fee".to_owned(),
                    _ => "Monthly Account Admin Fee".to_owned(),
                },
                Fee::Sms => "#Notific Fee Sms Notifyme".to_owned(),
                Fee::Unpaid => match cx.v(2) {
                    0 => "Insufficient Funds Fee".to_owned(),
                    _ => "Dishonoured Debit Order Fee".to_owned(),
                },
                Fee::Atm => "#Cash Withdrawal Fee".to_owned(),
                Fee::Transfer => "#Payment Fee".to_owned(),
                Fee::Card => "#Card Fee".to_owned(),
                Fee::Stamp => "#Service Fee".to_owned(),
            },
            FEE,
        ),
        Rail::Interest { credit } => (
            if credit {
                "Interest Received".to_owned()
            } else {
                "Overdraft Interest".to_owned()
            },
            INT,
        ),
        Rail::CashDeposit => (format!("ADT Cash Deposit {city}"), CASH),
        Rail::Reversal { merchant } => (format!("POS Reversal {}", cut(merchant, 22)), CARD),
        Rail::LoanIn { lender } => match cx.v(2) {
            0 => (format!("Loan Payout {lender}"), TRF),
            _ => (format!("Credit Transfer {lender} Loan Advance"), TRF),
        },
        Rail::LoanReturned { lender } => match cx.v(2) {
            0 => (
                format!("Unpaid Debit Order {lender} Insufficient Funds"),
                DD,
            ),
            _ => (format!("Returned Debit {lender}"), DD),
        },
        Rail::BetWin { operator } => (format!("Credit Transfer {operator} Withdrawal"), TRF),
        Rail::OwnIn { pocket } => (
            format!("Transfer From {}", pocket.unwrap_or("Savings")),
            TRF,
        ),
        Rail::OwnOut { pocket } => (format!("Transfer To {}", pocket.unwrap_or("Savings")), TRF),
        Rail::Settlement { acquirer } => (format!("{acquirer} Payout {}", cx.an(8)), TRF),
        Rail::TontineOut { group } => (format!("Internet Pmt To {} Stokvel", cut(group, 22)), TRF),
        Rail::TontineIn { group } => (format!("Credit Transfer {} Payout", cut(group, 22)), TRF),
        _ => return None,
    })
}

/// Plain English rails for whatever a country does not override.
fn generic(cx: &mut Cx, rail: &Rail<'_>) -> (String, &'static str) {
    let french = cx.country.french();
    match *rail {
        Rail::Card { merchant, online } => (
            format!("CARD PURCHASE {} {}", cut(merchant, 24), cx.card_short()),
            if online { ONLINE } else { CARD },
        ),
        Rail::Bet { operator } => (format!("WEB PAYMENT {operator} {}", cx.d(8)), ONLINE),
        Rail::Atm => (format!("ATM WITHDRAWAL {}", cx.city()), ATM),
        Rail::CashDeposit => (format!("CASH DEPOSIT {}", cx.city()), CASH),
        Rail::Cheque { from } => (format!("CHEQUE DEPOSIT {} {}", cx.d(6), cut(from, 20)), CHQ),
        Rail::In { from, memo } => {
            let memo = memo_en(cx, memo);
            (format!("TRANSFER FROM {} {memo}", cut(from, 26)), TRF)
        }
        Rail::Out { to, memo } => {
            let memo = memo_en(cx, memo);
            (format!("TRANSFER TO {} {memo}", cut(to, 26)), TRF)
        }
        Rail::Payroll { staff } => (
            format!("TRANSFER TO {} SALARY {}", cut(staff, 26), cx.mon()),
            TRF,
        ),
        Rail::OwnIn { pocket } => (
            format!(
                "TRANSFER FROM {} OWN ACCOUNT",
                pocket.map_or_else(|| cx.holder.clone(), str::to_owned)
            ),
            TRF,
        ),
        Rail::OwnOut { pocket } => (
            format!(
                "TRANSFER TO {} OWN ACCOUNT",
                pocket.map_or_else(|| cx.holder.clone(), str::to_owned)
            ),
            TRF,
        ),
        Rail::Salary { employer } => (format!("SALARY {} {employer}", cx.mon()), TRF),
        Rail::Pension { payer } => (format!("PENSION {} {payer}", cx.mon()), TRF),
        Rail::Benefit { payer } => (format!("{payer} PAYMENT {}", cx.d(8)), TRF),
        Rail::Debit { creditor, memo } => {
            let memo = if french {
                memo_fr(cx, memo)
            } else {
                memo_en(cx, memo)
            };
            (format!("DIRECT DEBIT {creditor} {memo}"), DD)
        }
        Rail::Standing { to, memo } => {
            let memo = memo_en(cx, memo);
            (format!("STANDING ORDER {to} {memo}"), SO)
        }
        Rail::Airtime { telco } => (format!("AIRTIME {telco} {}", cx.phone), ONLINE),
        Rail::MomoIn { provider } => (format!("{provider} TO BANK {}", cx.d(10)), MOMO),
        Rail::MomoOut { provider } => (format!("BANK TO {provider} {}", cx.d(10)), MOMO),
        Rail::Fee(fee) => (
            match fee {
                Fee::Sms => "SMS ALERT CHARGES",
                Fee::Stamp => "STAMP DUTY",
                Fee::Transfer => "TRANSFER CHARGE",
                Fee::Maintenance => "ACCOUNT MAINTENANCE FEE",
                Fee::Card => "CARD FEE",
                Fee::Atm => "ATM CHARGE",
                Fee::Unpaid => "RETURNED ITEM FEE",
            }
            .to_owned(),
            FEE,
        ),
        Rail::Interest { credit } => (
            if credit {
                "CREDIT INTEREST"
            } else {
                "DEBIT INTEREST"
            }
            .to_owned(),
            INT,
        ),
        Rail::Reversal { merchant } => (format!("REVERSAL {}", cut(merchant, 24)), CARD),
        Rail::LoanIn { lender } => (format!("{lender} LOAN DISBURSEMENT {}", cx.d(8)), TRF),
        Rail::LoanOut { lender } => (format!("{lender} LOAN REPAYMENT {}", cx.d(8)), DD),
        Rail::LoanReturned { lender } => (format!("RETURNED {lender} REPAYMENT UNPAID"), DD),
        Rail::BetWin { operator } => (format!("{operator} WITHDRAWAL {}", cx.d(8)), TRF),
        Rail::Payout { platform } => (format!("{platform} PAYOUT {}", cx.d(8)), TRF),
        Rail::Settlement { acquirer } => (format!("{acquirer} SETTLEMENT {}", cx.d(8)), TRF),
        Rail::Gov { body, memo } => {
            let memo = if french {
                memo_fr(cx, memo)
            } else {
                memo_en(cx, memo)
            };
            (format!("{body} {memo}"), TRF)
        }
        Rail::TontineOut { group } => (format!("CONTRIBUTION {group}"), TRF),
        Rail::TontineIn { group } => (format!("PAYOUT {group}"), TRF),
    }
}
