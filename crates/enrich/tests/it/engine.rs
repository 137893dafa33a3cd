//! The rule engine's semantics, on small packs written here (independent of the shipped packs).

use ledgerlens_enrich::{
    Channel, Rulebook, Scratch, Source, Tier, TxInput, categorize, holder_words, parse_pack,
};
use rust_decimal::Decimal;

const COUNTRY: &str = r#"
[pack]
id = "xx"
version = "1"
countries = ["XX"]
currencies = ["XXX"]

[[rule]]
id = "xx.groceries.brand"
category = "FOOD_AND_DRINK_GROCERIES"
any = ["shoprite", "mega mart"]
priority = 70

[[rule]]
id = "xx.salary"
category = "INCOME_WAGES"
any = ["salar*", "payroll"]
not = ["advance"]
priority = 60

[[rule]]
id = "xx.loan.disbursement"
category = "TRANSFER_IN_CASH_ADVANCES_AND_LOANS"
all = ["loan", "disb*"]
priority = 80

[[rule]]
id = "xx.fee.small"
category = "BANK_FEES_SMS_ALERTS"
any = ["alert"]
max_amount = "50"
priority = 90

[[rule]]
id = "xx.tax.regex"
category = "GOVERNMENT_AND_NON_PROFIT_TAX_PAYMENT"
regex = ' tin [0-9]{8} '

[[channel]]
id = "xx.channel.pos"
channel = "card"
any = ["pos"]

[[channel]]
id = "xx.channel.atm"
channel = "atm"
any = ["atm"]

[counterparty]
strip = ["pos purchase", "transfer from"]
stop = ["ref"]
"#;

const GENERIC: &str = r#"
[pack]
id = "gen"
version = "1"
countries = ["*"]

[[rule]]
id = "gen.groceries.word"
category = "FOOD_AND_DRINK_GROCERIES"
any = ["supermarket"]

[[rule]]
id = "gen.shopping.brand"
category = "GENERAL_MERCHANDISE_SUPERSTORES"
any = ["shoprite"]
priority = 70

[[rule]]
id = "gen.transfer"
category = "TRANSFER_IN_PERSON_TO_PERSON"
any = ["transfer"]
priority = 20
"#;

const TENANT: &str = r#"
[pack]
id = "tenant"
version = "7"

[[rule]]
id = "tenant.mega"
category = "BUSINESS_EXPENSES_SUPPLIERS_AND_INVENTORY"
any = ["mega mart"]
priority = 1

[[override]]
counterparty = "Jane Roe Ltd"
category = "INCOME_BUSINESS_REVENUE"
direction = "credit"
"#;

fn book(with_tenant: bool) -> Rulebook {
    let mut files = vec![
        (
            "xx".to_owned(),
            parse_pack("xx", COUNTRY).unwrap(),
            Tier::Country,
        ),
        (
            "gen".to_owned(),
            parse_pack("gen", GENERIC).unwrap(),
            Tier::Generic,
        ),
    ];
    if with_tenant {
        files.push((
            "tenant".to_owned(),
            parse_pack("tenant", TENANT).unwrap(),
            Tier::Tenant,
        ));
    }
    Rulebook::compile(files).unwrap()
}

fn run(book: &Rulebook, description: &str, amount: i64) -> ledgerlens_enrich::TxEnrichment {
    let scope = book.scope(Some("XX"), None);
    categorize(
        book,
        scope,
        TxInput {
            description,
            amount: Some(Decimal::new(amount, 0)),
            bank_code: None,
            counterparty: None,
        },
        &holder_words(Some("Ada Obi")),
        &mut Scratch::default(),
    )
}

#[test]
fn a_country_rule_beats_a_generic_one_at_equal_priority() {
    let result = run(
        &book(false),
        "POS PURCHASE SHOPRITE LEKKI 5399****1234",
        -100,
    );
    assert_eq!(result.category.code(), "FOOD_AND_DRINK_GROCERIES");
    assert_eq!(result.decided_by.rule.as_ref(), "xx.groceries.brand");
    assert_eq!(result.decided_by.source, Source::CountryRule);
    assert_eq!(result.channel, Channel::Card);
    assert_eq!(result.counterparty.unwrap().key.as_ref(), "SHOPRITE LEKKI");
}

#[test]
fn phrases_match_whole_words_and_star_means_prefix() {
    let b = book(false);
    assert_eq!(run(&b, "SALARY NOV", 5000).category.code(), "INCOME_WAGES");
    assert_eq!(
        run(&b, "Salario noviembre", 5000).category.code(),
        "INCOME_WAGES"
    );
    // "payroll" is a whole word: "payrolls" does not match, and the credit falls back.
    assert_eq!(
        run(&b, "payrolls", 5000).decided_by.source,
        Source::Fallback
    );
    // "supermarket" inside a longer word does not match either.
    assert_eq!(
        run(&b, "hypersupermarkets", -5).decided_by.source,
        Source::Fallback
    );
}

#[test]
fn a_vetoing_phrase_stops_a_rule() {
    let result = run(&book(false), "SALARY ADVANCE", 5000);
    assert_ne!(result.category.code(), "INCOME_WAGES");
}

#[test]
fn every_all_phrase_is_needed() {
    let b = book(false);
    assert_eq!(
        run(&b, "QUICKCASH LOAN DISBURSEMENT", 50_000)
            .category
            .code(),
        "TRANSFER_IN_CASH_ADVANCES_AND_LOANS"
    );
    assert_ne!(
        run(&b, "QUICKCASH LOAN", 50_000).category.code(),
        "TRANSFER_IN_CASH_ADVANCES_AND_LOANS"
    );
}

#[test]
fn the_category_implies_the_direction_unless_the_rule_says_otherwise() {
    // A salary rule never fires on a debit.
    assert_ne!(
        run(&book(false), "SALARY NOV", -5000).category.code(),
        "INCOME_WAGES"
    );
}

#[test]
fn amount_bounds_are_inclusive_absolute_values() {
    let b = book(false);
    assert_eq!(
        run(&b, "SMS ALERT", -50).category.code(),
        "BANK_FEES_SMS_ALERTS"
    );
    assert_ne!(
        run(&b, "SMS ALERT", -51).category.code(),
        "BANK_FEES_SMS_ALERTS"
    );
}

#[test]
fn a_regex_rule_needs_no_phrase() {
    let result = run(&book(false), "PAYMENT TIN 12345678 Q3", -900);
    assert_eq!(
        result.category.code(),
        "GOVERNMENT_AND_NON_PROFIT_TAX_PAYMENT"
    );
}

#[test]
fn tenant_rules_win_over_packs_whatever_their_priority() {
    let result = run(&book(true), "MEGA MART WHOLESALE", -900);
    assert_eq!(
        result.category.code(),
        "BUSINESS_EXPENSES_SUPPLIERS_AND_INVENTORY"
    );
    assert_eq!(result.decided_by.source, Source::TenantRule);
}

#[test]
fn an_override_by_counterparty_wins_over_everything() {
    let b = book(true);
    let result = run(&b, "TRANSFER FROM JANE ROE LIMITED REF 889", 2000);
    assert_eq!(result.category.code(), "INCOME_BUSINESS_REVENUE");
    assert_eq!(result.decided_by.source, Source::TenantOverride);
    // Restricted to credits: a payment to the same counterparty keeps the packs' answer.
    let paid = run(&b, "TRANSFER FROM JANE ROE LIMITED REF 889", -2000);
    assert_ne!(paid.decided_by.source, Source::TenantOverride);
}

#[test]
fn a_transfer_naming_the_holder_is_an_own_account_move() {
    let result = run(&book(false), "TRANSFER FROM ADA OBI", 2000);
    assert!(result.internal_transfer);
    assert_eq!(result.category.code(), "TRANSFER_IN_ACCOUNT_TRANSFER");
    // One shared first name is not enough.
    assert!(!run(&book(false), "TRANSFER FROM ADA EZE", 2000).internal_transfer);
}

#[test]
fn a_pack_out_of_scope_does_not_apply() {
    let b = book(false);
    let scope = b.scope(Some("YY"), None);
    let result = categorize(
        &b,
        scope,
        TxInput {
            description: "SHOPRITE",
            amount: Some(Decimal::new(-5, 0)),
            bank_code: None,
            counterparty: None,
        },
        &[],
        &mut Scratch::default(),
    );
    assert_eq!(result.decided_by.rule.as_ref(), "gen.shopping.brand");
}

#[test]
fn bad_packs_are_refused_with_the_rule_named() {
    let bad_category =
        "[pack]\nid='b'\nversion='1'\n[[rule]]\nid='b.one'\ncategory='NOPE'\nany=['x']\n";
    let error = Rulebook::compile(vec![(
        "b".to_owned(),
        parse_pack("b", bad_category).unwrap(),
        Tier::Country,
    )])
    .unwrap_err()
    .to_string();
    assert!(error.contains("b.one") && error.contains("NOPE"), "{error}");

    let unknown_field = "[pack]\nid='b'\nversion='1'\n[[rule]]\nid='b.one'\ncategory='OTHER_UNCATEGORIZED'\nanyy=['x']\n";
    assert!(
        parse_pack("b", unknown_field)
            .unwrap_err()
            .to_string()
            .contains("anyy")
    );

    let bad_regex = "[pack]\nid='b'\nversion='1'\n[[rule]]\nid='b.two'\ncategory='OTHER_UNCATEGORIZED'\nregex='('\n";
    let error = Rulebook::compile(vec![(
        "b".to_owned(),
        parse_pack("b", bad_regex).unwrap(),
        Tier::Country,
    )])
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("b.two") && error.contains("regex"),
        "{error}"
    );
}
