//! What each kind of account holder does, month by month.
//!
//! Amounts are per mille of the country's typical monthly take-home pay, so one schedule fits
//! Lagos and Lyon alike; the narration module turns each movement into that country's text.

use super::book::{Book, Label};
use super::narrate::{Fee, Memo, Rail};
use super::{LoanRole, PersonaKind};

const GROCERIES: &str = "FOOD_AND_DRINK_GROCERIES";
const RESTAURANT: &str = "FOOD_AND_DRINK_RESTAURANT";
const FAST_FOOD: &str = "FOOD_AND_DRINK_FAST_FOOD";
const COFFEE: &str = "FOOD_AND_DRINK_COFFEE";
const FUEL: &str = "TRANSPORTATION_GAS";
const TAXI: &str = "TRANSPORTATION_TAXIS_AND_RIDE_SHARES";
const TRANSIT: &str = "TRANSPORTATION_PUBLIC_TRANSIT";
const PHARMACY: &str = "MEDICAL_PHARMACIES_AND_SUPPLEMENTS";
const DOCTOR: &str = "MEDICAL_PRIMARY_CARE";
const CLOTHING: &str = "GENERAL_MERCHANDISE_CLOTHING_AND_ACCESSORIES";
const ELECTRONICS: &str = "GENERAL_MERCHANDISE_ELECTRONICS";
const MARKETPLACE: &str = "GENERAL_MERCHANDISE_ONLINE_MARKETPLACES";
const ELECTRICITY: &str = "RENT_AND_UTILITIES_GAS_AND_ELECTRICITY";
const WATER: &str = "RENT_AND_UTILITIES_WATER";
const INTERNET_TV: &str = "RENT_AND_UTILITIES_INTERNET_AND_CABLE";
const RENT: &str = "RENT_AND_UTILITIES_RENT";
const TELEPHONE: &str = "RENT_AND_UTILITIES_TELEPHONE";
const AIRTIME: &str = "RENT_AND_UTILITIES_AIRTIME_AND_DATA";
const STREAMING: &str = "ENTERTAINMENT_TV_AND_MOVIES";
const MUSIC: &str = "ENTERTAINMENT_MUSIC_AND_AUDIO";
const GYM: &str = "PERSONAL_CARE_GYMS_AND_FITNESS_CENTERS";
const HAIR: &str = "PERSONAL_CARE_HAIR_AND_BEAUTY";
const INSURANCE: &str = "GENERAL_SERVICES_INSURANCE";
const EDUCATION: &str = "GENERAL_SERVICES_EDUCATION";
const SOFTWARE: &str = "GENERAL_SERVICES_SOFTWARE_AND_ONLINE_SERVICES";
const DONATION: &str = "GOVERNMENT_AND_NON_PROFIT_DONATIONS";
const TAX: &str = "GOVERNMENT_AND_NON_PROFIT_TAX_PAYMENT";
const SOCIAL: &str = "GOVERNMENT_AND_NON_PROFIT_SOCIAL_SECURITY";
const WAGES: &str = "INCOME_WAGES";
const GIG: &str = "INCOME_GIG_EARNINGS";
const REVENUE: &str = "INCOME_BUSINESS_REVENUE";
const INTEREST_EARNED: &str = "INCOME_INTEREST_EARNED";
const PENSION: &str = "INCOME_RETIREMENT_PENSION";
const BENEFITS: &str = "INCOME_GOVERNMENT_BENEFITS";
const LOAN_IN: &str = "TRANSFER_IN_CASH_ADVANCES_AND_LOANS";
const DEPOSIT: &str = "TRANSFER_IN_DEPOSIT";
const SAVINGS_IN: &str = "TRANSFER_IN_SAVINGS";
const OWN_IN: &str = "TRANSFER_IN_ACCOUNT_TRANSFER";
const P2P_IN: &str = "TRANSFER_IN_PERSON_TO_PERSON";
const MOMO_IN: &str = "TRANSFER_IN_MOBILE_MONEY";
const TONTINE_IN: &str = "TRANSFER_IN_TONTINE";
const REFUND: &str = "TRANSFER_IN_REFUND_REVERSAL";
const SAVINGS_OUT: &str = "TRANSFER_OUT_SAVINGS";
const WITHDRAWAL: &str = "TRANSFER_OUT_WITHDRAWAL";
const OWN_OUT: &str = "TRANSFER_OUT_ACCOUNT_TRANSFER";
const P2P_OUT: &str = "TRANSFER_OUT_PERSON_TO_PERSON";
const MOMO_OUT: &str = "TRANSFER_OUT_MOBILE_MONEY";
const TONTINE_OUT: &str = "TRANSFER_OUT_TONTINE";
const LOAN_REPAY: &str = "LOAN_PAYMENTS_PERSONAL_LOAN_PAYMENT";
const BNPL: &str = "LOAN_PAYMENTS_BUY_NOW_PAY_LATER";
const BETTING: &str = "GAMBLING_BETTING";
const LOTTERY: &str = "GAMBLING_LOTTERY";
const CASINO: &str = "GAMBLING_CASINO";
const WINNINGS: &str = "GAMBLING_WINNINGS";
const PAYROLL: &str = "BUSINESS_EXPENSES_PAYROLL";
const SUPPLIERS: &str = "BUSINESS_EXPENSES_SUPPLIERS_AND_INVENTORY";
const EQUIPMENT: &str = "BUSINESS_EXPENSES_EQUIPMENT";
const LOGISTICS: &str = "BUSINESS_EXPENSES_LOGISTICS";

/// Writes the persona's months into the book.
pub(crate) fn fill(b: &mut Book) {
    match b.kind {
        PersonaKind::SalariedConsumer => salaried(b),
        PersonaKind::GigWorker => gig(b),
        PersonaKind::Gambler => gambler(b),
        PersonaKind::MultiLenderBorrower => borrower(b),
        PersonaKind::SmeEmployer => sme(b),
        PersonaKind::WestAfricanClinic => clinic(b),
        PersonaKind::Student => student(b),
        PersonaKind::Pensioner => pensioner(b),
    }
}

/// Countries whose banks collect regular bills by direct debit (debit orders, NACH).
fn debits_bills(b: &Book) -> bool {
    matches!(b.country.code, "FR" | "DE" | "GB" | "US" | "ZA" | "IN")
}

/// Countries where people top up prepaid airtime from their account.
fn prepaid(b: &Book) -> bool {
    matches!(
        b.country.code,
        "NG" | "GH" | "KE" | "CI" | "SN" | "IN" | "ZA"
    )
}

/// Where yearly rent in advance is the norm.
fn yearly_rent(b: &Book) -> bool {
    matches!(b.country.code, "NG" | "GH")
}

fn plus(date: chrono::NaiveDate, days: u64) -> chrono::NaiveDate {
    date.checked_add_days(chrono::Days::new(days))
        .unwrap_or(date)
}

fn months(b: &Book) -> std::ops::Range<u32> {
    0..b.months + 1
}

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

fn salary_stream(b: &mut Book, employer: &str, lo: i64, hi: i64) {
    let step = (b.country.income / 100).max(1);
    let base = b.round(lo, hi, step);
    let cents = if b.country.step == 0 {
        b.price(0, 1) % 100
    } else {
        0
    };
    let pay_day = b.country.pay_day;
    for m in months(b) {
        let date = if pay_day <= 2 {
            // Paid on the last working day of the previous month or the first of this one.
            b.day_of(m, 1)
        } else {
            b.day_of(m, pay_day)
        };
        let date = b.jitter_weekday(date, 2);
        let variation = if b.country.step == 0 && b.chance(40) {
            b.price(0, 15)
        } else {
            0
        };
        let amount = base + cents + variation;
        b.add(
            date,
            amount,
            Rail::Salary { employer },
            Label::new(WAGES, employer).salary().recurring(),
        );
        stamp_after_credit(b, date, amount);
    }
}

/// Nigeria's stamp duty on credits of ₦10,000 and more.
fn stamp_after_credit(b: &mut Book, date: chrono::NaiveDate, amount: i64) {
    if b.country.code == "NG" && amount >= b.major(10_000) && b.country.fees.stamp > 0 {
        let bank = b.country.bank;
        let fee = b.country.fees.stamp;
        b.add(
            date,
            -fee,
            Rail::Fee(Fee::Stamp),
            Label::new("BANK_FEES_STAMP_DUTY_AND_LEVIES", bank),
        );
    }
}

fn transfer_fee(b: &mut Book, date: chrono::NaiveDate) {
    let fee = b.country.fees.transfer;
    if fee > 0 && matches!(b.country.code, "NG" | "KE" | "GH" | "IN" | "CI" | "SN") && b.chance(60)
    {
        let bank = b.country.bank;
        b.add(
            date,
            -fee,
            Rail::Fee(Fee::Transfer),
            Label::new("BANK_FEES_TRANSFER_FEES", bank),
        );
    }
}

fn card(b: &mut Book, m: u32, role: &str, category: &'static str, lo: i64, hi: i64, online: bool) {
    if !b.has(role) {
        return;
    }
    let merchant = b.pick(role);
    let date = b.any_day(m);
    let amount = b.price(lo, hi);
    b.add(
        date,
        -amount,
        Rail::Card { merchant, online },
        Label::new(category, merchant),
    );
}

fn rent(b: &mut Book, lo: i64, hi: i64) {
    let landlord = if b.chance(50) && b.has("landlord") {
        b.pick("landlord").to_owned()
    } else {
        b.person()
    };
    if yearly_rent(b) {
        if b.chance(70) {
            let m = u32::try_from(b.below(u64::from(b.months))).unwrap_or(0);
            let date = b.any_day(m);
            let amount = b.transfer(lo * 12, hi * 12);
            b.add(
                date,
                -amount,
                Rail::Out {
                    to: &landlord,
                    memo: Memo::Rent,
                },
                Label::new(RENT, &landlord),
            );
            transfer_fee(b, date);
        }
        return;
    }
    let amount = b.transfer(lo, hi);
    let standing = matches!(b.country.code, "GB" | "DE" | "FR") && b.chance(70);
    for m in months(b) {
        let date = b.day_of(m, 1);
        let date = b.jitter_weekday(date, 1).max(b.start);
        let rail = if standing {
            Rail::Standing {
                to: &landlord,
                memo: Memo::Rent,
            }
        } else {
            Rail::Out {
                to: &landlord,
                memo: Memo::Rent,
            }
        };
        b.add(date, -amount, rail, Label::new(RENT, &landlord).recurring());
    }
}

/// A monthly bill: by direct debit where that is the norm, else paid online by card.
fn bill(b: &mut Book, role: &str, category: &'static str, lo: i64, hi: i64, day: u32, memo: Memo) {
    if !b.has(role) {
        return;
    }
    let creditor = b.pick(role);
    let amount = b.price(lo, hi);
    let debit = debits_bills(b);
    for m in months(b) {
        let date = b.day_of(m, day);
        let date = b.jitter_weekday(date, 1);
        let varying = if category == ELECTRICITY || category == WATER {
            b.price(0, lo.max(1) / 3 + 1)
        } else {
            0
        };
        let rail = if debit {
            Rail::Debit { creditor, memo }
        } else {
            Rail::Card {
                merchant: creditor,
                online: true,
            }
        };
        b.add(
            date,
            -(amount + varying),
            rail,
            Label::new(category, creditor).recurring(),
        );
    }
}

/// Prepaid electricity tokens (bought when needed, not recurring on a date).
fn power_tokens(b: &mut Book, m: u32) {
    if !b.has("electricity") {
        return;
    }
    let disco = b
        .names("electricity")
        .first()
        .copied()
        .unwrap_or("ELECTRICITY");
    for _ in 0..b.count(1, 2) {
        let date = b.any_day(m);
        let amount = b.round(10, 35, (b.country.income / 500).max(1));
        b.add(
            date,
            -amount,
            Rail::Card {
                merchant: disco,
                online: true,
            },
            Label::new(ELECTRICITY, disco),
        );
    }
}

fn airtime(b: &mut Book, m: u32, lo: u64, hi: u64) {
    if !prepaid(b) || !b.has("telco") {
        return;
    }
    let telco = b.names("telco").first().copied().unwrap_or("MTN");
    for _ in 0..b.count(lo, hi) {
        let date = b.any_day(m);
        let amount = b.round(1, 6, (b.country.income / 1000).max(1));
        b.add(
            date,
            -amount,
            Rail::Airtime { telco },
            Label::new(AIRTIME, telco),
        );
    }
}

fn atm(b: &mut Book, m: u32, lo: u64, hi: u64, small: bool) {
    for _ in 0..b.count(lo, hi) {
        let date = b.any_day(m);
        let amount = if small {
            b.cash(15, 60)
        } else {
            b.cash(30, 150)
        };
        b.add(date, -amount, Rail::Atm, Label::new(WITHDRAWAL, "CASH"));
        let fee = b.country.fees.atm;
        if fee > 0 && b.chance(30) {
            let bank = b.country.bank;
            b.add(
                date,
                -fee,
                Rail::Fee(Fee::Atm),
                Label::new("BANK_FEES_ATM_FEES", bank),
            );
        }
    }
}

fn p2p_out(b: &mut Book, m: u32, n: u64, lo: i64, hi: i64, memo: Memo) {
    for _ in 0..n {
        let to = b.person();
        let date = b.any_day(m);
        let amount = b.transfer(lo, hi);
        b.add(
            date,
            -amount,
            Rail::Out { to: &to, memo },
            Label::new(P2P_OUT, &to),
        );
        transfer_fee(b, date);
    }
}

fn p2p_in(b: &mut Book, m: u32, n: u64, lo: i64, hi: i64, memo: Memo) {
    for _ in 0..n {
        let from = b.person();
        let date = b.any_day(m);
        let amount = b.transfer(lo, hi);
        b.add(
            date,
            amount,
            Rail::In { from: &from, memo },
            Label::new(P2P_IN, &from),
        );
        stamp_after_credit(b, date, amount);
    }
}

fn momo(b: &mut Book, m: u32, out: u64, inn: u64) {
    if !b.has("momo") || b.country.code == "IN" && b.chance(50) {
        return;
    }
    let provider = b.names("momo").first().copied().unwrap_or("MOBILE MONEY");
    for _ in 0..out {
        let date = b.any_day(m);
        let amount = b.transfer(10, 80);
        b.add(
            date,
            -amount,
            Rail::MomoOut { provider },
            Label::new(MOMO_OUT, provider),
        );
        if b.country.code == "GH" {
            let levy = (amount / 100).max(1);
            let bank = b.country.bank;
            b.add(
                date,
                -levy,
                Rail::Fee(Fee::Stamp),
                Label::new("BANK_FEES_STAMP_DUTY_AND_LEVIES", bank),
            );
        }
    }
    for _ in 0..inn {
        let date = b.any_day(m);
        let amount = b.transfer(10, 80);
        b.add(
            date,
            amount,
            Rail::MomoIn { provider },
            Label::new(MOMO_IN, provider),
        );
    }
}

/// Monthly bank charges, as each country's banks levy them.
fn bank_fees(b: &mut Book) {
    let fees = b.country.fees;
    let bank = b.country.bank;
    let card_month = u32::try_from(b.below(u64::from(b.months))).unwrap_or(0);
    for m in months(b) {
        let end = b.day_of(m, 31);
        let date = crate::persona::book::weekday_before(end);
        if fees.maintenance > 0 && (b.country.code != "IN" || m % 3 == 2) {
            b.add(
                date,
                -fees.maintenance,
                Rail::Fee(Fee::Maintenance),
                Label::new("BANK_FEES_ACCOUNT_MAINTENANCE", bank).recurring(),
            );
            if b.country.code == "KE" {
                b.add(
                    date,
                    -(fees.maintenance / 5),
                    Rail::Fee(Fee::Stamp),
                    Label::new("BANK_FEES_STAMP_DUTY_AND_LEVIES", bank).recurring(),
                );
            }
        }
        if fees.sms > 0 && (b.country.code != "IN" || m % 3 == 2) {
            let sms = fees.sms + b.price(0, 0).min(0);
            b.add(
                date,
                -sms,
                Rail::Fee(Fee::Sms),
                Label::new("BANK_FEES_SMS_ALERTS", bank).recurring(),
            );
        }
        if fees.card > 0 && m == card_month {
            let date = b.any_day(m);
            b.add(
                date,
                -fees.card,
                Rail::Fee(Fee::Card),
                Label::new("BANK_FEES_CARD_FEES", bank),
            );
        }
        if matches!(b.country.code, "GB" | "US" | "ZA") && b.chance(60) {
            let interest = b.price(0, 2).max(1);
            b.add(
                date,
                interest,
                Rail::Interest { credit: true },
                Label::new(INTEREST_EARNED, bank),
            );
        }
        if matches!(b.country.code, "IN") && m % 3 == 2 {
            let interest = b.price(1, 5);
            b.add(
                date,
                interest,
                Rail::Interest { credit: true },
                Label::new(INTEREST_EARNED, bank),
            );
        }
    }
}

/// A card purchase later refunded or reversed.
fn refund(b: &mut Book) {
    let roles = [
        ("marketplace", MARKETPLACE),
        ("grocery", GROCERIES),
        ("clothing", CLOTHING),
    ];
    let Some((role, category)) = b.rng().pick(&roles).copied() else {
        return;
    };
    if !b.has(role) {
        return;
    }
    let merchant = b.pick(role);
    let m = u32::try_from(b.below(u64::from(b.months))).unwrap_or(0);
    let date = b.any_day(m);
    let amount = b.price(10, 80);
    let online = role == "marketplace";
    b.add(
        date,
        -amount,
        Rail::Card { merchant, online },
        Label::new(category, merchant),
    );
    let later = plus(date, b.count(1, 6));
    b.add(
        later,
        amount,
        Rail::Reversal { merchant },
        Label::new(REFUND, merchant),
    );
}

/// Money moved to and from the holder's own other account or savings pocket.
fn own_transfers(b: &mut Book, n: u64) {
    let holder = b.cx.holder.clone();
    let pocket = if b.has("savings") && b.chance(50) {
        Some(b.pick("savings"))
    } else {
        None
    };
    for _ in 0..n {
        let m = u32::try_from(b.below(u64::from(b.months))).unwrap_or(0);
        let date = b.any_day(m);
        let amount = b.transfer(30, 200);
        let (out_cat, in_cat) = if pocket.is_some() {
            (SAVINGS_OUT, SAVINGS_IN)
        } else {
            (OWN_OUT, OWN_IN)
        };
        b.add(
            date,
            -amount,
            Rail::OwnOut { pocket },
            Label::new(out_cat, &holder).internal(),
        );
        if b.chance(50) {
            let later = plus(date, b.count(3, 25));
            let back = amount / 2;
            b.add(
                later,
                back,
                Rail::OwnIn { pocket },
                Label::new(in_cat, &holder).internal(),
            );
        }
    }
}

/// Everyday spending of an individual; `level` scales the number of purchases (100 = typical).
fn everyday(b: &mut Book, level: u64) {
    let scale = |n: u64| (n * level).div_ceil(100);
    let car = b.chance(55);
    let tithe = matches!(b.country.code, "NG" | "GH" | "KE" | "ZA") && b.chance(50);
    if debits_bills(b) {
        bill(b, "electricity", ELECTRICITY, 20, 45, 8, Memo::Bill);
        bill(b, "tv", INTERNET_TV, 10, 25, 12, Memo::Bill);
        bill(b, "insurance", INSURANCE, 8, 30, 5, Memo::Insurance);
        if b.chance(60) {
            bill(b, "water", WATER, 6, 15, 18, Memo::Bill);
        }
        if b.has("phone") {
            bill(b, "phone", TELEPHONE, 5, 18, 20, Memo::Bill);
        }
    } else if b.has("tv") {
        bill(b, "tv", INTERNET_TV, 8, 25, 10, Memo::Bill);
    }
    if b.chance(70) {
        bill(b, "streaming", STREAMING, 3, 8, 14, Memo::None);
    }
    if b.chance(40) {
        bill(b, "music", MUSIC, 2, 5, 3, Memo::None);
    }
    if b.has("gym") && b.chance(30) {
        bill(b, "gym", GYM, 8, 20, 2, Memo::None);
    }
    let church = if tithe { Some(b.pick("church")) } else { None };
    let church_amount = b.transfer(20, 60);
    for m in months(b) {
        for _ in 0..scale(b.count(3, 7)) {
            card(b, m, "grocery", GROCERIES, 8, 60, false);
        }
        for _ in 0..scale(b.count(1, 4)) {
            let which = b.below(3);
            match which {
                0 => card(b, m, "restaurant", RESTAURANT, 5, 30, false),
                1 if b.has("fastfood") => card(b, m, "fastfood", FAST_FOOD, 3, 10, false),
                _ if b.has("coffee") => card(b, m, "coffee", COFFEE, 1, 3, false),
                _ => card(b, m, "restaurant", RESTAURANT, 5, 30, false),
            }
        }
        if car {
            for _ in 0..scale(b.count(1, 4)) {
                card(b, m, "fuel", FUEL, 15, 45, false);
            }
        } else {
            for _ in 0..scale(b.count(1, 5)) {
                card(b, m, "ride", TAXI, 2, 10, true);
            }
            if b.has("transit") && b.chance(60) {
                card(b, m, "transit", TRANSIT, 1, 8, false);
            }
        }
        if !debits_bills(b) {
            power_tokens(b, m);
        }
        airtime(b, m, scale(2), scale(5));
        if b.chance(40) {
            card(b, m, "pharmacy", PHARMACY, 3, 20, false);
        }
        if b.chance(30) {
            card(b, m, "marketplace", MARKETPLACE, 10, 80, true);
        }
        if b.chance(20) {
            card(b, m, "clothing", CLOTHING, 10, 60, false);
        }
        if b.chance(8) {
            card(b, m, "electronics", ELECTRONICS, 40, 200, false);
        }
        if b.chance(30) {
            card(b, m, "hair", HAIR, 3, 15, false);
        }
        let african = matches!(b.country.code, "NG" | "GH" | "KE" | "CI" | "SN");
        atm(
            b,
            m,
            if african { 1 } else { 0 },
            if african { 3 } else { 2 },
            false,
        );
        let n = b.count(0, 3);
        p2p_out(b, m, n, 10, 100, Memo::Family);
        if b.chance(40) {
            p2p_in(b, m, 1, 10, 80, Memo::None);
        }
        let out = b.count(0, 2);
        let inn = b.count(0, 1);
        momo(b, m, out, inn);
        if let Some(church) = church {
            let date = b.day_of(m, 7);
            let date = b.jitter_weekday(date, 1);
            b.add(
                date,
                -church_amount,
                Rail::Out {
                    to: church,
                    memo: Memo::None,
                },
                Label::new(DONATION, church).recurring(),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Kinds
// ---------------------------------------------------------------------------------------------

fn salaried(b: &mut Book) {
    let employer = b.pick("employer");
    salary_stream(b, employer, 850, 1300);
    rent(b, 200, 330);
    everyday(b, 100);
    bank_fees(b);
    for _ in 0..b.count(1, 2) {
        refund(b);
    }
    let n = b.count(1, 3);
    own_transfers(b, n);
}

fn gig(b: &mut Book) {
    let count = b.count(2, 3) as usize;
    let platforms = b.pick_distinct("platform", count);
    for m in months(b) {
        for platform in &platforms {
            for _ in 0..b.count(4, 9) {
                let date = b.any_day(m);
                let amount = b.price(12, 70);
                b.add(
                    date,
                    amount,
                    Rail::Payout { platform },
                    Label::new(GIG, platform),
                );
            }
        }
        for _ in 0..b.count(3, 6) {
            card(b, m, "fuel", FUEL, 10, 35, false);
        }
        airtime(b, m, 3, 6);
    }
    rent(b, 150, 250);
    everyday(b, 70);
    bank_fees(b);
    refund(b);
    own_transfers(b, 1);
}

fn gambler(b: &mut Book) {
    let employer = b.pick("employer");
    salary_stream(b, employer, 700, 1000);
    let count = b.count(2, 3) as usize;
    let mut operators: Vec<(&'static str, &'static str)> = b
        .pick_distinct("betting", count)
        .into_iter()
        .map(|o| (o, BETTING))
        .collect();
    if b.has("lottery") {
        let lottery = b.pick("lottery");
        operators.push((lottery, LOTTERY));
    }
    if b.has("casino") && b.chance(50) {
        let casino = b.pick("casino");
        operators.push((casino, CASINO));
    }
    let pay_day = b.country.pay_day;
    for m in months(b) {
        for _ in 0..b.count(12, 26) {
            let Some((operator, category)) = b.rng().pick(&operators).copied() else {
                break;
            };
            let date = if b.chance(50) {
                let payday = b.day_of(m, pay_day);
                plus(payday, b.below(8))
            } else {
                b.any_day(m)
            };
            let amount = b.round(3, 50, (b.country.income / 500).max(1));
            b.add(
                date,
                -amount,
                Rail::Bet { operator },
                Label::new(category, operator).gambling(),
            );
        }
        for _ in 0..b.count(1, 3) {
            let Some((operator, _)) = operators.first().copied() else {
                break;
            };
            let date = b.any_day(m);
            let amount = b.price(20, 250);
            b.add(
                date,
                amount,
                Rail::BetWin { operator },
                Label::new(WINNINGS, operator).gambling(),
            );
        }
    }
    rent(b, 180, 280);
    everyday(b, 60);
    bank_fees(b);
    refund(b);
}

fn borrower(b: &mut Book) {
    let employer = b.pick("employer");
    salary_stream(b, employer, 800, 1100);
    let count = b.count(3, 5) as usize;
    let mut lenders: Vec<(&'static str, &'static str)> = b
        .pick_distinct("lender", count)
        .into_iter()
        .map(|l| (l, LOAN_REPAY))
        .collect();
    if b.has("bnpl") && b.chance(50) {
        let bnpl = b.pick("bnpl");
        lenders.push((bnpl, BNPL));
    }
    let period = u64::try_from((b.end - b.start).num_days())
        .unwrap_or(28)
        .max(1);
    let unpaid_fee = b.country.fees.unpaid;
    let bank = b.country.bank;
    for (index, (lender, category)) in lenders.iter().copied().enumerate() {
        let loans = b.count(1, 3);
        // The first loans of all lenders fall within a few weeks of each other: stacking.
        let mut disbursed = if index == 0 {
            plus(b.start, b.below(10))
        } else if index == 1 {
            plus(b.start, b.below(15) + 5)
        } else {
            plus(b.start, b.below((period / 3).max(1)) + 3)
        };
        for _ in 0..loans {
            if disbursed > b.end {
                break;
            }
            let principal = b.round(150, 600, (b.country.income / 100).max(1));
            if category != BNPL {
                b.add(
                    disbursed,
                    principal,
                    Rail::LoanIn { lender },
                    Label::new(LOAN_IN, lender).loan(LoanRole::Disbursement, lender),
                );
                stamp_after_credit(b, disbursed, principal);
            } else {
                // Buy now, pay later: the purchase itself, then instalments.
                let merchant = if b.has("marketplace") {
                    b.pick("marketplace")
                } else {
                    "ONLINE STORE"
                };
                b.add(
                    disbursed,
                    -principal / 4,
                    Rail::Card {
                        merchant,
                        online: true,
                    },
                    Label::new(MARKETPLACE, merchant),
                );
            }
            let instalments = b.count(1, 4);
            let gap = *b.rng().pick(&[7_u64, 14, 30]).unwrap_or(&30);
            let markup = 100 + i64::try_from(b.count(8, 35)).unwrap_or(20);
            let each = principal * markup / 100 / i64::try_from(instalments).unwrap_or(1);
            let mut due = plus(disbursed, gap);
            for k in 0..instalments {
                let date = due.min(b.end);
                let fails = k > 0 || index % 2 == 1;
                if fails && b.chance(18) {
                    b.add(
                        date,
                        -each,
                        Rail::LoanOut { lender },
                        Label::new(category, lender)
                            .loan(LoanRole::Repayment, lender)
                            .recurring(),
                    );
                    let back = plus(date, b.below(2));
                    b.add(
                        back,
                        each,
                        Rail::LoanReturned { lender },
                        Label::new(REFUND, lender).loan(LoanRole::Repayment, lender),
                    );
                    if unpaid_fee > 0 {
                        b.add(
                            back,
                            -unpaid_fee,
                            Rail::Fee(Fee::Unpaid),
                            Label::new("BANK_FEES_INSUFFICIENT_FUNDS", bank),
                        );
                    }
                    let retry = plus(back, b.count(2, 7)).min(b.end);
                    b.add(
                        retry,
                        -each,
                        Rail::LoanOut { lender },
                        Label::new(category, lender).loan(LoanRole::Repayment, lender),
                    );
                } else {
                    b.add(
                        date,
                        -each,
                        Rail::LoanOut { lender },
                        Label::new(category, lender)
                            .loan(LoanRole::Repayment, lender)
                            .recurring(),
                    );
                }
                if due >= b.end {
                    break;
                }
                due = plus(due, gap);
            }
            // The next loan from the same lender once this one is (nearly) repaid.
            disbursed = plus(due, b.count(1, 10));
        }
    }
    rent(b, 180, 280);
    everyday(b, 70);
    bank_fees(b);
    refund(b);
}

/// Sales, payroll, social security, tax and suppliers of a business; `scale` multiplies amounts.
fn business_core(b: &mut Book, staff: usize, social_count: usize) {
    let employees: Vec<(String, i64)> = (0..staff)
        .map(|_| {
            let name = b.person();
            let pay = b.round(350, 1000, (b.country.income / 100).max(1));
            (name, pay)
        })
        .collect();
    let payroll_total: i64 = employees.iter().map(|(_, p)| *p).sum();
    let social_bodies = b.pick_distinct("socsec", social_count.max(1));
    let tax_body = b.pick("tax");
    let pay_day = b.country.pay_day;
    let premises = if b.has("landlord") {
        b.pick("landlord").to_owned()
    } else {
        b.person()
    };
    let premises_rent = b.transfer(400, 900);
    let software = if b.has("software") {
        Some(b.pick("software"))
    } else {
        None
    };
    let software_fee = b.price(10, 40);
    for m in months(b) {
        // Payroll, on one day, one transfer per employee.
        let day = b.day_of(m, pay_day.max(3));
        let payday = b.jitter_weekday(day, 2);
        for (name, pay) in &employees {
            b.add(
                payday,
                -pay,
                Rail::Payroll { staff: name },
                Label::new(PAYROLL, name).recurring(),
            );
            transfer_fee(b, payday);
        }
        // Social security on the payroll of the previous month.
        let social_total = payroll_total * i64::try_from(b.count(18, 28)).unwrap_or(20) / 100;
        let share = social_total / i64::try_from(social_bodies.len().max(1)).unwrap_or(1);
        for body in &social_bodies {
            let day = b.day_of(m, 15);
            let date = b.jitter_weekday(day, 2);
            b.add(
                date,
                -share,
                Rail::Gov {
                    body,
                    memo: Memo::Social,
                },
                Label::new(SOCIAL, body).recurring(),
            );
        }
        // Withholding tax monthly; VAT every third month.
        let day = b.day_of(m, 10);
        let date = b.jitter_weekday(day, 2);
        let paye = payroll_total * i64::try_from(b.count(7, 12)).unwrap_or(10) / 100;
        b.add(
            date,
            -paye,
            Rail::Gov {
                body: tax_body,
                memo: Memo::Tax,
            },
            Label::new(TAX, tax_body).recurring(),
        );
        if m % 3 == 0 {
            let day = b.day_of(m, 21);
            let date = b.jitter_weekday(day, 1);
            let vat = b.round(300, 900, (b.country.income / 100).max(1));
            b.add(
                date,
                -vat,
                Rail::Gov {
                    body: tax_body,
                    memo: Memo::Vat,
                },
                Label::new(TAX, tax_body),
            );
        }
        // Premises, software, logistics.
        let day = b.day_of(m, 1);
        let date = b.jitter_weekday(day, 1).max(b.start);
        b.add(
            date,
            -premises_rent,
            Rail::Out {
                to: &premises,
                memo: Memo::Rent,
            },
            Label::new(RENT, &premises).recurring(),
        );
        if let Some(software) = software {
            let date = b.day_of(m, 4);
            b.add(
                date,
                -software_fee,
                Rail::Card {
                    merchant: software,
                    online: true,
                },
                Label::new(SOFTWARE, software).recurring(),
            );
        }
        for _ in 0..b.count(0, 3) {
            card(b, m, "logistics", LOGISTICS, 5, 60, false);
        }
        for _ in 0..b.count(1, 3) {
            card(b, m, "fuel", FUEL, 15, 50, false);
        }
        if debits_bills(b) {
            if b.has("electricity") {
                let creditor = b
                    .names("electricity")
                    .first()
                    .copied()
                    .unwrap_or("ELECTRICITY");
                let date = b.day_of(m, 8);
                let amount = b.price(40, 120);
                b.add(
                    date,
                    -amount,
                    Rail::Debit {
                        creditor,
                        memo: Memo::Bill,
                    },
                    Label::new(ELECTRICITY, creditor).recurring(),
                );
            }
        } else {
            power_tokens(b, m);
            power_tokens(b, m);
        }
        airtime(b, m, 1, 3);
    }
}

fn sme(b: &mut Book) {
    let staff = usize::try_from(b.count(3, 8)).unwrap_or(4);
    let social = if matches!(b.country.code, "NG" | "KE" | "FR" | "IN" | "SN") {
        2
    } else {
        1
    };
    business_core(b, staff, social);
    let customers = b.names("customer");
    let suppliers: Vec<&'static str> = b.names("supplier");
    for m in months(b) {
        for _ in 0..b.count(8, 16) {
            let Some(customer) = b.rng().pick(&customers).copied() else {
                break;
            };
            let date = b.any_day(m);
            let amount = b.transfer(100, 1200);
            b.add(
                date,
                amount,
                Rail::In {
                    from: customer,
                    memo: Memo::Invoice,
                },
                Label::new(REVENUE, customer),
            );
            stamp_after_credit(b, date, amount);
        }
        if b.has("acquirer") {
            let acquirer = b.names("acquirer").first().copied().unwrap_or("ACQUIRER");
            for _ in 0..b.count(4, 10) {
                let date = b.any_day(m);
                let date = crate::persona::book::weekday_before(date).max(b.start);
                let amount = b.price(80, 500);
                b.add(
                    date,
                    amount,
                    Rail::Settlement { acquirer },
                    Label::new(REVENUE, acquirer),
                );
            }
        }
        for _ in 0..b.count(1, 3) {
            let date = b.any_day(m);
            let amount = b.cash(100, 600);
            b.add(date, amount, Rail::CashDeposit, Label::new(DEPOSIT, "CASH"));
        }
        if matches!(b.country.code, "FR" | "US" | "GB" | "IN" | "ZA") && b.chance(50) {
            let Some(customer) = b.rng().pick(&customers).copied() else {
                continue;
            };
            let date = b.any_day(m);
            let amount = b.transfer(200, 800);
            b.add(
                date,
                amount,
                Rail::Cheque { from: customer },
                Label::new(REVENUE, customer),
            );
        }
        for _ in 0..b.count(4, 8) {
            let Some(supplier) = b.rng().pick(&suppliers).copied() else {
                break;
            };
            let date = b.any_day(m);
            let amount = b.transfer(150, 1500);
            b.add(
                date,
                -amount,
                Rail::Out {
                    to: supplier,
                    memo: Memo::Supplies,
                },
                Label::new(SUPPLIERS, supplier),
            );
            transfer_fee(b, date);
        }
    }
    bank_fees(b);
    let n = b.count(1, 2);
    own_transfers(b, n);
    refund(b);
}

fn clinic(b: &mut Book) {
    let staff = usize::try_from(b.count(3, 6)).unwrap_or(4);
    business_core(b, staff, 1);
    let providers = b.names("momo");
    let payers = b.names("payer");
    let suppliers = b.names("medsupplier");
    let tontine = if b.has("tontine") {
        Some(b.pick("tontine"))
    } else {
        None
    };
    let contribution = b.transfer(100, 300);
    let members = b.count(6, 12);
    let payout_month = u32::try_from(b.below(u64::from(b.months))).unwrap_or(0);
    for m in months(b) {
        if providers.is_empty() {
            if b.has("acquirer") {
                let acquirer = b.names("acquirer").first().copied().unwrap_or("ACQUIRER");
                for _ in 0..b.count(6, 14) {
                    let date = b.any_day(m);
                    let amount = b.price(50, 300);
                    b.add(
                        date,
                        amount,
                        Rail::Settlement { acquirer },
                        Label::new(REVENUE, acquirer),
                    );
                }
            }
        } else {
            for _ in 0..b.count(6, 15) {
                let Some(provider) = b.rng().pick(&providers).copied() else {
                    break;
                };
                let date = b.any_day(m);
                let amount = b.transfer(50, 400);
                b.add(
                    date,
                    amount,
                    Rail::MomoIn { provider },
                    Label::new(MOMO_IN, provider),
                );
            }
        }
        for _ in 0..b.count(4, 10) {
            let date = b.any_day(m);
            let amount = b.cash(50, 500);
            b.add(date, amount, Rail::CashDeposit, Label::new(DEPOSIT, "CASH"));
        }
        for _ in 0..b.count(1, 2) {
            let Some(payer) = b.rng().pick(&payers).copied() else {
                break;
            };
            let date = b.any_day(m);
            let amount = b.transfer(200, 1500);
            b.add(
                date,
                amount,
                Rail::In {
                    from: payer,
                    memo: Memo::Invoice,
                },
                Label::new(REVENUE, payer),
            );
        }
        for _ in 0..b.count(3, 6) {
            let Some(supplier) = b.rng().pick(&suppliers).copied() else {
                break;
            };
            let date = b.any_day(m);
            let amount = b.transfer(100, 900);
            b.add(
                date,
                -amount,
                Rail::Out {
                    to: supplier,
                    memo: Memo::Supplies,
                },
                Label::new(SUPPLIERS, supplier),
            );
        }
        if let Some(group) = tontine {
            let date = b.day_of(m, 5);
            let date = b.jitter_weekday(date, 2);
            b.add(
                date,
                -contribution,
                Rail::TontineOut { group },
                Label::new(TONTINE_OUT, group).recurring(),
            );
            if m == payout_month {
                let day = plus(date, b.count(5, 15));
                let pot = contribution * i64::try_from(members).unwrap_or(8);
                b.add(
                    day,
                    pot,
                    Rail::TontineIn { group },
                    Label::new(TONTINE_IN, group),
                );
            }
        }
        if b.chance(60) {
            bill(b, "water", WATER, 10, 30, 18, Memo::Bill);
        }
    }
    if let Some(supplier) = suppliers.first().copied() {
        let m = u32::try_from(b.below(u64::from(b.months))).unwrap_or(0);
        let date = b.any_day(m);
        let amount = b.transfer(800, 3000);
        b.add(
            date,
            -amount,
            Rail::Out {
                to: supplier,
                memo: Memo::Invoice,
            },
            Label::new(EQUIPMENT, supplier),
        );
    }
    bank_fees(b);
    own_transfers(b, 1);
}

fn student(b: &mut Book) {
    let parent = b.person();
    let allowance = b.transfer(150, 350);
    let code = b.country.code;
    for m in months(b) {
        let day = b.day_of(m, 1);
        let date = b.jitter_weekday(day, 3).max(b.start);
        b.add(
            date,
            allowance,
            Rail::In {
                from: &parent,
                memo: Memo::Allowance,
            },
            Label::new(P2P_IN, &parent).recurring(),
        );
        if b.chance(30) {
            let date = b.any_day(m);
            let extra = b.transfer(20, 80);
            b.add(
                date,
                extra,
                Rail::In {
                    from: &parent,
                    memo: Memo::Allowance,
                },
                Label::new(P2P_IN, &parent),
            );
        }
    }
    // State support: grants in some countries, a maintenance loan in Britain.
    if code == "GB" {
        let lender = "STUDENT LOANS COMPANY";
        let slc = plus(b.start, b.below(20));
        let amount = b.transfer(1200, 1600);
        b.add(
            slc,
            amount,
            Rail::Benefit {
                payer: "SLC STUDENT FINANCE",
            },
            Label::new(LOAN_IN, lender).loan(LoanRole::Disbursement, lender),
        );
    } else if matches!(code, "FR" | "DE" | "ZA" | "IN") && b.has("benefit") {
        let wanted = match code {
            "ZA" => "NSFAS",
            "DE" => "Familienkasse",
            "IN" => "NSP SCHOLARSHIP",
            _ => "CAF",
        };
        let payer = b
            .names("benefit")
            .into_iter()
            .find(|n| *n == wanted)
            .unwrap_or("BENEFITS");
        let grant = b.transfer(100, 250);
        for m in months(b) {
            let day = b.day_of(m, 5);
            let date = b.jitter_weekday(day, 1);
            b.add(
                date,
                grant,
                Rail::Benefit { payer },
                Label::new(BENEFITS, payer).recurring(),
            );
        }
    }
    if b.chance(50) {
        let employer = if b.has("fastfood") {
            b.pick("fastfood")
        } else {
            b.pick("employer")
        };
        salary_stream(b, employer, 150, 300);
    }
    if b.has("university") {
        let university = b.pick("university");
        let m = u32::try_from(b.below(u64::from(b.months.min(2)))).unwrap_or(0);
        let date = b.any_day(m);
        let fees = b.transfer(300, 1500);
        b.add(
            date,
            -fees,
            Rail::Out {
                to: university,
                memo: Memo::School,
            },
            Label::new(EDUCATION, university),
        );
    }
    for m in months(b) {
        for _ in 0..b.count(2, 5) {
            card(b, m, "fastfood", FAST_FOOD, 2, 8, false);
        }
        for _ in 0..b.count(2, 4) {
            card(b, m, "grocery", GROCERIES, 4, 25, false);
        }
        if b.has("transit") {
            card(b, m, "transit", TRANSIT, 1, 6, false);
        }
        for _ in 0..b.count(0, 3) {
            card(b, m, "ride", TAXI, 2, 6, true);
        }
        airtime(b, m, 3, 7);
        if b.chance(40) {
            card(b, m, "clothing", CLOTHING, 5, 30, false);
        }
        let n = b.count(1, 4);
        p2p_out(b, m, n, 3, 20, Memo::None);
        atm(b, m, 0, 2, true);
        let out = b.count(0, 2);
        momo(b, m, out, 0);
    }
    bill(b, "music", MUSIC, 1, 3, 9, Memo::None);
    if !prepaid(b) && b.has("phone") {
        bill(b, "phone", TELEPHONE, 4, 10, 20, Memo::Bill);
    }
    bank_fees(b);
    refund(b);
}

fn pensioner(b: &mut Book) {
    let payer = b.pick("pension");
    let step = (b.country.income / 100).max(1);
    let pension = b.round(500, 900, step);
    if b.country.code == "GB" {
        // The state pension is paid every four weeks.
        let mut date = plus(b.start, b.below(28));
        while date <= b.end {
            b.add(
                date,
                pension,
                Rail::Pension { payer },
                Label::new(PENSION, payer).recurring(),
            );
            date = plus(date, 28);
        }
    } else {
        for m in months(b) {
            let day = b.day_of(m, b.country.pay_day.max(2));
            let date = b.jitter_weekday(day, 1);
            b.add(
                date,
                pension,
                Rail::Pension { payer },
                Label::new(PENSION, payer).recurring(),
            );
        }
    }
    if b.names("pension").len() > 1 && b.chance(50) {
        let second = b.names("pension").get(1).copied().unwrap_or(payer);
        let amount = b.round(150, 350, step);
        for m in months(b) {
            let day = b.day_of(m, 8);
            let date = b.jitter_weekday(day, 1);
            b.add(
                date,
                amount,
                Rail::Pension { payer: second },
                Label::new(PENSION, second).recurring(),
            );
        }
    }
    let church = b.pick("church");
    let gift = b.transfer(10, 50);
    for m in months(b) {
        for _ in 0..b.count(2, 4) {
            card(b, m, "pharmacy", PHARMACY, 3, 25, false);
        }
        if b.chance(35) && b.has("doctor") {
            card(b, m, "doctor", DOCTOR, 20, 40, false);
        }
        for _ in 0..b.count(3, 6) {
            card(b, m, "grocery", GROCERIES, 5, 40, false);
        }
        if b.chance(50) {
            card(b, m, "restaurant", RESTAURANT, 5, 20, false);
        }
        let day = b.day_of(m, 3);
        let date = b.jitter_weekday(day, 1);
        b.add(
            date,
            -gift,
            Rail::Out {
                to: church,
                memo: Memo::None,
            },
            Label::new(DONATION, church).recurring(),
        );
        let n = b.count(0, 2);
        p2p_out(b, m, n, 10, 60, Memo::Family);
        if b.chance(30) {
            p2p_in(b, m, 1, 20, 100, Memo::Family);
        }
        atm(b, m, 1, 3, false);
        airtime(b, m, 1, 2);
        if !debits_bills(b) {
            power_tokens(b, m);
        }
    }
    if debits_bills(b) {
        bill(b, "electricity", ELECTRICITY, 15, 40, 8, Memo::Bill);
        bill(b, "water", WATER, 5, 12, 18, Memo::Bill);
        bill(b, "insurance", INSURANCE, 10, 35, 5, Memo::Insurance);
        bill(b, "tv", INTERNET_TV, 8, 20, 12, Memo::Bill);
    } else {
        bill(b, "tv", INTERNET_TV, 8, 20, 12, Memo::Bill);
    }
    bank_fees(b);
    let n = b.count(0, 2);
    own_transfers(b, n);
}
