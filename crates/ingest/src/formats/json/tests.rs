//! The five sample payloads of Periculum's Insights API documentation (spec 004), embedded as
//! published (the Okra one cut to its first two transactions), each read end to end.

use ledgerlens_core::{AccountKind, Amount, Format, Period, ReconciliationStatus};

use super::sniff;
use crate::{ReadOptions, read_document};

/// Spec 004, `format=periculum`.
const PERICULUM: &str = r#"{
"statementName": "Mandatory Statement Name",
"transactions": [
{
"date": "6/17/2020",
"description": "opb opening balance",
"balance": 16162.02,
"amount": 0.0,
"type": "Debit"
},
{
"date": "6/19/2020",
"description": "vansouser trf//frm oladipupo david bello to oladipupo",
"balance": 11151.27,
"amount": 5010.75,
"type": "Debit"
},
{
"date": "7/31/2020",
"description": "vansouser trf//frm bbbbbb to aaaaaa",
"balance": 142279.89,
"amount": 15026.88,
"type": "Debit"
},
{
"date": "8/3/2020",
"description": "accessdev cccccccc/mob/uto/123456789/000001/",
"balance": 143279.89,
"amount": 1000.0,
"type": "Credit"
},
{
"date": "8/3/2020",
"description": "vansouser trf//frm bbbbbb to aaaaaa",
"balance": 140269.14,
"amount": 3010.75,
"type": "Debit"
},
{
"date": "8/3/2020",
"description": "vansouser trf//frm bbbbbb to aaaaaa",
"balance": 138358.39,
"amount": 1910.75,
"type": "Debit"
},
{
"date": "8/4/2020",
"description": "vansouser trf//frm bbbbbb to aaaaaa",
"balance": 128731.51,
"amount": 9626.88,
"type": "Debit"
},
{
"date": "8/5/2020",
"description": "vansouser trf//frm bbbbbb to aaaaaa",
"balance": 94704.63,
"amount": 34026.88,
"type": "Debit"
},
{
"date": "8/7/2020",
"description": "vansouser trf//frm bbbbbb to aaaaaa",
"balance": 79677.75,
"amount": 15026.88,
"type": "Debit"
},
{
"date": "8/7/2020",
"description": "vansouser trf//frm bbbbbb to aaaaaa",
"balance": 69650.87,
"amount": 10026.88,
"type": "Debit"
}
]
}"#;

/// Spec 004, `format=mono`.
const MONO: &str = r#"{"statementName": "MONO Statement 1",
	"meta": {
		"count": 291
	},
	"data": [
		{
			"_id": "6143d0d8fd931f44eb105b62",
			"type": "credit",
			"amount": 1000,
			"narration": "000023210806155803002010439758|ONLINE: TO GTBANK PLC|AAAAAAAAAAAA |109385562106150857||AAAAAAAAAAAAAA REF:000023210806155803002010439758 ",
			"date": "2021-08-06T10:28:00.300Z",
			"balance": 17518498
		},
		{
			"_id": "6143d0d8fd931f44eb105b68",
			"type": "debit",
			"amount": 187,
			"narration": "000013210805104201000261968776 VAT ON NIP TRANSFER FOR 000013210805104201000261968776 VIA GTWORLD TO AAAAAAAAAA REF:GW252239767000000250002108051041",
			"date": "2021-08-05T05:11:00.400Z",
			"balance": 18907498
		},
		{
			"_id": "6143d0d8fd931f44eb105b69",
			"type": "debit",
			"amount": 2500,
			"narration": "000013210805104201000261968776 NIP TRANSFER COMMISSION FOR 000013210805104201000261968776 VIA GTWORLD TO AAAAAAAAAA REF:GW252239767000000250002108051041",
			"date": "2021-08-05T05:11:00.400Z",
			"balance": 18907685
		},
		{
			"_id": "6143d0d8fd931f44eb105b6a",
			"type": "debit",
			"amount": 2500000,
			"narration": "000013210805104201000261968776 VIA GTWORLD TO AAAAAAAAAAAAAAAAAAA /26.875/REF:GW2522397670000002500021080510 F",
			"date": "2021-08-05T05:11:00.400Z",
			"balance": 18910185
		},
		{
			"_id": "6143d0d8fd931f44eb105b6b",
			"type": "credit",
			"amount": 20000000,
			"narration": "110006210805094005007180668001|SALARY ADVANCEBRASS TECHNOLOGIES INC|0007180668001||PAYSTACK REF:110006210805094005007180668001 ",
			"date": "2021-08-05T05:10:00.400Z",
			"balance": 21410185
		},
		{
			"_id": "6143d0d8fd931f44eb105b6c",
			"type": "debit",
			"amount": 10000,
			"narration": "VIA INTERNET BANKING TXD_G0ARIMNQ0F - MONO TEST PAYMENT FROM AAAAAAAAAAAA TO MONO TECHNOLOGIES NIGERIA LTD",
			"date": "2021-08-05T01:42:00.500Z",
			"balance": 1410185
		},
		{
			"_id": "6143d0d8fd931f44eb105b6d",
			"type": "credit",
			"amount": 1000,
			"narration": "VIA GAPSLITE REM REF:292137630000000000102108050135 FROM MONO TECHNOLOGIES NIGERIA LTD TO AAAAAAAAAAAAAAAA",
			"date": "2021-08-04T15:35:00.100Z",
			"balance": 1420185
		},
		{
			"_id": "6143d0d8fd931f44eb105b6e",
			"type": "debit",
			"amount": 5000,
			"narration": "03082021 STAMP DUTY CHARGE - 03/08/2021",
			"date": "2021-08-03T17:46:00.100Z",
			"balance": 1419185
		},
		{
			"_id": "6143d0d8fd931f44eb105b6f",
			"type": "credit",
			"amount": 67000,
			"narration": "110002210803212836000149977591|MONO SETTLEMENT FOR 832021|045732616626||TRF REF:110002210803212836000149977591 ",
			"date": "2021-08-03T15:58:00.500Z",
			"balance": 1424185
		},
		{
			"_id": "6143d0d8fd931f44eb105b70",
			"type": "credit",
			"amount": 100000,
			"narration": "090267210803194305276100001623|SENT FROM KUDA|090267210803194305276100001623||AAAAAAAAAAAAAA REF:090267210803194305276100001623 ",
			"date": "2021-08-03T14:13:00.300Z",
			"balance": 1357185
		}
	]
}"#;

/// Spec 004, `format=okra`, first two of its ten transactions.
const OKRA: &str = r#"{
	"statementName": "Okra statement 1",
	"data": {
		"transaction": [			
			{
				"_id": "6168330700ef2ec91fea78e1",
				"bank": {
					"name": "Access Bank",
					"logo": "https://okra-images.s3.eu-west-3.amazonaws.com/Access+Bank+PLC+Logo.svg",
					"icon": "https://okra-images.s3.eu-west-3.amazonaws.com/Access+Bank+PLC+Logo+Color.svg",
					"status": "healthy"
				},
				"cleared_date": "2021-10-13T15:38:00.621Z",
				"credit": null,
				"customer": {
					"_id": "61674268915892001d846230",
					"name": "Zabeeh",
					"bvn": "16012704546"
				},
				"debit": 76008,
				"notes": {
					"desc": "Dolores adipisci unde explicabo omnis qui neque minima voluptas vero.",
					"topics": [
						"b"
					],
					"places": [
						"c"
					],
					"people": [
						"a"
					],
					"actions": [
						"b"
					],
					"subjects": [
						"b"
					],
					"prepositions": [
						"a"
					]
				},
				"ref": null,
				"trans_date": "2021-10-14T02:41:10.969Z",
				"account": {
					"_id": "6139db2525038a6e175d7bb1",
					"nuban": null,
					"name": "CHIBUNNA HENRY ONUOHA"
				},
				"balance": null,
				"branch": "PWZUNLY1726",
				"code": "z",
				"created_at": "2021-10-14T13:39:19.539Z",
				"currency": null,
				"env": "production-sandbox",
				"last_updated": "2021-10-19T04:15:10.601Z",
				"record": [
					"616832ec07b91104fbb09134",
					"616833f6b15a9c05f0ba50cd",
					"61683524bcd101076a896ef6",
					"616ac5e774aed701cd99abed",
					"616d5d6dc70813001d7662f5",
					"616d5ebac70813001d766461",
					"616d6798ca86cf001c5b1d6c",
					"616d6856ca86cf001c5b1de2",
					"616d68d3ca86cf001c5b1eb8",
					"616d7f0baae4d7001d5506d3",
					"616dcca5fb3f4b001d19d447"
				],
				"unformatted_cleared_date": "14-10-2021",
				"unformatted_trans_date": "13-10-2021",
				"projects": [
					"6155cc23c95022e15b9fe2e2"
				],
				"fetched": [
					"6155cc23a0727c001d04a290",
					null
				],
				"id": "6168330700ef2ec91fea78e1"
			},
			{
				"_id": "6168340700ef2ec91feccb05",
				"bank": {
					"name": "Access Bank",
					"logo": "https://okra-images.s3.eu-west-3.amazonaws.com/Access+Bank+PLC+Logo.svg",
					"icon": "https://okra-images.s3.eu-west-3.amazonaws.com/Access+Bank+PLC+Logo+Color.svg",
					"status": "healthy"
				},
				"cleared_date": "2021-10-14T04:35:37.953Z",
				"credit": 31459,
				"customer": {
					"_id": "61674268915892001d846230",
					"name": "Zabeeh",
					"bvn": "16012704546"
				},
				"debit": null,
				"notes": {
					"desc": "Modi ipsa labore esse sit molestiae.",
					"topics": [
						"a"
					],
					"places": [
						"b"
					],
					"people": [
						"b"
					],
					"actions": [
						"a"
					],
					"subjects": [
						"b"
					],
					"prepositions": [
						"c"
					]
				},
				"ref": null,
				"trans_date": "2021-10-14T02:09:28.138Z",
				"account": {
					"_id": "6139db2525038a6e175d7bb1",
					"nuban": null,
					"name": "CHIBUNNA HENRY ONUOHA"
				},
				"balance": null,
				"branch": "YLDACOK1358",
				"code": "r",
				"created_at": "2021-10-14T13:43:35.099Z",
				"currency": null,
				"env": "production-sandbox",
				"last_updated": "2021-10-19T04:15:10.601Z",
				"record": [
					"616833f6b15a9c05f0ba50cd",
					"61683524bcd101076a896ef6",
					"616ac5e774aed701cd99abed",
					"616d5d6dc70813001d7662f5",
					"616d5ebac70813001d766461",
					"616d6798ca86cf001c5b1d6c",
					"616d6856ca86cf001c5b1de2",
					"616d68d3ca86cf001c5b1eb8",
					"616d7f0baae4d7001d5506d3",
					"616dcca5fb3f4b001d19d447"
				],
				"unformatted_cleared_date": "14-10-2021",
				"unformatted_trans_date": "14-10-2021",
				"projects": [
					"6155cc23c95022e15b9fe2e2"
				],
				"fetched": [
					"6155cc23a0727c001d04a290",
					null
				],
				"id": "6168340700ef2ec91feccb05"
			}
		]
	}
}"#;

/// Spec 004, `format=dojah` (indented with non-breaking spaces, as published).
const DOJAH: &str = r#"{
    "statementName":"Dojah from prod",
    "entity": {
        "transactions": [
            {
                "transaction_date": "2021-04-12",
                "value_date": "2021-04-12",
                "trans_type": "debit",
                "bank_name": "Access Bank",
                "amount": "2000.00",
                "available_balance": "94625",
                "reference": "",
                "narration": "901Airtime- 2348126323601"
            },
            {
                "transaction_date": "2021-04-13",
                "value_date": "2021-04-13",
                "trans_type": "credit",
                "bank_name": "Access Bank",
                "amount": "2000.00",
                "available_balance": "2946.25",
                "reference": "",
                "narration": "EITEOBHOR, RICHARD"
            },
            {
                "transaction_date": "2021-04-13",
                "value_date": "2021-04-13",
                "trans_type": "credit",
                "bank_name": "Access Bank",
                "amount": "25000.00",
                "available_balance": "27946.25",
                "reference": "",
                "narration": "TRF//FRM AINA OLUYEMI"
            },
            {
                "transaction_date": "2021-04-15",
                "value_date": "2021-04-15",
                "trans_type": "debit",
                "bank_name": "Access Bank",
                "amount": "2100.00",
                "available_balance": "25846.25",
                "reference": "",
                "narration": "AIRTIME/"
            },
            {
                "transaction_date": "2021-04-15",
                "value_date": "2021-04-15",
                "trans_type": "debit",
                "bank_name": "Access Bank",
                "amount": "1000.00",
                "available_balance": "24846.25",
                "reference": "",
                "narration": "AIRTIME/"
            },
            {
                "transaction_date": "2021-04-19",
                "value_date": "2021-04-19",
                "trans_type": "debit",
                "bank_name": "Access Bank",
                "amount": "2000.00",
                "available_balance": "22846.25",
                "reference": "",
                "narration": "AIRTIME/"
            },
            {
                "transaction_date": "2021-04-21",
                "value_date": "2021-04-21",
                "trans_type": "debit",
                "bank_name": "Access Bank",
                "amount": "2000.00",
                "available_balance": "20846.25",
                "reference": "",
                "narration": "AIRTIME/"
            },
            {
                "transaction_date": "2021-04-25",
                "value_date": "2021-04-25",
                "trans_type": "credit",
                "bank_name": "Access Bank",
                "amount": "3000.00",
                "available_balance": "23846.25",
                "reference": "",
                "narration": "OSO  AYOMIDE"
            },
            {
                "transaction_date": "2021-04-26",
                "value_date": "2021-04-26",
                "trans_type": "debit",
                "bank_name": "Access Bank",
                "amount": "2000.00",
                "available_balance": "21846.25",
                "reference": "",
                "narration": "AIRTIME/"
            },
            {
                "transaction_date": "2021-04-26",
                "value_date": "2021-04-26",
                "trans_type": "debit",
                "bank_name": "Access Bank",
                "amount": "32.00",
                "available_balance": "21814.25",
                "reference": "",
                "narration": "SMS Alert Fee-24/03-"
            },
            {
                "transaction_date": "2021-04-26",
                "value_date": "2021-04-26",
                "trans_type": "debit",
                "bank_name": "Access Bank",
                "amount": "200.00",
                "available_balance": "21614.25",
                "reference": "",
                "narration": "AIRTIME/"
            }
        ],
        "total": 440,
        "previous_page": "",
        "next_page": "",
        "total_pages": 1,
        "current_page": 1
    }
}"#;

/// Spec 004, `format=mybankstatement`.
const MYBANKSTATEMENT: &str = r#"{
    "bankStatement": {
        "mbs": {
            "jsonData": {
                "statementName": "statement my bank 1",
                "status": "success",
                "Name": "xxxxx",
                "Nuban": "0725460028",
                "AccountCategory": "IND",
                "AccountType": "SAVINGS",
                "TicketNo": "1395814-6",
                "AvailableBal": "4894.6400",
                "BookBal": "4894.6400",
                "TotalCredit": "1369432.54",
                "TotalDebit": "1380699.92",
                "Tenor": "3",
                "Period": "6/17/2020 12:00:00 AM to 9/17/2020 12:00:00 AM",
                "Currency": "NGN",
                "Address": "NYSC SECRETARIAT SOKOTO NO 8 SPRING DRIVE  ABUJA FCT SOKOTO SOKOTO NG",
                "Applicants": "Periculum Applicant",
                "Signatories": [
                    {
                        "Name": "N/A",
                        "BVN": "98765"
                    }
                ],
                "Details": [
                    {
                        "PTransactionDate": "6/17/2020",
                        "PValueDate": "6/17/2020",
                        "PNarration": "OPB Opening Balance",
                        "PCredit": 0,
                        "PDebit": 0,
                        "PBalance": 16162.02
                    },                    
                    {
                        "PTransactionDate": "9/7/2020",
                        "PValueDate": "9/7/2020",
                        "PNarration": "VANSOUSER TRF//FRM AO TO B",
                        "PCredit": 0,
                        "PDebit": 6126.88,
                        "PBalance": 36895.15
                    },
                    {
                        "PTransactionDate": "9/7/2020",
                        "PValueDate": "9/7/2020",
                        "PNarration": "VANSOUSER TRF//FRM A TO B",
                        "PCredit": 0,
                        "PDebit": 4210.75,
                        "PBalance": 32684.40
                    },
                    {
                        "PTransactionDate": "9/7/2020",
                        "PValueDate": "9/7/2020",
                        "PNarration": "VANSOUSER TRF//FRM A TO B",
                        "PCredit": 0,
                        "PDebit": 2360.75,
                        "PBalance": 30323.65
                    },
                    {
                        "PTransactionDate": "9/7/2020",
                        "PValueDate": "9/7/2020",
                        "PNarration": "VANSOUSER TRF//FRM A TO B",
                        "PCredit": 0,
                        "PDebit": 3810.75,
                        "PBalance": 26512.90
                    },
                    {
                        "PTransactionDate": "9/7/2020",
                        "PValueDate": "9/7/2020",
                        "PNarration": "VANSOUSER TRF//FRM A TO B",
                        "PCredit": 0,
                        "PDebit": 5126.88,
                        "PBalance": 21386.02
                    },
                    {
                        "PTransactionDate": "9/9/2020",
                        "PValueDate": "9/9/2020",
                        "PNarration": "VANSOUSER TRF//FRM A TO B",
                        "PCredit": 0,
                        "PDebit": 4010.75,
                        "PBalance": 17375.27
                    },
                    {
                        "PTransactionDate": "9/10/2020",
                        "PValueDate": "9/10/2020",
                        "PNarration": "VANSOUSER TRF//FRM A TO B",
                        "PCredit": 0,
                        "PDebit": 2010.75,
                        "PBalance": 15364.52
                    },
                    {
                        "PTransactionDate": "9/10/2020",
                        "PValueDate": "9/10/2020",
                        "PNarration": "VANSOUSER BILLS/9Mobile  e-top  up/08188555611",
                        "PCredit": 0,
                        "PDebit": 1000,
                        "PBalance": 14364.52
                    },
                    {
                        "PTransactionDate": "9/11/2020",
                        "PValueDate": "9/11/2020",
                        "PNarration": "VANSOUSER TRF//FRM A TO B",
                        "PCredit": 0,
                        "PDebit": 5126.88,
                        "PBalance": 9237.64
                    }                    
                ]
            },
            "bank": "access"
        }
    }
}"#;

fn read(text: &str) -> ledgerlens_core::Document {
    match read_document("sample.json", text.as_bytes(), &ReadOptions::default()) {
        Ok(doc) => doc,
        Err(e) => panic!("{e} ({})", e.code()),
    }
}

fn fail(text: &str) -> crate::IngestError {
    read_document("sample.json", text.as_bytes(), &ReadOptions::default()).unwrap_err()
}

fn amount(text: &str) -> Amount {
    Amount::parse(text).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn each_spec_sample_is_recognised_as_its_own_format() {
    assert_eq!(sniff(PERICULUM), Some(Format::PericulumJson));
    assert_eq!(sniff(MONO), Some(Format::MonoJson));
    assert_eq!(sniff(OKRA), Some(Format::OkraJson));
    assert_eq!(sniff(DOJAH), Some(Format::DojahJson));
    assert_eq!(sniff(MYBANKSTATEMENT), Some(Format::MyBankStatementJson));
}

#[test]
fn arbitrary_json_is_not_claimed() {
    for text in [
        "{}",
        "[]",
        r#"{"name": "x", "items": [{"id": 1, "price": 2.5}]}"#,
        r#"{"note": "\"narration\": 1, \"type\": 2, \"amount\": 3, \"trans_date\": 4"}"#,
        r#"{"access_token": "t", "expires_in": 604800, "token_type": "Bearer"}"#,
        r#"{"statementKey": 3, "identificationData": [{"identifierName": "bvn"}]}"#,
        // Zeeh: Mono-like keys but naira amounts; must not be read as kobo.
        r#"{"data": [{"type": "debit", "amount": 53.75, "narration": "Transfer Charges", "date": "31/05/2021 11:38:20", "closingBalance": 33425.57, "tranId": "NIP-DCO-1"}]}"#,
    ] {
        assert_eq!(sniff(text), None, "{text}");
    }
}

#[test]
fn sniffing_survives_a_head_cut_mid_document() {
    let cut = MONO.get(..400).unwrap();
    assert_eq!(sniff(cut), Some(Format::MonoJson));
}

#[test]
fn the_periculum_sample_reads_with_its_opening_balance_row_as_the_opening_balance() {
    let doc = read(PERICULUM);
    assert_eq!(doc.format, Format::PericulumJson);
    let s = &doc.statements[0];
    assert_eq!(s.opening_balance, Some(amount("16162.02")));
    assert_eq!(s.transactions.len(), 9);
    let first = &s.transactions[0];
    assert_eq!(
        (first.date, first.amount, first.balance),
        (
            date(2020, 6, 19),
            amount("-5010.75"),
            Some(amount("11151.27"))
        )
    );
    assert_eq!(
        first.description,
        "vansouser trf//frm oladipupo david bello to oladipupo"
    );
    assert_eq!(first.provenance.row, Some(2));
    assert_eq!(first.provenance.line, Some(11));
    let credit = &s.transactions[2];
    assert_eq!(
        (credit.date, credit.amount),
        (date(2020, 8, 3), amount("1000.0"))
    );
    let last = s.transactions.last().unwrap();
    assert_eq!(
        (last.date, last.amount, last.balance),
        (
            date(2020, 8, 7),
            amount("-10026.88"),
            Some(amount("69650.87"))
        )
    );
    // The sample elides rows between June and July, so its chain breaks there.
    assert_eq!(s.reconciliation.status, ReconciliationStatus::Breaks);
    assert!(s.currency.is_unknown());
    assert!(
        doc.warnings.iter().any(|w| w.contains("no currency")),
        "{:?}",
        doc.warnings
    );
}

#[test]
fn a_periculum_statement_takes_the_callers_default_currency() {
    let options = ReadOptions {
        default_currency: Some(ledgerlens_core::Currency::parse("KES").unwrap()),
        ..ReadOptions::default()
    };
    let doc = read_document("p.json", PERICULUM.as_bytes(), &options).unwrap();
    assert_eq!(doc.statements[0].currency.code(), "KES");
    assert!(doc.warnings.iter().all(|w| !w.contains("no currency")));
}

#[test]
fn periculums_bare_transaction_array_reads_too() {
    let text = r#"[
        {"date": "2020-09-17", "amount": 25, "type": "debit", "description": "nipfee/online", "balance": 80830.99},
        {"date": "2020-09-17", "amount": 1.88, "type": "debit", "description": "nipvat/online", "balance": 80829.11}
    ]"#;
    assert_eq!(sniff(text), Some(Format::PericulumJson));
    let s = &read(text).statements[0];
    assert_eq!(s.transactions.len(), 2);
    assert_eq!(s.transactions[1].amount, amount("-1.88"));
    assert_eq!(s.reconciliation.status, ReconciliationStatus::Reconciled);
}

#[test]
fn the_mono_sample_reads_kobo_as_naira_oldest_first() {
    let doc = read(MONO);
    assert_eq!(doc.format, Format::MonoJson);
    let s = &doc.statements[0];
    assert_eq!(s.currency.code(), "NGN");
    assert_eq!(s.transactions.len(), 10);
    let oldest = &s.transactions[0];
    assert_eq!(
        (oldest.date, oldest.amount, oldest.balance),
        (
            date(2021, 8, 3),
            amount("1000.00"),
            Some(amount("13571.85"))
        )
    );
    assert_eq!(
        oldest.reference.as_deref(),
        Some("6143d0d8fd931f44eb105b70")
    );
    assert!(
        oldest
            .description
            .starts_with("090267210803194305276100001623|SENT FROM KUDA|")
    );
    assert!(!oldest.description.ends_with(' '));
    let vat = &s.transactions[8];
    assert_eq!(
        (vat.amount, vat.balance),
        (amount("-1.87"), Some(amount("189074.98")))
    );
    let newest = &s.transactions[9];
    assert_eq!(
        (newest.date, newest.amount, newest.balance),
        (date(2021, 8, 6), amount("10.00"), Some(amount("175184.98")))
    );
    assert!(doc.warnings.iter().any(|w| w.contains("newest-first")));
    // No opening or closing field: the running balance gives them.
    assert_eq!(s.opening_balance, Some(amount("12571.85")));
    assert_eq!(s.closing_balance, Some(amount("175184.98")));
    // The sample's newest row does not follow from the one before it.
    assert_eq!(s.reconciliation.rows_checked, 10);
    assert_eq!(s.reconciliation.rows_consistent, 9);
}

#[test]
fn the_okra_sample_reads_debits_credits_notes_and_account() {
    let doc = read(OKRA);
    assert_eq!(doc.format, Format::OkraJson);
    let s = &doc.statements[0];
    assert_eq!(s.currency.code(), "NGN");
    assert_eq!(s.account.bank.as_deref(), Some("Access Bank"));
    assert_eq!(s.account.holder.as_deref(), Some("CHIBUNNA HENRY ONUOHA"));
    assert_eq!(s.transactions.len(), 2);
    let debit = &s.transactions[0];
    assert_eq!(
        (debit.date, debit.value_date, debit.amount),
        (
            date(2021, 10, 14),
            Some(date(2021, 10, 13)),
            amount("-76008")
        )
    );
    assert_eq!(
        debit.description,
        "Dolores adipisci unde explicabo omnis qui neque minima voluptas vero."
    );
    assert_eq!(debit.reference.as_deref(), Some("6168330700ef2ec91fea78e1"));
    let credit = &s.transactions[1];
    assert_eq!(
        (credit.amount, credit.value_date, credit.balance),
        (amount("31459"), None, None)
    );
}

#[test]
fn the_dojah_sample_reads_string_amounts_despite_its_non_breaking_spaces() {
    let doc = read(DOJAH);
    assert_eq!(doc.format, Format::DojahJson);
    assert!(
        doc.warnings
            .iter()
            .any(|w| w.contains("non-breaking space")),
        "{:?}",
        doc.warnings
    );
    let s = &doc.statements[0];
    assert_eq!(s.account.bank.as_deref(), Some("Access Bank"));
    assert_eq!(s.transactions.len(), 11);
    let first = &s.transactions[0];
    assert_eq!(
        (first.date, first.amount, first.balance),
        (date(2021, 4, 12), amount("-2000.00"), Some(amount("94625")))
    );
    assert_eq!(first.description, "901Airtime- 2348126323601");
    assert_eq!(first.value_date, None);
    assert_eq!(first.reference, None);
    assert_eq!(s.transactions[7].description, "OSO AYOMIDE");
    assert_eq!(s.transactions[7].amount, amount("3000.00"));
    let last = s.transactions.last().unwrap();
    assert_eq!(
        (last.date, last.amount, last.balance),
        (
            date(2021, 4, 26),
            amount("-200.00"),
            Some(amount("21614.25"))
        )
    );
}

#[test]
fn the_mybankstatement_sample_reads_header_balances_period_and_rows() {
    let doc = read(MYBANKSTATEMENT);
    assert_eq!(doc.format, Format::MyBankStatementJson);
    let s = &doc.statements[0];
    assert_eq!(s.currency.code(), "NGN");
    assert_eq!(
        s.account.number.as_ref().map(|n| n.reveal()),
        Some("0725460028")
    );
    assert_eq!(s.account.holder.as_deref(), Some("xxxxx"));
    assert_eq!(s.account.bank.as_deref(), Some("access"));
    assert_eq!(s.account.kind, AccountKind::Savings);
    assert_eq!(
        s.period,
        Some(Period {
            start: date(2020, 6, 17),
            end: date(2020, 9, 17)
        })
    );
    assert_eq!(s.opening_balance, Some(amount("16162.02")));
    assert_eq!(s.closing_balance, Some(amount("4894.64")));
    assert_eq!(s.available_balance, Some(amount("4894.64")));
    assert_eq!(s.transactions.len(), 9);
    let first = &s.transactions[0];
    assert_eq!(
        (first.date, first.amount, first.balance),
        (
            date(2020, 9, 7),
            amount("-6126.88"),
            Some(amount("36895.15"))
        )
    );
    assert_eq!(
        s.transactions[7].description,
        "VANSOUSER BILLS/9Mobile e-top up/08188555611"
    );
    let last = s.transactions.last().unwrap();
    assert_eq!(
        (last.date, last.amount, last.balance),
        (
            date(2020, 9, 11),
            amount("-5126.88"),
            Some(amount("9237.64"))
        )
    );
    // The sample is elided, so its stated totals do not match its rows; that is said, not hidden.
    assert!(
        doc.warnings
            .iter()
            .any(|w| w.contains("TotalCredit is 1369432.54")),
        "{:?}",
        doc.warnings
    );
}

#[test]
fn mybankstatement_json_data_may_be_a_json_encoded_string() {
    let body: serde_json::Value = serde_json::from_str(MYBANKSTATEMENT).unwrap();
    let inner = serde_json::to_string(&body["bankStatement"]["mbs"]["jsonData"]).unwrap();
    let wrapped =
        serde_json::json!({"bankStatement": {"mbs": {"jsonData": inner, "bank": "access"}}})
            .to_string();
    assert_eq!(sniff(&wrapped), Some(Format::MyBankStatementJson));
    let doc = read(&wrapped);
    let s = &doc.statements[0];
    assert_eq!(s.transactions.len(), 9);
    assert_eq!(s.closing_balance, Some(amount("4894.64")));
    assert_eq!(s.transactions[0].provenance.line, None);
    assert_eq!(s.transactions[0].provenance.row, Some(2));
    let envelope =
        serde_json::json!({"status": "00", "message": "ok", "result": inner}).to_string();
    assert_eq!(read(&envelope).statements[0].transactions.len(), 9);
    let bare = serde_json::to_string_pretty(&body["bankStatement"]["mbs"]["jsonData"]).unwrap();
    assert_eq!(read(&bare).statements[0].transactions.len(), 9);
}

#[test]
fn an_error_inside_an_embedded_statement_says_so() {
    let wrapped = serde_json::json!({"bankStatement": {"mbs": {"jsonData": "{\"Details\": [{\"PTransactionDate\": \"1/2/2020\",}"}}}).to_string();
    let err = fail(&wrapped);
    assert_eq!(err.code(), "malformed_file");
    assert!(
        err.to_string().contains("embedded jsonData string"),
        "{err}"
    );
}

#[test]
fn mono_minor_units_follow_the_stated_currency() {
    let text = r#"{"data": [{"id": "a", "type": "debit", "amount": 1234, "narration": "x", "date": "2024-01-02T00:00:00.000Z", "balance": 5000, "currency": "KWD"}]}"#;
    let s = &read(text).statements[0];
    assert_eq!(s.currency.code(), "KWD");
    assert_eq!(s.transactions[0].amount, amount("-1.234"));
    assert_eq!(s.transactions[0].balance, Some(amount("5.000")));
}

#[test]
fn mono_rows_in_two_currencies_are_refused() {
    let text = r#"{"data": [
        {"type": "debit", "amount": 1, "narration": "x", "date": "2024-01-02", "currency": "NGN"},
        {"type": "debit", "amount": 1, "narration": "y", "date": "2024-01-02", "currency": "USD"}
    ]}"#;
    let err = fail(text);
    assert_eq!(err.code(), "malformed_file");
    assert!(err.to_string().contains("transaction 2, line 3"), "{err}");
}

#[test]
fn a_truncated_document_is_malformed_with_its_location() {
    let cut = MONO.get(..MONO.len() / 2).unwrap();
    let err = fail(cut);
    assert_eq!(err.code(), "malformed_file");
    let text = err.to_string();
    assert!(
        text.contains("at line ") && text.contains("ends early"),
        "{text}"
    );
}

#[test]
fn an_unbalanced_document_is_malformed_not_repaired() {
    let text = "{\"paging\": {\"total\": 2,\n},\n\"data\": [{\"type\": \"debit\", \"amount\": 1, \"narration\": \"x\", \"date\": \"2024-01-02\"}]\n}\n}";
    let err = fail(text);
    assert_eq!(err.code(), "malformed_file");
    assert!(err.to_string().contains("line 5"), "{err}");
}

#[test]
fn a_bad_field_names_its_transaction_and_line() {
    let text = "{\"data\": [\n{\"type\": \"debit\", \"amount\": 1, \"narration\": \"x\", \"date\": \"2024-01-02\"},\n{\"type\": \"sideways\", \"amount\": 1, \"narration\": \"x\", \"date\": \"2024-01-02\"}\n]}";
    let err = fail(text);
    assert_eq!(
        err.to_string(),
        "malformed mono_json file at transaction 2, line 3: transaction type \"sideways\" is neither debit nor credit"
    );
    let text = "{\"data\": [\n{\"type\": \"debit\", \"amount\": 1, \"narration\": \"x\", \"date\": \"soon\"}]}";
    assert!(
        fail(text)
            .to_string()
            .contains("transaction 1, line 2: unreadable date \"soon\"")
    );
    let text = "{\"data\": [\n{\"type\": \"debit\",\n \"amount\": {\"x\": 1}, \"narration\": \"x\", \"date\": \"2024-01-02\"}]}";
    assert!(
        fail(text)
            .to_string()
            .contains("transaction 1, line 2: amount: expected a number"),
        "{}",
        fail(text)
    );
}

#[test]
fn hostile_nesting_neither_overflows_the_stack_nor_slips_into_a_field() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let head = r#"{"data": [{"type": "debit", "narration": "x", "date": "2024-01-02", "amount": "#;
    // Skipped without recursion where we do not read it...
    let doc = read(&format!("{head} 1, \"x\": {deep}}}]}}"));
    assert_eq!(doc.statements[0].transactions.len(), 1);
    // ...and refused where a value was expected.
    let err = fail(&format!("{head} {deep}}}]}}"));
    assert!(
        err.to_string().contains("amount: expected a number"),
        "{err}"
    );
    // Nesting inside the structures we do parse meets serde_json's recursion limit.
    let err = fail(&format!(
        "{{\"bankStatement\": {{\"mbs\": {{\"bank\": {deep}}}}}}}"
    ));
    assert_eq!(err.code(), "malformed_file");
}

#[test]
fn too_many_transactions_are_refused_with_a_clear_error() {
    let row = r#"{"type": "debit", "amount": 1, "narration": "x", "date": "2024-01-02"}"#;
    let text = format!(
        "{{\"data\": [{}]}}",
        vec![row; super::source::MAX_TRANSACTIONS + 1].join(",")
    );
    let err = fail(&text);
    assert_eq!(err.code(), "malformed_file");
    assert!(
        err.to_string().contains("more than 1000 transactions"),
        "{err}"
    );
}

#[test]
fn a_dojah_acknowledgement_has_no_statement() {
    let text = r#"{"message": "Account Created Successfully", "entity": {"account_id": "7364e849-66ee-46a3-a5b5-5d7ed626b835"}}"#;
    assert_eq!(sniff(text), Some(Format::DojahJson));
    assert_eq!(fail(text).code(), "no_statements");
}

#[test]
fn an_okra_row_without_any_date_is_malformed() {
    let text = r#"{"data": {"transaction": [{"trans_date": "", "cleared_date": "", "debit": 0.01, "notes": {"desc": ""}}]}}"#;
    let err = fail(text);
    assert_eq!(
        err.to_string(),
        "malformed okra_json file at transaction 1, line 1: the transaction has no date"
    );
}
