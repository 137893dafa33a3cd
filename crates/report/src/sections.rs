//! The report's pages, in the order a credit officer reads them: decision, cash flow, spending
//! and income, income and loans, flags, statement reconciliation, transactions.
//!
//! Every figure is read from the native analysis JSON by its documented name
//! (docs/analytics.md, docs/scoring.md); a figure that is absent prints `–` rather than stopping
//! the report, so an older stored analysis still renders.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde_json::Value;

use crate::ReportInput;
use crate::charts;
use crate::fonts::Style;
use crate::format::{
    category_label, humanize, long_date, long_date_text, money, money_text, month_label, percent,
};
use crate::layout::{Align, CONTENT_W, Cell, Flow, MARGIN, col, palette, wrap};
use crate::pdf::{Doc, PAGE_H, PAGE_W, Rgb};

static NULL: Value = Value::Null;

/// The value at a dotted path, or null.
fn at<'a>(value: &'a Value, path: &str) -> &'a Value {
    path.split('.')
        .fold(value, |v, key| v.get(key).unwrap_or(&NULL))
}

/// A scalar as text.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(true) => "Yes".to_owned(),
        Value::Bool(false) => "No".to_owned(),
        _ => "–".to_owned(),
    }
}

/// A number for geometry and ratios.
fn float(value: &Value) -> f64 {
    value
        .as_f64()
        .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
        .unwrap_or(0.0)
}

/// An amount as printed.
fn amount(value: &Value) -> String {
    match value {
        Value::String(s) => money_text(s),
        Value::Number(n) => money_text(&n.to_string()),
        _ => "–".to_owned(),
    }
}

fn decimal_f64(value: Decimal) -> f64 {
    value.to_string().parse().unwrap_or(0.0)
}

fn list(value: &Value) -> &[Value] {
    value.as_array().map(Vec::as_slice).unwrap_or(&[])
}

fn severity_color(severity: &str) -> Rgb {
    match severity.to_ascii_lowercase().as_str() {
        "high" | "critical" | "red" | "e" | "d" => palette::RED,
        "medium" | "orange" | "amber" | "c" => palette::AMBER,
        "low" | "green" | "a" | "b" => palette::GREEN,
        _ => palette::MUTED,
    }
}

/// Lays out the whole report and adds the running header and footer.
pub fn render(doc: Doc, input: &ReportInput) -> Doc {
    let a = &input.analysis;
    let mut flow = Flow::new(doc);
    decision(&mut flow, a);
    flow.page();
    cash_flow(&mut flow, input);
    flow.page();
    spending_and_income(&mut flow, input);
    flow.page();
    income_and_loans(&mut flow, a);
    flags(&mut flow, a);
    statement_summary(&mut flow, a);
    flow.page();
    appendix(&mut flow, input);
    let mut doc = flow.doc;
    furniture(&mut doc, input);
    doc
}

/// Header and footer of every page: who, which period, page n of N.
fn furniture(doc: &mut Doc, input: &ReportInput) {
    let pages = doc.page_count();
    let right = MARGIN + CONTENT_W;
    let currency = text(at(&input.analysis, "currency"));
    let period = format!(
        "{} – {}",
        long_date(input.period_start),
        long_date(input.period_end)
    );
    for index in 0..pages {
        doc.set_page(index);
        doc.rect(0.0, 0.0, PAGE_W, 5.0, palette::NAVY);
        doc.text(
            Style::Bold,
            7.0,
            MARGIN,
            22.0,
            palette::MUTED,
            "BANK STATEMENT REPORT · LEDGERLENS",
        );
        let name = crate::layout::fit(doc, Style::Bold, 13.0, CONTENT_W - 200.0, &input.applicant);
        doc.text(Style::Bold, 13.0, MARGIN, 41.0, palette::TEXT, &name);
        doc.text_right(
            Style::Regular,
            7.0,
            right,
            22.0,
            palette::MUTED,
            "STATEMENT PERIOD",
        );
        doc.text_right(Style::Bold, 10.0, right, 36.0, palette::TEXT, &period);
        doc.text_right(
            Style::Regular,
            7.5,
            right,
            48.0,
            palette::MUTED,
            &format!(
                "Figures in {currency} · generated {}",
                long_date(input.generated_on)
            ),
        );
        doc.line(MARGIN, 56.0, right, 56.0, 0.8, palette::RULE);
        let foot = PAGE_H - 36.0;
        doc.line(MARGIN, foot, right, foot, 0.6, palette::RULE);
        doc.text(
            Style::Regular,
            7.0,
            MARGIN,
            foot + 13.0,
            palette::MUTED,
            &format!("{} · {period}", input.applicant),
        );
        doc.text_right(
            Style::Bold,
            8.0,
            right,
            foot + 13.0,
            palette::TEXT,
            &format!("Page {} of {pages}", index + 1),
        );
    }
}

/// One scorecard tile of the decision page.
struct Tile {
    title: &'static str,
    big: String,
    big_size: f32,
    color: Rgb,
    badge: Option<(String, Rgb)>,
    lines: Vec<String>,
}

fn tile(flow: &mut Flow, x: f32, y: f32, w: f32, h: f32, tile: &Tile) {
    let doc = &mut flow.doc;
    doc.rect(x, y, w, h, palette::SHADE);
    doc.rect(x, y, 4.0, h, tile.color);
    doc.text(
        Style::Bold,
        7.5,
        x + 14.0,
        y + 17.0,
        palette::MUTED,
        tile.title,
    );
    doc.text(
        Style::Bold,
        tile.big_size,
        x + 14.0,
        y + 50.0,
        tile.color,
        &tile.big,
    );
    if let Some((badge, color)) = &tile.badge {
        let bx = x + 22.0 + doc.width(Style::Bold, tile.big_size, &tile.big);
        let bw = doc.width(Style::Bold, 8.0, badge) + 12.0;
        doc.rect(bx, y + 34.0, bw, 15.0, *color);
        doc.text(Style::Bold, 8.0, bx + 6.0, y + 44.8, palette::WHITE, badge);
    }
    let mut line_y = y + 68.0;
    for line in &tile.lines {
        for part in wrap(doc, Style::Regular, 8.3, w - 24.0, line) {
            if line_y > y + h - 6.0 {
                return;
            }
            doc.text(Style::Regular, 8.3, x + 14.0, line_y, palette::TEXT, &part);
            line_y += 11.0;
        }
    }
}

/// Whose account it is, said against the applicant's name the lender gave (the native
/// analysis's `holder`), and whether it is someone else's.
fn holder_check(a: &Value) -> (String, bool) {
    let printed: Vec<String> = list(at(a, "holder.printed")).iter().map(text).collect();
    if printed.is_empty() {
        return (
            "No holder name is printed on the statement.".to_owned(),
            false,
        );
    }
    let holder = printed.join(" / ");
    let declared = at(a, "holder.declared").as_str();
    let found = at(a, "holder.name_match");
    match (declared, at(found, "result").as_str()) {
        (Some(declared), Some("MISMATCH")) => (
            format!(
                "The holder printed, {holder}, is not the applicant, {declared} ({}).",
                text(at(found, "details"))
            ),
            true,
        ),
        (Some(declared), Some(result)) => (
            format!(
                "Holder {holder} matches the applicant {declared} ({}: {}).",
                result.to_lowercase(),
                text(at(found, "details"))
            ),
            false,
        ),
        _ => (
            format!("Holder {holder} (no applicant name was given to compare)."),
            false,
        ),
    }
}

/// A key reason: marker colour, an optional coloured label, the text.
type Reason = (Rgb, Option<(String, Rgb)>, String);

fn decision(flow: &mut Flow, a: &Value) {
    let s = at(a, "scores");
    flow.doc.text(
        Style::Bold,
        18.0,
        MARGIN,
        flow.y + 16.0,
        palette::NAVY,
        "Lending decision summary",
    );
    flow.y += 24.0;
    let account = list(at(a, "accounts")).first().unwrap_or(&NULL);
    let mut context = Vec::new();
    for key in ["holder", "bank"] {
        if let Some(v) = at(account, key).as_str() {
            context.push(v.to_owned());
        }
    }
    if let Some(id) = at(account, "identifier").as_str() {
        context.push(format!("account {id}"));
    }
    let accounts = list(at(a, "accounts")).len();
    if accounts > 1 {
        context.push(format!("{accounts} accounts"));
    }
    context.push(format!(
        "{} transactions over {} months ({} days)",
        text(at(a, "period.transactions")),
        text(at(a, "period.months")),
        text(at(a, "period.days"))
    ));
    context.push(format!("as of {}", long_date_text(&text(at(a, "as_of")))));
    flow.paragraph(&context.join(" · "), 8.5, palette::MUTED);
    let (holder_line, not_the_applicant) = holder_check(a);
    if not_the_applicant {
        flow.gap(4.0);
        flow.paragraph(
            &format!("NOT THE APPLICANT'S ACCOUNT. {holder_line}"),
            9.0,
            palette::RED,
        );
    }
    flow.gap(8.0);

    let gap = 10.0;
    let w = (CONTENT_W - gap) / 2.0;
    let h = 124.0;
    let y = flow.y;

    let points = at(s, "points");
    let (verdict, verdict_color) = match at(points, "didPass") {
        Value::Bool(true) => ("PASS", palette::GREEN),
        Value::Bool(false) => ("FAIL", palette::RED),
        _ => ("NO PASS MARK SET", palette::MUTED),
    };
    let rules = list(at(points, "ruleResults"));
    let met = rules
        .iter()
        .filter(|r| at(r, "code").as_str() == Some("MET"))
        .count();
    tile(
        flow,
        MARGIN,
        y,
        w,
        h,
        &Tile {
            title: "POINTS SCORECARD",
            big: text(at(points, "calculatedScore")),
            big_size: 26.0,
            color: if verdict_color == palette::MUTED {
                palette::NAVY
            } else {
                verdict_color
            },
            badge: Some((verdict.to_owned(), verdict_color)),
            lines: vec![
                format!(
                    "Base {} + rules {} · {met} of {} rules met",
                    text(at(points, "baseScore")),
                    text(at(points, "rulesScore")),
                    rules.len()
                ),
                format!(
                    "Scorecard {} {}",
                    text(at(points, "replay.scorecard.id")),
                    text(at(points, "replay.scorecard.version"))
                ),
            ],
        },
    );

    let xray = at(s, "xray");
    let flag = text(at(xray, "bankFlag.color"));
    let xray_color = severity_color(&flag);
    let alerts = list(at(xray, "bankFlag.reasons"))
        .iter()
        .filter(|r| at(r, "alert").as_bool() == Some(true))
        .count();
    tile(
        flow,
        MARGIN + w + gap,
        y,
        w,
        h,
        &Tile {
            title: "BANK X-RAY GRADE",
            big: text(at(xray, "rating")),
            big_size: 26.0,
            color: xray_color,
            badge: Some((format!("{} FLAG", flag.to_uppercase()), xray_color)),
            lines: vec![
                format!(
                    "Risk class {} of 5 (1 is best) · {alerts} indicator(s) on alert",
                    text(at(xray, "riskClass"))
                ),
                format!(
                    "Alert weight {} · data sanity {}%",
                    text(at(xray, "alertSum")),
                    text(at(xray, "bankFlag.dataSanity"))
                ),
            ],
        },
    );

    let envoyx = at(s, "envoyx");
    let risk = text(at(envoyx, "overall_risk_level"));
    let risk_color = severity_color(&risk);
    tile(
        flow,
        MARGIN,
        y + h + gap,
        w,
        h,
        &Tile {
            title: "ENVOYX CREDIT SCORE",
            big: text(at(envoyx, "credit_score")),
            big_size: 26.0,
            color: risk_color,
            badge: Some((
                humanize(&text(at(envoyx, "credit_tier"))).to_uppercase(),
                risk_color,
            )),
            lines: vec![
                format!("Risk level {risk} · status {}", text(at(envoyx, "status"))),
                format!(
                    "Revenue {} · cash flow {} · expense {} · balance {}",
                    text(at(envoyx, "revenue_score")),
                    text(at(envoyx, "cashflow_score")),
                    text(at(envoyx, "expense_score")),
                    text(at(envoyx, "balance_score"))
                ),
                format!(
                    "{} flag(s), {} points deducted",
                    text(at(envoyx, "flag_count")),
                    text(at(envoyx, "flag_penalty"))
                ),
            ],
        },
    );

    let legit = at(envoyx, "legitimacy");
    let is_legit = at(legit, "is_legitimate")
        .as_bool()
        .or_else(|| at(envoyx, "is_legitimate").as_bool());
    let reservations = float(at(legit, "suspicion")) > 0.0;
    let (verdict, color) = match is_legit {
        Some(true) if not_the_applicant => ("Legitimate", palette::RED),
        Some(true) if reservations => ("Legitimate", palette::AMBER),
        Some(true) => ("Legitimate", palette::GREEN),
        Some(false) => ("Not legitimate", palette::RED),
        None => ("Unknown", palette::MUTED),
    };
    let confidence = match at(legit, "legitimacy_confidence") {
        Value::Null => at(envoyx, "legitimacy_confidence"),
        v => v,
    };
    let reason = match at(legit, "legitimacy_reason") {
        Value::Null => at(envoyx, "legitimacy_reason"),
        v => v,
    };
    tile(
        flow,
        MARGIN + w + gap,
        y + h + gap,
        w,
        h,
        &Tile {
            title: "DOCUMENT LEGITIMACY",
            big: verdict.to_owned(),
            big_size: 20.0,
            color,
            badge: Some((format!("{}% CONFIDENCE", text(confidence)), color)),
            lines: vec![text(reason), holder_line],
        },
    );
    flow.y = y + 2.0 * h + gap + 6.0;

    flow.heading("Key figures", 60.0);
    let figures = [
        ("Total inflow", amount(at(a, "cash_flow.inflow"))),
        ("Total outflow", amount(at(a, "cash_flow.outflow"))),
        ("Net cash flow", amount(at(a, "cash_flow.net"))),
        (
            "Closing balance",
            amount(at(a, "cash_flow.closing_balance")),
        ),
        (
            "Average monthly inflow",
            amount(at(a, "cash_flow.average_monthly_inflow")),
        ),
        (
            "Average monthly outflow",
            amount(at(a, "cash_flow.average_monthly_outflow")),
        ),
        (
            "Average monthly income",
            amount(at(a, "income.average_monthly")),
        ),
        ("Lowest balance", amount(at(a, "balance_behaviour.min"))),
        (
            "Days in overdraft",
            text(at(a, "balance_behaviour.days_in_overdraft")),
        ),
        ("Loan repayments", amount(at(a, "loans.repaid"))),
        ("Gambling stakes", amount(at(a, "gambling.stakes"))),
        (
            "Uncategorised",
            percent(float(at(a, "data_quality.uncategorized_share"))),
        ),
    ];
    let items: Vec<(String, String)> = figures
        .iter()
        .map(|(l, v)| ((*l).to_owned(), v.clone()))
        .collect();
    flow.figures(&items, 4);

    flow.heading("Key reasons", 40.0);
    let mut bullets: Vec<Reason> = Vec::new();
    for f in list(at(envoyx, "flag_details")) {
        let severity = text(at(f, "severity"));
        bullets.push((
            severity_color(&severity),
            Some((severity.to_uppercase(), severity_color(&severity))),
            format!(
                "{}: {} (−{} points)",
                humanize(&text(at(f, "kind"))),
                text(at(f, "reason")),
                text(at(f, "penalty"))
            ),
        ));
    }
    for r in list(at(xray, "bankFlag.reasons")) {
        if at(r, "alert").as_bool() == Some(true) {
            bullets.push((
                palette::RED,
                Some(("ALERT".to_owned(), palette::RED)),
                text(at(r, "text")),
            ));
        }
    }
    // Flag reasons are listed above, with their severity.
    for r in list(at(envoyx, "reasons"))
        .iter()
        .filter(|r| !text(at(r, "code")).starts_with("EX_FLAG"))
    {
        bullets.push((
            palette::NAVY,
            Some(("ENVOYX".to_owned(), palette::NAVY)),
            text(at(r, "text")),
        ));
    }
    for r in list(at(xray, "reasons")) {
        bullets.push((
            palette::NAVY,
            Some(("X-RAY".to_owned(), palette::NAVY)),
            text(at(r, "text")),
        ));
    }
    let mut awarded: Vec<(i64, String)> = rules
        .iter()
        .filter(|r| at(r, "code").as_str() == Some("MET"))
        .map(|r| (at(r, "awarded").as_i64().unwrap_or(0), text(at(r, "rule"))))
        .collect();
    awarded.sort_by(|x, y| y.0.cmp(&x.0).then_with(|| x.1.cmp(&y.1)));
    if !awarded.is_empty() {
        let top: Vec<String> = awarded
            .iter()
            .take(5)
            .map(|(points, rule)| format!("{rule} {points:+}"))
            .collect();
        bullets.push((
            palette::NAVY,
            Some(("POINTS".to_owned(), palette::NAVY)),
            format!("Largest contributions: {}", top.join(", ")),
        ));
    }
    let total = bullets.len();
    for (shown, (marker, label, body)) in bullets.into_iter().enumerate() {
        if flow.room() < 40.0 && shown + 1 < total {
            flow.paragraph(
                &format!("{} more reason(s) on the flags page.", total - shown),
                8.0,
                palette::MUTED,
            );
            break;
        }
        let label_ref = label.as_ref().map(|(t, c)| (t.as_str(), *c));
        flow.bullet(marker, label_ref, &body);
    }
}

/// Each transaction's balance after it, and whether the statement printed it.
///
/// Where an account's statement prints no running balance (camt.053 and OFX state only the
/// opening and closing), it is computed exactly from the analysis' opening balance (the
/// end-of-day balance of the first day) and the amounts; an account with no known balance at
/// all gets none.
fn balances(input: &ReportInput) -> Vec<Option<(Decimal, bool)>> {
    let a = &input.analysis;
    let mut keys: Vec<Option<String>> = input
        .transactions
        .iter()
        .map(|t| t.account.clone())
        .collect();
    keys.sort();
    keys.dedup();
    let mut out: Vec<Option<(Decimal, bool)>> = vec![None; input.transactions.len()];
    for key in keys {
        let indices: Vec<usize> = (0..input.transactions.len())
            .filter(|i| input.transactions.get(*i).map(|t| &t.account) == Some(&key))
            .collect();
        let stated = indices.iter().any(|i| {
            input
                .transactions
                .get(*i)
                .is_some_and(|t| t.balance.is_some())
        });
        if stated {
            for i in indices {
                if let (Some(slot), Some(t)) = (out.get_mut(i), input.transactions.get(i)) {
                    *slot = t.balance.map(|b| (b, true));
                }
            }
            continue;
        }
        let account = list(at(a, "accounts")).iter().find(|x| match &key {
            Some(id) => at(x, "identifier").as_str() == Some(id.as_str()),
            None => true,
        });
        let opening = account
            .filter(|x| at(x, "balances_known").as_bool() == Some(true))
            .and_then(|x| at(x, "opening_balance").as_str())
            .and_then(|s| s.parse::<Decimal>().ok());
        let Some(opening) = opening else {
            continue;
        };
        let first_day: Decimal = indices
            .iter()
            .filter_map(|i| input.transactions.get(*i))
            .filter(|t| t.date <= input.period_start)
            .map(|t| t.amount)
            .sum();
        let mut running = opening - first_day;
        for i in indices {
            if let (Some(slot), Some(t)) = (out.get_mut(i), input.transactions.get(i)) {
                running += t.amount;
                *slot = Some((running, false));
            }
        }
    }
    out
}

/// End-of-day balances of the account with the most transactions, as (day index from the
/// period start, balance); whether they were printed; the account.
fn balance_series(
    input: &ReportInput,
    balances: &[Option<(Decimal, bool)>],
) -> (Vec<(f64, f64)>, bool, Option<String>) {
    let mut counts: BTreeMap<Option<String>, usize> = BTreeMap::new();
    for t in &input.transactions {
        *counts.entry(t.account.clone()).or_default() += 1;
    }
    let main = counts
        .iter()
        .max_by(|x, y| x.1.cmp(y.1).then_with(|| y.0.cmp(x.0)))
        .and_then(|(k, _)| k.clone());
    let mut by_day: BTreeMap<NaiveDate, Decimal> = BTreeMap::new();
    let mut stated = false;
    for (t, balance) in input.transactions.iter().zip(balances) {
        if t.account == main
            && let Some((value, printed)) = balance
        {
            stated |= *printed;
            by_day.insert(t.date, *value);
        }
    }
    let points = by_day
        .into_iter()
        .map(|(d, v)| ((d - input.period_start).num_days() as f64, decimal_f64(v)))
        .collect();
    (points, stated, main)
}

fn cash_flow(flow: &mut Flow, input: &ReportInput) {
    let a = &input.analysis;
    flow.heading("Cash flow", 200.0);
    flow.subheading("Balance over time", 190.0);
    let all = balances(input);
    let (points, stated, account) = balance_series(input, &all);
    let days = (input.period_end - input.period_start).num_days() as f64 + 1.0;
    let mut labels = Vec::new();
    let mut month =
        NaiveDate::from_ymd_opt(input.period_start.year(), input.period_start.month(), 1);
    let months = float(at(a, "period.months")).max(1.0);
    let every = ((months * 34.0) / f64::from(CONTENT_W - 60.0))
        .ceil()
        .max(1.0) as usize;
    let mut index = 0usize;
    while let Some(m) = month {
        if m > input.period_end {
            break;
        }
        let day = (m.max(input.period_start) - input.period_start).num_days() as f64;
        if index.is_multiple_of(every) {
            labels.push((day, m.format("%b %Y").to_string()));
        }
        index += 1;
        month = m.checked_add_months(chrono::Months::new(1));
    }
    charts::balance(flow, &points, days, &labels);
    let mut caption = format!(
        "Lowest {} · highest {} · mean {} · {} day(s) in overdraft · {} day(s) near zero.",
        amount(at(a, "balance_behaviour.min")),
        amount(at(a, "balance_behaviour.max")),
        amount(at(a, "balance_behaviour.mean")),
        text(at(a, "balance_behaviour.days_in_overdraft")),
        text(at(a, "balance_behaviour.days_near_zero")),
    );
    if let Some(account) = account {
        caption.push_str(&format!(" Account {account}."));
    }
    if points.is_empty() {
        caption.push_str(" No balance is known for this account: no line can be drawn.");
    } else if !stated {
        caption.push_str(" The statement prints no running balance: it is computed from the opening balance and the amounts.");
    }
    flow.paragraph(&caption, 8.0, palette::MUTED);
    flow.gap(6.0);
    flow.subheading("Monthly inflow and outflow", 180.0);
    let months = list(at(a, "cash_flow.months"));
    let groups: Vec<(String, Vec<f64>)> = months
        .iter()
        .map(|m| {
            let label =
                NaiveDate::parse_from_str(&format!("{}-01", text(at(m, "month"))), "%Y-%m-%d")
                    .map(|d| d.format("%b %y").to_string())
                    .unwrap_or_else(|_| text(at(m, "month")));
            (label, vec![float(at(m, "inflow")), float(at(m, "outflow"))])
        })
        .collect();
    charts::grouped_bars(
        flow,
        &groups,
        &[
            (palette::INFLOW, "Inflow (excl. own-account transfers)"),
            (palette::OUTFLOW, "Outflow"),
        ],
    );
    let columns = [
        col("Month", 62.0, Align::Left),
        col("Days", 30.0, Align::Right),
        col("Inflow", 72.0, Align::Right),
        col("Outflow", 72.0, Align::Right),
        col("Net", 70.0, Align::Right),
        col("Closing balance", 75.0, Align::Right),
        col("Lowest balance", 75.0, Align::Right),
        col("Transactions", 59.0, Align::Right),
    ];
    let mut rows: Vec<Vec<Cell>> = months
        .iter()
        .map(|m| {
            let net = text(at(m, "net"));
            let net_cell = if net.starts_with('-') {
                Cell::strong(amount(at(m, "net")), palette::RED)
            } else {
                Cell::from(amount(at(m, "net")))
            };
            vec![
                Cell::from(month_label(&text(at(m, "month")))),
                Cell::from(text(at(m, "days"))),
                Cell::from(amount(at(m, "inflow"))),
                Cell::from(amount(at(m, "outflow"))),
                net_cell,
                Cell::from(amount(at(m, "closing_balance"))),
                Cell::from(amount(at(m, "min_balance"))),
                Cell::from(text(at(m, "transactions"))),
            ]
        })
        .collect();
    rows.push(vec![
        Cell::strong("Total", palette::TEXT),
        Cell::strong(text(at(a, "period.days")), palette::TEXT),
        Cell::strong(amount(at(a, "cash_flow.inflow")), palette::TEXT),
        Cell::strong(amount(at(a, "cash_flow.outflow")), palette::TEXT),
        Cell::strong(amount(at(a, "cash_flow.net")), palette::TEXT),
        Cell::strong(amount(at(a, "cash_flow.closing_balance")), palette::TEXT),
        Cell::strong(amount(at(a, "balance_behaviour.min")), palette::TEXT),
        Cell::strong(text(at(a, "period.transactions")), palette::TEXT),
    ]);
    flow.gap(4.0);
    flow.table(&columns, &rows);
}

fn spending_and_income(flow: &mut Flow, input: &ReportInput) {
    let a = &input.analysis;
    flow.heading("Spending by category", 120.0);
    flow.paragraph(
        &format!(
            "Total spending {} over {} debits (own-account transfers excluded) · recurring {} · largest single debit {}.",
            amount(at(a, "spending.total")),
            text(at(a, "spending.count")),
            amount(at(a, "spending.recurring")),
            amount(at(a, "spending.largest")),
        ),
        8.0,
        palette::MUTED,
    );
    flow.gap(6.0);
    let items: Vec<(String, f64, String)> = list(at(a, "spending.by_primary"))
        .iter()
        .take(10)
        .map(|g| {
            (
                humanize(&text(at(g, "key"))),
                float(at(g, "total")),
                format!(
                    "{}  ·  {}",
                    amount(at(g, "total")),
                    percent(float(at(g, "share")))
                ),
            )
        })
        .collect();
    if items.is_empty() {
        flow.paragraph("No spending in the period.", 8.5, palette::TEXT);
    }
    charts::horizontal_bars(flow, &items, palette::OUTFLOW);

    flow.heading("Income stability", 190.0);
    // Income per month: the INCOME credits of the transactions, summed exactly per month.
    let mut per_month: BTreeMap<String, Decimal> = BTreeMap::new();
    for m in list(at(a, "cash_flow.months")) {
        per_month.insert(text(at(m, "month")), Decimal::ZERO);
    }
    for t in &input.transactions {
        if t.category.starts_with("INCOME") && t.amount > Decimal::ZERO {
            let key = t.date.format("%Y-%m").to_string();
            if let Some(total) = per_month.get_mut(&key) {
                *total += t.amount;
            }
        }
    }
    let with_income = per_month.values().filter(|v| !v.is_zero()).count();
    flow.paragraph(
        &format!(
            "Income in {with_income} of {} month(s) · average {} a month · inflow irregularity {} (share of months more than 50% away from the median month).",
            per_month.len(),
            amount(at(a, "income.average_monthly")),
            percent(float(at(a, "cash_flow.inflow_irregularity"))),
        ),
        8.0,
        palette::MUTED,
    );
    let groups: Vec<(String, Vec<f64>)> = per_month
        .iter()
        .map(|(m, v)| {
            let label = NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
                .map(|d| d.format("%b %y").to_string())
                .unwrap_or_else(|_| m.clone());
            (label, vec![decimal_f64(*v)])
        })
        .collect();
    charts::grouped_bars(flow, &groups, &[(palette::INFLOW, "Income per month")]);
    flow.subheading("Income streams", 60.0);
    let columns = [
        col("Payer", 150.0, Align::Left),
        col("Category", 120.0, Align::Left),
        col("Credits", 40.0, Align::Right),
        col("Total", 70.0, Align::Right),
        col("Monthly avg", 65.0, Align::Right),
        col("Stability", 45.0, Align::Right),
        col("Last paid", 55.0, Align::Right),
    ];
    let streams = list(at(a, "income.streams"));
    let rows: Vec<Vec<Cell>> = streams
        .iter()
        .take(12)
        .map(|s| {
            let stability = float(at(s, "stability"));
            let color = if stability >= 0.7 {
                palette::GREEN
            } else if stability >= 0.4 {
                palette::AMBER
            } else {
                palette::RED
            };
            let mut payer = text(at(s, "counterparty"));
            if at(s, "primary").as_bool() == Some(true) {
                payer.push_str(" (primary)");
            }
            vec![
                Cell::from(payer),
                Cell::from(category_label(&text(at(s, "category")))),
                Cell::from(text(at(s, "count"))),
                Cell::from(amount(at(s, "total"))),
                Cell::from(amount(at(s, "monthly_average"))),
                Cell::strong(percent(stability), color),
                Cell::from(text(at(s, "last_date"))),
            ]
        })
        .collect();
    if rows.is_empty() {
        flow.paragraph("No income stream found.", 8.5, palette::TEXT);
    } else {
        flow.table(&columns, &rows);
        if streams.len() > 12 {
            flow.paragraph(
                &format!("{} smaller stream(s) not shown.", streams.len() - 12),
                7.5,
                palette::MUTED,
            );
        }
    }
}

fn income_and_loans(flow: &mut Flow, a: &Value) {
    flow.heading("Income and loans", 120.0);
    let salary = at(a, "income.salary");
    let pairs = [
        ("Total income", amount(at(a, "income.total"))),
        (
            "Average monthly income",
            amount(at(a, "income.average_monthly")),
        ),
        ("Salary earner", text(at(salary, "earner"))),
        ("Average salary", amount(at(salary, "average"))),
        ("Salary pay day", text(at(salary, "pay_day"))),
        ("Salary frequency", humanize(&text(at(salary, "frequency")))),
        ("Other income", amount(at(a, "income.other_income"))),
        (
            "Net average monthly earning",
            amount(at(a, "income.net_average_monthly_earning")),
        ),
    ];
    let items: Vec<(String, String)> = pairs
        .iter()
        .map(|(l, v)| ((*l).to_owned(), v.clone()))
        .collect();
    flow.figures(&items, 4);
    flow.subheading("Loans", 70.0);
    let l = at(a, "loans");
    let pairs = [
        (
            "Disbursed to the applicant",
            format!(
                "{} ({})",
                amount(at(l, "disbursed")),
                text(at(l, "disbursements"))
            ),
        ),
        (
            "Repaid by the applicant",
            format!(
                "{} ({})",
                amount(at(l, "repaid")),
                text(at(l, "repayments"))
            ),
        ),
        ("Repaid / inflow", percent(float(at(l, "repaid_to_inflow")))),
        ("Distinct lenders", text(at(l, "lender_count"))),
        ("Most loans at once", text(at(l, "max_concurrent_loans"))),
        ("Loan stacking", text(at(l, "stacking"))),
        (
            "Returned repayments",
            format!(
                "{} ({})",
                text(at(l, "returned_repayments")),
                amount(at(l, "returned_amount"))
            ),
        ),
        ("Paid to debt collectors", amount(at(l, "debt_collection"))),
    ];
    let items: Vec<(String, String)> = pairs
        .iter()
        .map(|(l, v)| ((*l).to_owned(), v.clone()))
        .collect();
    flow.figures(&items, 4);
    let lenders = list(at(l, "lenders"));
    if !lenders.is_empty() {
        flow.gap(4.0);
        let columns = [
            col("Lender", 120.0, Align::Left),
            col("Disbursed", 70.0, Align::Right),
            col("#", 25.0, Align::Right),
            col("Repaid", 70.0, Align::Right),
            col("#", 25.0, Align::Right),
            col("Returned", 50.0, Align::Right),
            col("First activity", 75.0, Align::Right),
            col("Last activity", 75.0, Align::Right),
        ];
        let rows: Vec<Vec<Cell>> = lenders
            .iter()
            .map(|x| {
                let returned = text(at(x, "returned"));
                vec![
                    Cell::from(text(at(x, "lender"))),
                    Cell::from(amount(at(x, "disbursed"))),
                    Cell::from(text(at(x, "disbursements"))),
                    Cell::from(amount(at(x, "repaid"))),
                    Cell::from(text(at(x, "repayments"))),
                    if returned == "0" {
                        Cell::from(returned)
                    } else {
                        Cell::strong(returned, palette::RED)
                    },
                    Cell::from(text(at(x, "first_date"))),
                    Cell::from(text(at(x, "last_date"))),
                ]
            })
            .collect();
        flow.table(&columns, &rows);
    }
}

/// `alertsFrequency` as `Alerts frequency`.
fn words(camel: &str) -> String {
    let mut out = String::new();
    for c in camel.chars() {
        if c.is_uppercase() && !out.is_empty() {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    humanize(&out)
}

fn flags(flow: &mut Flow, a: &Value) {
    let s = at(a, "scores");
    flow.heading("Flags and risk indicators", 80.0);
    flow.subheading("EnvoyX flags", 30.0);
    let details = list(at(s, "envoyx.flag_details"));
    if details.is_empty() {
        flow.paragraph("No flag raised.", 8.5, palette::TEXT);
    }
    for f in details {
        let severity = text(at(f, "severity"));
        let color = severity_color(&severity);
        flow.bullet(
            color,
            Some((&severity.to_uppercase(), color)),
            &format!(
                "{} ({} dimension, −{} points): {}",
                humanize(&text(at(f, "kind"))),
                text(at(f, "dimension")),
                text(at(f, "penalty")),
                text(at(f, "reason"))
            ),
        );
    }
    flow.subheading("Bank X-Ray indicators", 60.0);
    for r in list(at(s, "xray.bankFlag.reasons")) {
        let grade = match at(r, "grade") {
            Value::String(g) => g.clone(),
            _ => "N/A".to_owned(),
        };
        let color = if at(r, "alert").as_bool() == Some(true) {
            palette::RED
        } else {
            severity_color(&grade)
        };
        let label = format!("{grade} · {}", words(&text(at(r, "criteria"))));
        flow.bullet(color, Some((&label, color)), &text(at(r, "text")));
    }
    flow.subheading("Gambling, bank charges and balance behaviour", 70.0);
    let pairs = [
        (
            "Gambling stakes",
            format!(
                "{} ({})",
                amount(at(a, "gambling.stakes")),
                text(at(a, "gambling.stake_count"))
            ),
        ),
        ("Gambling winnings", amount(at(a, "gambling.winnings"))),
        ("Gambling net loss", amount(at(a, "gambling.net_loss"))),
        (
            "Stakes / inflow",
            percent(float(at(a, "gambling.stakes_to_inflow"))),
        ),
        (
            "Bank charges",
            format!(
                "{} ({})",
                amount(at(a, "bank_charges.total")),
                text(at(a, "bank_charges.count"))
            ),
        ),
        (
            "Charges / outflow",
            percent(float(at(a, "bank_charges.to_outflow"))),
        ),
        (
            "Balance volatility",
            percent(float(at(a, "balance_behaviour.volatility"))),
        ),
        (
            "Account sweep",
            text(at(a, "balance_behaviour.account_sweep")),
        ),
    ];
    let items: Vec<(String, String)> = pairs
        .iter()
        .map(|(l, v)| ((*l).to_owned(), v.clone()))
        .collect();
    flow.figures(&items, 4);
    let reasons: Vec<&Value> = list(at(s, "envoyx.reasons"))
        .iter()
        .filter(|r| !text(at(r, "code")).starts_with("EX_FLAG"))
        .collect();
    if !reasons.is_empty() {
        flow.subheading("EnvoyX score reasons", 40.0);
        for r in reasons {
            flow.bullet(palette::NAVY, None, &text(at(r, "text")));
        }
    }
}

fn statement_summary(flow: &mut Flow, a: &Value) {
    flow.heading("Statement summary and reconciliation", 120.0);
    let accounts = list(at(a, "accounts"));
    let columns = [
        col("Account", 55.0, Align::Left),
        col("Bank", 120.0, Align::Left),
        col("Holder", 92.0, Align::Left),
        col("Currency", 42.0, Align::Left),
        col("Transactions", 58.0, Align::Right),
        col("Opening", 74.0, Align::Right),
        col("Closing", 74.0, Align::Right),
    ];
    let rows: Vec<Vec<Cell>> = accounts
        .iter()
        .map(|x| {
            vec![
                Cell::from(text(at(x, "identifier"))),
                Cell::from(text(at(x, "bank"))),
                Cell::from(text(at(x, "holder"))),
                Cell::from(text(at(x, "currency"))),
                Cell::from(text(at(x, "transactions"))),
                Cell::from(amount(at(x, "opening_balance"))),
                Cell::from(amount(at(x, "closing_balance"))),
            ]
        })
        .collect();
    flow.table(&columns, &rows);
    flow.gap(6.0);
    let columns = [
        col("Account", 55.0, Align::Left),
        col("First", 58.0, Align::Right),
        col("Last", 58.0, Align::Right),
        col("Lowest", 66.0, Align::Right),
        col("Highest", 66.0, Align::Right),
        col("Overdraft days", 68.0, Align::Right),
        col("Avg. 3 months", 72.0, Align::Right),
        col("Avg. 6 months", 72.0, Align::Right),
    ];
    let rows: Vec<Vec<Cell>> = accounts
        .iter()
        .map(|x| {
            vec![
                Cell::from(text(at(x, "identifier"))),
                Cell::from(text(at(x, "first_transaction"))),
                Cell::from(text(at(x, "last_transaction"))),
                Cell::from(amount(at(x, "min_balance"))),
                Cell::from(amount(at(x, "max_balance"))),
                Cell::from(text(at(x, "days_in_overdraft"))),
                Cell::from(amount(at(x, "average_balance.last_3_months"))),
                Cell::from(amount(at(x, "average_balance.last_6_months"))),
            ]
        })
        .collect();
    flow.table(&columns, &rows);

    flow.subheading("Reconciliation", 60.0);
    flow.paragraph(
        "Opening balance plus every amount must give the closing balance, and each row's running balance must follow from the one before. Data sanity is the share of checked rows whose balance chain holds; a break is a row where it does not.",
        8.0,
        palette::MUTED,
    );
    flow.gap(4.0);
    let columns = [
        col("Account", 62.0, Align::Left),
        col("Status", 80.0, Align::Left),
        col("Data sanity", 58.0, Align::Right),
        col("Rows checked", 62.0, Align::Right),
        col("Consistent", 58.0, Align::Right),
        col("Breaks", 45.0, Align::Right),
        col("OCR rows", 50.0, Align::Right),
        col("OCR unreconciled", 100.0, Align::Right),
    ];
    let rows: Vec<Vec<Cell>> = list(at(a, "data_quality.accounts"))
        .iter()
        .map(|x| {
            let status = text(at(x, "status"));
            let color = if status == "reconciled" {
                palette::GREEN
            } else {
                palette::RED
            };
            let breaks = text(at(x, "breaks"));
            vec![
                Cell::from(text(at(x, "identifier"))),
                Cell::strong(humanize(&status), color),
                Cell::from(match at(x, "data_sanity") {
                    Value::Null => "–".to_owned(),
                    v => format!("{:.1}%", float(v)),
                }),
                Cell::from(text(at(x, "rows_checked"))),
                Cell::from(text(at(x, "rows_consistent"))),
                if breaks == "0" {
                    Cell::from(breaks)
                } else {
                    Cell::strong(breaks, palette::RED)
                },
                Cell::from(text(at(x, "ocr_rows"))),
                Cell::from(text(at(x, "unreconciled_ocr_rows"))),
            ]
        })
        .collect();
    flow.table(&columns, &rows);
    flow.paragraph(
        &format!(
            "Uncategorised transactions {} · mean categorisation confidence {} · {} transaction(s) in another currency left out of the figures.",
            percent(float(at(a, "data_quality.uncategorized_share"))),
            percent(float(at(a, "data_quality.mean_confidence"))),
            text(at(a, "data_quality.other_currency_transactions")),
        ),
        8.0,
        palette::MUTED,
    );

    let recurring = list(at(a, "recurring"));
    if !recurring.is_empty() {
        flow.subheading("Recurring payments and receipts", 60.0);
        let columns = [
            col("Counterparty", 140.0, Align::Left),
            col("Direction", 45.0, Align::Left),
            col("Frequency", 55.0, Align::Left),
            col("Count", 32.0, Align::Right),
            col("Typical", 62.0, Align::Right),
            col("Total", 66.0, Align::Right),
            col("Next expected", 72.0, Align::Right),
            col("Active", 41.0, Align::Right),
        ];
        let rows: Vec<Vec<Cell>> = recurring
            .iter()
            .map(|x| {
                vec![
                    Cell::from(text(at(x, "counterparty"))),
                    Cell::from(if at(x, "inflow").as_bool() == Some(true) {
                        "In"
                    } else {
                        "Out"
                    }),
                    Cell::from(humanize(&text(at(x, "frequency")))),
                    Cell::from(text(at(x, "count"))),
                    Cell::from(amount(at(x, "typical_amount"))),
                    Cell::from(amount(at(x, "total"))),
                    Cell::from(text(at(x, "next_expected"))),
                    Cell::from(text(at(x, "active"))),
                ]
            })
            .collect();
        flow.table(&columns, &rows);
    }
}

fn appendix(flow: &mut Flow, input: &ReportInput) {
    flow.heading("Appendix: transactions", 60.0);
    let all = balances(input);
    flow.paragraph(
        &format!(
            "{} transaction(s), oldest first, as printed on the statement. Credits are positive, debits negative. Balances are the statement's own{}.",
            input.transactions.len(),
            if all.iter().any(|b| matches!(b, Some((_, false)))) {
                "; those in grey are computed from the opening balance and the amounts"
            } else {
                ""
            }
        ),
        8.0,
        palette::MUTED,
    );
    flow.gap(4.0);
    let several = input.transactions.iter().any(|t| t.account.is_some());
    let mut columns = vec![col("Date", 55.0, Align::Left)];
    if several {
        columns.push(col("Account", 50.0, Align::Left));
    }
    columns.extend([
        col(
            "Description",
            if several { 175.0 } else { 225.0 },
            Align::Left,
        ),
        col("Category", 115.0, Align::Left),
        col("Amount", 60.0, Align::Right),
        col("Balance", 60.0, Align::Right),
    ]);
    let rows: Vec<Vec<Cell>> = input
        .transactions
        .iter()
        .zip(&all)
        .map(|(t, balance)| {
            let mut row = vec![Cell::from(t.date.format("%Y-%m-%d").to_string())];
            if several {
                row.push(Cell::from(t.account.clone().unwrap_or_default()));
            }
            row.push(Cell::from(t.description.clone()));
            row.push(Cell {
                text: category_label(&t.category),
                color: palette::MUTED,
                style: Style::Regular,
            });
            row.push(if t.amount > Decimal::ZERO {
                Cell {
                    text: money(t.amount),
                    color: palette::GREEN,
                    style: Style::Regular,
                }
            } else {
                Cell::from(money(t.amount))
            });
            row.push(match balance {
                Some((value, true)) => Cell::from(money(*value)),
                Some((value, false)) => Cell {
                    text: money(*value),
                    color: palette::MUTED,
                    style: Style::Regular,
                },
                None => Cell::from("–"),
            });
            row
        })
        .collect();
    if rows.is_empty() {
        flow.paragraph("No transactions.", 8.5, palette::TEXT);
    } else {
        flow.table(&columns, &rows);
    }
}
