//! One transaction → category, channel, counterparty: the per-transaction hot path.

use std::sync::Arc;

use ledgerlens_core::Category;
use rust_decimal::Decimal;

use crate::counterparty;
use crate::normalize::normalize_into;
use crate::rulebook::{Clause, Rule, Rulebook, Scope, Tier};
use crate::types::{Channel, CounterpartyKey, Decision, Source, TxEnrichment};

/// Rule names of the built-in detectors and fallbacks, shared so that deciding by them does not
/// allocate (the hot path runs at half a million transactions a second).
struct Names {
    own_account: Arc<str>,
    business_takings: Arc<str>,
    fallback: Vec<Arc<str>>,
}

fn names() -> &'static Names {
    static NAMES: std::sync::OnceLock<Names> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| Names {
        own_account: "detector.own_account".into(),
        business_takings: "detector.business_takings".into(),
        fallback: Channel::ALL
            .iter()
            .map(|channel| format!("fallback.{channel}").into())
            .collect(),
    })
}

/// Buffers reused across transactions so that the hot path does not allocate per rule hit.
#[derive(Debug, Default)]
pub struct Scratch {
    normalized: String,
    stripped: String,
    code: String,
    key: String,
    /// Spans of counterparty strip phrases found in the one scan.
    strips: Vec<(usize, usize)>,
    /// Whether the last narration had a returned-payment word.
    returned_words: bool,
    /// Counterparty keys already seen in this ledger: one allocation per counterparty, not per
    /// transaction.
    keys: crate::fxhash::FxHashMap<Box<str>, Arc<str>>,
    /// Rules hit by this description: (rule, any matched, all bits seen, vetoed, longest phrase).
    hits: Vec<(u32, bool, u64, bool, u16)>,
}

impl Scratch {
    /// Whether the narration last categorised had a returned-payment word (returned, unpaid,
    /// impayé, Rücklastschrift…), found in the same pass as the rule phrases.
    pub fn returned_words(&self) -> bool {
        self.returned_words
    }
}

/// What is known about a transaction before enrichment.
#[derive(Clone, Copy, Debug)]
pub struct TxInput<'a> {
    /// The narration.
    pub description: &'a str,
    /// Signed amount (credits positive); `None` (or zero) when unknown, in which case rules
    /// apply whatever their direction and amount bounds.
    pub amount: Option<Decimal>,
    /// The bank's own type code, when the format has one (OFX TRNTYPE, CAMT BkTxCd).
    pub bank_code: Option<&'a str>,
    /// Counterparty name given by a structured source.
    pub counterparty: Option<&'a str>,
}

/// Sort key of a candidate rule (bigger wins).
type Rank = (bool, i32, bool, u16, u32);

/// Ranking of a candidate rule: tenant rules first, then priority, then a country's rule over
/// a generic one, then the more specific (longer) phrase, then confidence.
fn rank(rule: &Rule, phrase_length: u16) -> Rank {
    (
        rule.tier == Tier::Tenant,
        rule.priority,
        rule.tier == Tier::Country,
        phrase_length,
        (rule.confidence * 1000.0) as u32,
    )
}

fn amount_admits(rule: &Rule, amount: Option<Decimal>) -> bool {
    let Some(absolute) = amount.map(|amount| amount.abs()) else {
        return true;
    };
    rule.min.is_none_or(|min| absolute >= min) && rule.max.is_none_or(|max| absolute <= max)
}

/// Categorises one transaction. `holder` is the normalised, space-padded holder name words
/// (see [`holder_words`]), used to recognise moves between the holder's own accounts.
pub fn categorize(
    book: &Rulebook,
    scope: Scope,
    input: TxInput<'_>,
    holder: &[String],
    scratch: &mut Scratch,
) -> TxEnrichment {
    let amount = input.amount.filter(|amount| !amount.is_zero());
    let sign = amount.map(|amount| amount > Decimal::ZERO);
    let credit = sign.unwrap_or(false);
    normalize_into(input.description, &mut scratch.normalized);
    if let Some(code) = input.bank_code {
        // Structured formats' type codes (DIRECTDEBIT, ATM, POS, FEE, INT) are strong channel
        // evidence; appending them lets the same phrase rules read them.
        scratch.normalized.push_str("bankcode ");
        normalize_into(code, &mut scratch.code);
        scratch.normalized.push_str(scratch.code.trim_start());
    }
    scratch.hits.clear();
    scratch.strips.clear();
    scratch.returned_words = false;
    for found in book
        .phrases
        .find_overlapping_iter(scratch.normalized.as_str())
    {
        let Some(uses) = book.uses.get(found.pattern().as_usize()) else {
            continue;
        };
        for &(rule_index, clause, length) in uses {
            match clause {
                Clause::Strip => {
                    if u16::try_from(rule_index).is_ok_and(|pack| scope.contains(pack)) {
                        scratch.strips.push((found.start(), found.end()));
                    }
                    continue;
                }
                Clause::Returned => {
                    scratch.returned_words = true;
                    continue;
                }
                Clause::Any | Clause::All(_) | Clause::Not => {}
            }
            let Some(rule) = book.rules.get(rule_index as usize) else {
                continue;
            };
            if !scope.contains(rule.pack) {
                continue;
            }
            let slot = match scratch.hits.iter().position(|hit| hit.0 == rule_index) {
                Some(slot) => slot,
                None => {
                    scratch.hits.push((rule_index, false, 0, false, 0));
                    scratch.hits.len() - 1
                }
            };
            if let Some(hit) = scratch.hits.get_mut(slot) {
                match clause {
                    Clause::Any => {
                        hit.1 = true;
                        hit.4 = hit.4.max(length);
                    }
                    Clause::All(bit) => {
                        hit.2 |= 1u64 << bit;
                        hit.4 = hit.4.max(length);
                    }
                    Clause::Not => hit.3 = true,
                    Clause::Strip | Clause::Returned => {}
                }
            }
        }
    }
    for &rule_index in &book.unconditional {
        if !scratch.hits.iter().any(|hit| hit.0 == rule_index) {
            scratch.hits.push((rule_index, false, 0, false, 0));
        }
    }

    let mut best_category: Option<(&Rule, Rank)> = None;
    let mut best_channel: Option<(&Rule, Rank)> = None;
    for &(rule_index, any, all_seen, vetoed, length) in &scratch.hits {
        let Some(rule) = book.rules.get(rule_index as usize) else {
            continue;
        };
        if vetoed
            || (rule.has_any && !any)
            || all_seen & rule.all_mask != rule.all_mask
            || !scope.contains(rule.pack)
            || !sign.is_none_or(|credit| rule.direction.admits(credit))
            || !amount_admits(rule, amount)
        {
            continue;
        }
        if let Some(regex) = &rule.regex
            && !regex.is_match(&scratch.normalized)
        {
            continue;
        }
        let key = rank(rule, length);
        if rule.category.is_some() && best_category.is_none_or(|(_, best)| key > best) {
            best_category = Some((rule, key));
        }
        if rule.channel.is_some() && best_channel.is_none_or(|(_, best)| key > best) {
            best_channel = Some((rule, key));
        }
    }

    let channel = best_channel
        .and_then(|(rule, _)| rule.channel)
        .unwrap_or(Channel::Other);
    let has_key = match input.counterparty.filter(|name| !name.trim().is_empty()) {
        Some(name) => {
            scratch.key.clear();
            scratch.key.push_str(&counterparty::key_of(name));
            !scratch.key.is_empty()
        }
        None => counterparty::extract(
            book,
            scope,
            &scratch.normalized,
            &mut scratch.strips,
            &mut scratch.stripped,
            &mut scratch.key,
        ),
    };

    let (mut category, mut confidence, mut decided_by) = match best_category {
        Some((rule, _)) => (
            rule.category.unwrap_or_else(Category::uncategorized),
            rule.confidence,
            Decision {
                source: match rule.tier {
                    Tier::Tenant => Source::TenantRule,
                    Tier::Country => Source::CountryRule,
                    Tier::Generic => Source::GenericRule,
                },
                rule: rule.id.clone(),
            },
        ),
        None => fallback(channel, credit),
    };

    let mut internal_transfer = category.code().ends_with("_ACCOUNT_TRANSFER");
    // Only a plain transfer can be re-read as a move between own accounts: a cash deposit slip
    // or a wallet sweep naming the holder is still a deposit or a sweep.
    let weak = (decided_by.source == Source::Fallback
        || matches!(
            category.code(),
            "TRANSFER_IN_PERSON_TO_PERSON"
                | "TRANSFER_IN_OTHER_TRANSFER_IN"
                | "TRANSFER_OUT_PERSON_TO_PERSON"
                | "TRANSFER_OUT_OTHER_TRANSFER_OUT"
                | "OTHER_UNCATEGORIZED"
        ))
        && decided_by.source != Source::TenantRule
        && !matches!(channel, Channel::Cash | Channel::Atm | Channel::MobileMoney);
    if weak && names_holder(&scratch.normalized, holder) {
        let code = if credit {
            "TRANSFER_IN_ACCOUNT_TRANSFER"
        } else {
            "TRANSFER_OUT_ACCOUNT_TRANSFER"
        };
        category = Category::parse(code).unwrap_or(category);
        confidence = 0.85;
        decided_by = Decision {
            source: Source::OwnAccount,
            rule: names().own_account.clone(),
        };
        internal_transfer = true;
    }

    let counterparty = has_key.then(|| {
        let key = match scratch.keys.get(scratch.key.as_str()) {
            Some(shared) => shared.clone(),
            None => {
                let shared: Arc<str> = scratch.key.as_str().into();
                scratch
                    .keys
                    .insert(scratch.key.as_str().into(), shared.clone());
                shared
            }
        };
        CounterpartyKey {
            name: key.clone(),
            key,
        }
    });
    if let Some(found) = counterparty.as_ref()
        && let Some(corrections) = book.overrides.get(found.key.as_ref())
        && let Some((corrected, _)) = corrections
            .iter()
            .find(|(_, direction)| sign.is_none_or(|credit| direction.admits(credit)))
    {
        category = *corrected;
        confidence = 1.0;
        decided_by = Decision {
            source: Source::TenantOverride,
            rule: format!("override.{}", found.key).into(),
        };
        internal_transfer = category.code().ends_with("_ACCOUNT_TRANSFER");
    }

    TxEnrichment {
        category,
        confidence,
        decided_by,
        counterparty,
        channel,
        series: None,
        internal_transfer,
        salary: false,
        loan: None,
        lender: None,
    }
}

/// What the channel and the sign say when no rule matched: coarse, and marked as such by a low
/// confidence so that analytics can tell "unknown spending" from "groceries".
fn fallback(channel: Channel, credit: bool) -> (Category, f32, Decision) {
    let (code, confidence) = match (channel, credit) {
        (Channel::Atm, false) => ("TRANSFER_OUT_WITHDRAWAL", 0.7),
        (Channel::Atm, true) | (Channel::Cash, true) => ("TRANSFER_IN_DEPOSIT", 0.6),
        (Channel::Cash, false) => ("TRANSFER_OUT_WITHDRAWAL", 0.6),
        (Channel::Cheque, true) => ("TRANSFER_IN_DEPOSIT", 0.5),
        (Channel::Fee, false) => ("BANK_FEES_OTHER_BANK_FEES", 0.7),
        (Channel::Interest, true) => ("INCOME_INTEREST_EARNED", 0.7),
        (Channel::Interest, false) => ("BANK_FEES_INTEREST_CHARGE", 0.7),
        (Channel::MobileMoney, true) => ("TRANSFER_IN_MOBILE_MONEY", 0.6),
        (Channel::MobileMoney, false) => ("TRANSFER_OUT_MOBILE_MONEY", 0.6),
        (Channel::Card | Channel::Online, false) => {
            ("GENERAL_MERCHANDISE_OTHER_GENERAL_MERCHANDISE", 0.4)
        }
        (Channel::Card | Channel::Online, true) => ("TRANSFER_IN_REFUND_REVERSAL", 0.4),
        (Channel::DirectDebit | Channel::StandingOrder, false) => {
            ("TRANSFER_OUT_OTHER_TRANSFER_OUT", 0.3)
        }
        (_, true) => ("TRANSFER_IN_OTHER_TRANSFER_IN", 0.3),
        (_, false) => ("TRANSFER_OUT_OTHER_TRANSFER_OUT", 0.3),
    };
    (
        Category::parse(code).unwrap_or_else(Category::uncategorized),
        confidence,
        Decision {
            source: Source::Fallback,
            rule: Channel::ALL
                .iter()
                .position(|c| *c == channel)
                .and_then(|index| names().fallback.get(index))
                .cloned()
                .unwrap_or_else(|| format!("fallback.{channel}").into()),
        },
    )
}

/// The holder's name as words worth matching: two letters or more, not legal forms or trade
/// words ("TRADING", "SERVICES" name half the customers of a trading business too).
pub fn holder_words(holder: Option<&str>) -> Vec<String> {
    let Some(holder) = holder else {
        return Vec::new();
    };
    let mut normalized = String::new();
    normalize_into(holder, &mut normalized);
    normalized
        .split_whitespace()
        .filter(|word| word.len() >= 2)
        .filter(|word| !counterparty::key_of(word).is_empty())
        .filter(|word| !crate::holder::is_generic_business_word(word))
        .map(|word| format!(" {word} "))
        .collect()
}

/// True when the description names the holder: every word of a two-word name, or two words of
/// a longer one. One shared word ("JOHN") is too common to mean "myself".
fn names_holder(normalized: &str, holder: &[String]) -> bool {
    if holder.len() < 2 {
        return false;
    }
    let present = holder
        .iter()
        .filter(|word| normalized.contains(word.as_str()))
        .count();
    present >= 2
}

/// On a business account, a credit the rules could only call a transfer (from a person, from
/// nobody known, a cheque paid in) is takings: the business's revenue. Own-account moves,
/// loans, refunds, mobile-money sweeps and tenants' decisions stay as they are.
pub fn as_business(mut enrichment: TxEnrichment, amount: Decimal) -> TxEnrichment {
    const TAKINGS: &[&str] = &[
        "TRANSFER_IN_PERSON_TO_PERSON",
        "TRANSFER_IN_OTHER_TRANSFER_IN",
    ];
    // A cheque or remote deposit is a customer paying; cash paid in stays a deposit (EnvoyX reads
    // cash deposits as their own inflow class, and an owner's cash may not be sales).
    let cheque = !matches!(enrichment.channel, Channel::Cash | Channel::Atm)
        && enrichment.category.code() == "TRANSFER_IN_DEPOSIT";
    let tenant = matches!(
        enrichment.decided_by.source,
        Source::TenantOverride | Source::TenantRule
    );
    if amount > Decimal::ZERO
        && !tenant
        && !enrichment.internal_transfer
        && (TAKINGS.contains(&enrichment.category.code()) || cheque)
        && let Some(revenue) = Category::parse("INCOME_BUSINESS_REVENUE")
    {
        enrichment.category = revenue;
        enrichment.confidence = enrichment.confidence.min(0.7);
        enrichment.decided_by = Decision {
            source: Source::Detector,
            rule: names().business_takings.clone(),
        };
    }
    enrichment
}
