//! Small hand-built ledgers whose every figure is worked out by hand.

use ledgerlens_analytics::{AnalysisOptions, native, profiles::periculum};
use ledgerlens_core::Statement;
use ledgerlens_enrich::{Channel, EnrichedLedger, LoanRole, TxEnrichment};
use rust_decimal::Decimal;
use serde_json::Value;

use crate::support::{date, dec, enr, ledger, money, number, push, statement};

/// 15 January – 10 March 2024 (three calendar months, the first and last partial), NGN,
/// opening balance 1 000.
fn sample() -> (Statement, Vec<TxEnrichment>) {
    let mut s = statement("NGN", "1000.00", date(2024, 1, 15), date(2024, 3, 10));
    let mut rows = Vec::new();
    let salary = |mut e: TxEnrichment| {
        e.salary = true;
        e
    };
    // Salary on the 25th (Jan) and the 26th (Feb), the February one split in two credits.
    push(
        &mut s,
        &mut rows,
        date(2024, 1, 25),
        "SALARY ACME JAN",
        "250000.00",
        salary(enr("INCOME_WAGES", Channel::Transfer, "Acme Ltd")),
    );
    push(
        &mut s,
        &mut rows,
        date(2024, 1, 26),
        "POS SHOPRITE",
        "-12000.50",
        enr("FOOD_AND_DRINK_GROCERIES", Channel::Card, "Shoprite"),
    );
    push(
        &mut s,
        &mut rows,
        date(2024, 1, 27),
        "BET9JA DEPOSIT",
        "-5000.00",
        enr("GAMBLING_BETTING", Channel::Online, "Bet9ja"),
    );
    let mut loan = enr(
        "TRANSFER_IN_CASH_ADVANCES_AND_LOANS",
        Channel::Transfer,
        "Carbon",
    );
    loan.loan = Some(LoanRole::Disbursement);
    loan.lender = Some("CARBON".into());
    push(
        &mut s,
        &mut rows,
        date(2024, 1, 28),
        "CARBON LOAN",
        "50000.00",
        loan,
    );
    let mut own = enr(
        "TRANSFER_OUT_ACCOUNT_TRANSFER",
        Channel::Transfer,
        "Ada Obi",
    );
    own.internal_transfer = true;
    push(
        &mut s,
        &mut rows,
        date(2024, 1, 29),
        "TRF TO ADA OBI",
        "-100000.00",
        own,
    );
    push(
        &mut s,
        &mut rows,
        date(2024, 2, 2),
        "ATM WDL IKEJA",
        "-20000.00",
        enr("TRANSFER_OUT_WITHDRAWAL", Channel::Atm, "Ikeja Mall ATM"),
    );
    push(
        &mut s,
        &mut rows,
        date(2024, 2, 3),
        "BET9JA WINNINGS",
        "8000.00",
        enr("GAMBLING_WINNINGS", Channel::Online, "Bet9ja"),
    );
    push(
        &mut s,
        &mut rows,
        date(2024, 2, 26),
        "SALARY ACME FEB 1/2",
        "150000.00",
        salary(enr("INCOME_WAGES", Channel::Transfer, "Acme Ltd")),
    );
    push(
        &mut s,
        &mut rows,
        date(2024, 2, 26),
        "SALARY ACME FEB 2/2",
        "100000.00",
        salary(enr("INCOME_WAGES", Channel::Transfer, "Acme Ltd")),
    );
    let mut repay = enr(
        "LOAN_PAYMENTS_PERSONAL_LOAN_PAYMENT",
        Channel::DirectDebit,
        "Carbon",
    );
    repay.loan = Some(LoanRole::Repayment);
    repay.lender = Some("CARBON".into());
    push(
        &mut s,
        &mut rows,
        date(2024, 2, 28),
        "CARBON REPAYMENT",
        "-30000.00",
        repay.clone(),
    );
    push(
        &mut s,
        &mut rows,
        date(2024, 3, 1),
        "RENT",
        "-450000.00",
        enr("RENT_AND_UTILITIES_RENT", Channel::Transfer, "Landlord"),
    );
    push(
        &mut s,
        &mut rows,
        date(2024, 3, 2),
        "SMS ALERT",
        "-50.00",
        enr("BANK_FEES_SMS_ALERTS", Channel::Fee, "Test Bank"),
    );
    push(
        &mut s,
        &mut rows,
        date(2024, 3, 4),
        "FREELANCE",
        "40000.00",
        enr("INCOME_GIG_EARNINGS", Channel::Transfer, "Upwork"),
    );
    (s, rows)
}

fn build() -> (Value, Value) {
    let (s, rows) = sample();
    let parts = vec![(
        s,
        EnrichedLedger {
            transactions: rows,
            ..EnrichedLedger::default()
        },
    )];
    let ledger = ledger(&parts);
    let options = AnalysisOptions::default();
    (
        serde_json::to_value(native::build(&ledger, &options)).unwrap(),
        serde_json::to_value(periculum::build(&ledger, &options)).unwrap(),
    )
}

#[test]
fn hand_ledger_cash_flow() {
    let (n, p) = build();
    // Credits: 250 000 + 50 000 + 8 000 + 150 000 + 100 000 + 40 000.
    assert_eq!(money(&n, "cash_flow.credit_turnover"), dec("598000"));
    // Debits: 12 000.50 + 5 000 + 100 000 + 20 000 + 30 000 + 450 000 + 50.
    assert_eq!(money(&n, "cash_flow.debit_turnover"), dec("617050.50"));
    // The own-account move is turnover but not outflow.
    assert_eq!(money(&n, "cash_flow.outflow"), dec("517050.50"));
    assert_eq!(money(&n, "cash_flow.inflow"), dec("598000"));
    // 1 000 + 598 000 − 617 050.50.
    assert_eq!(money(&n, "cash_flow.closing_balance"), dec("-18050.50"));
    assert_eq!(n["period"]["months"], 3);
    // 15 Jan (Mon) … 10 Mar (Sun): eight Monday-to-Sunday weeks.
    assert_eq!(n["period"]["weeks"], 8);
    assert_eq!(
        money(&n, "cash_flow.average_monthly_credits"),
        dec("199333.33333333")
    );
    assert_eq!(
        number(&p, "cashFlowAnalysis.averageMonthlyCredits"),
        dec("199333.33")
    );
    assert_eq!(
        number(&p, "cashFlowAnalysis.averageWeeklyDebits"),
        dec("77131.31")
    );
    let months = n["cash_flow"]["months"].as_array().unwrap();
    assert_eq!(months[0]["days"], 17);
    assert_eq!(months[0]["month"], "2024-01");
    // January: 250 000 + 50 000 in; 12 000.50 + 5 000 out (the own-account move excluded).
    assert_eq!(dec(months[0]["inflow"].as_str().unwrap()), dec("300000"));
    assert_eq!(dec(months[0]["outflow"].as_str().unwrap()), dec("17000.50"));
    // Closing of January: 1 000 + 300 000 − 117 000.50.
    assert_eq!(
        dec(months[0]["closing_balance"].as_str().unwrap()),
        dec("183999.50")
    );
    assert_eq!(
        p["cashFlowAnalysis"]["monthlyOutflow"][1]["month-name"],
        "Febuary"
    );
    assert_eq!(
        number(&p, "cashFlowAnalysis.monthlyOutflow.2.amount"),
        dec("450050")
    );
    assert_eq!(
        p["cashFlowAnalysis"]["periodInStatement"],
        "January - March"
    );
    assert_eq!(p["cashFlowAnalysis"]["yearInStatement"], "2024");
    // Overdraft from 1 March (after rent) to 10 March: 10 days, the freelance credit on
    // 4 March does not lift it above zero.
    assert_eq!(n["accounts"][0]["days_in_overdraft"], 10);
    assert_eq!(n["balance_behaviour"]["days_in_overdraft"], 10);
}

#[test]
fn hand_ledger_income_loans_gambling() {
    let (n, p) = build();
    let i = &p["incomeAnalysis"];
    assert_eq!(i["isSalaryEarner"], "Yes");
    // Two payments: 250 000 on 25 Jan and 150 000 + 100 000 on 26 Feb.
    assert_eq!(i["numberOfSalaryPayments"], 2);
    assert_eq!(i["salaryTransactions"].as_array().unwrap().len(), 3);
    assert_eq!(
        number(&p, "incomeAnalysis.averagePredictedSalary"),
        dec("250000")
    );
    assert_eq!(number(&p, "incomeAnalysis.lowestSalary"), dec("250000"));
    assert_eq!(i["expectedSalaryPaymentDay"], 25);
    assert_eq!(i["lastDateOfSalaryPayment"], "2024-02-26");
    assert_eq!(i["hasOtherIncome"], "Yes");
    assert_eq!(
        number(&p, "incomeAnalysis.averageOtherIncome"),
        dec("13333.33")
    );
    // (500 000 + 40 000 − 517 050.50) / 3.
    assert_eq!(
        money(&n, "income.net_average_monthly_earning"),
        dec("7649.83333333")
    );
    let b = &p["behavioralAnalysis"];
    assert_eq!(
        number(&p, "behavioralAnalysis.totalLoanAmount"),
        dec("50000")
    );
    assert_eq!(
        number(&p, "behavioralAnalysis.totalLoanRepaymentAmount"),
        dec("30000")
    );
    assert_eq!(b["numberLoanTransactions"], 1);
    assert_eq!(b["numberRepaymentTransactions"], 1);
    assert!((b["loanToInflowRate"].as_f64().unwrap() - 50000.0 / 598000.0).abs() < 1e-12);
    assert_eq!(b["gamblingStatus"], "Gambling Transactions Found");
    assert!((b["gamblingRate"].as_f64().unwrap() - 5000.0 / 598000.0).abs() < 1e-12);
    assert_eq!(money(&n, "gambling.net_loss"), dec("-3000"));
    assert_eq!(n["loans"]["lenders"][0]["lender"], "CARBON");
    let s = &p["spendAnalysis"];
    assert_eq!(number(&p, "spendAnalysis.totalExpenses"), dec("517050.50"));
    assert_eq!(
        number(&p, "spendAnalysis.totalSpendOnAtmAndPOS"),
        dec("32000.50")
    );
    assert_eq!(
        number(&p, "spendAnalysis.totalSpendOnOnlineAndWeb"),
        dec("5000")
    );
    assert_eq!(number(&p, "spendAnalysis.totalSpendOnRent"), dec("450000"));
    assert_eq!(
        number(&p, "spendAnalysis.totalSpendOnHospitalityAndFood"),
        dec("12000.50")
    );
    assert_eq!(
        number(&p, "spendAnalysis.totalSpendOnChargesAndStampDuty"),
        dec("50")
    );
    // February is the only full month: 20 000 + 30 000.
    assert_eq!(
        number(&p, "spendAnalysis.totalMonthlyExpenses"),
        dec("50000")
    );
    assert_eq!(s["monthWithHighestSpend"], "3/2024");
    assert_eq!(number(&p, "spendAnalysis.highestSpend"), dec("450000"));
    assert_eq!(s["atmLocations"], serde_json::json!(["Ikeja Mall ATM"]));
    // The buckets partition spending.
    let buckets = [
        "Transfer",
        "ChargesAndStampDuty",
        "Entertainment",
        "Gambling",
        "Health",
        "HospitalityAndFood",
        "Insurance",
        "Rent",
        "Travel",
        "AirtimeAndData",
        "Utilities",
        "Transportation",
        "Others",
    ];
    let total: Decimal = buckets
        .iter()
        .map(|b| number(&p, &format!("spendAnalysis.totalSpendOn{b}")))
        .sum::<Decimal>()
        + number(&p, "spendAnalysis.totalMonthlySpendOnSavingsAndInvestments");
    assert_eq!(total, dec("517050.50"));
}

#[test]
fn hand_ledger_patterns_use_currency_bands() {
    let (_, p) = build();
    let t = &p["transactionPatternAnalysis"];
    assert_eq!(t["totalNumberOfTransactions"], 13);
    // Below NGN 10 000: the 5 000 stake, the 8 000 winnings, the 50 fee.
    assert!(
        (t["percentOfTransactionsLessThan10ThousandNaira"]
            .as_f64()
            .unwrap()
            - 3.0 / 13.0)
            .abs()
            < 1e-12
    );
    // Five between 10k and 100k, five between 100k and 500k: a tie goes to the smaller band.
    assert_eq!(t["mostFrequentTransactionRange"], "10k-100k");
    assert_eq!(t["lastDayOfCredit"], "2024-03-04");
    assert_eq!(t["balanceBreakdown"].as_array().unwrap().len(), 7);
    assert_eq!(t["balanceBreakdown"][0]["min"].as_f64().unwrap(), -1e18);
    assert_eq!(t["balanceBreakdown"][2]["max"].as_f64().unwrap(), 10000.0);

    // The same ledger in euros: the 10k-naira band is EUR 50, so every amount here is above
    // "1M" (EUR 5 000) except the small ones.
    let (s, rows) = sample();
    let mut s = s;
    s.currency = ledgerlens_core::Currency::parse("EUR").unwrap();
    let parts = vec![(
        s,
        EnrichedLedger {
            transactions: rows,
            ..EnrichedLedger::default()
        },
    )];
    let ledger = ledger(&parts);
    let p = serde_json::to_value(periculum::build(&ledger, &AnalysisOptions::default())).unwrap();
    let t = &p["transactionPatternAnalysis"];
    assert_eq!(t["mostFrequentTransactionRange"], ">1M");
    assert_eq!(t["balanceBreakdown"][2]["max"].as_f64().unwrap(), 50.0);
}
