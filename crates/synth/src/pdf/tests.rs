//! Whole-file checks: every layout through poppler's `pdftotext` and `qpdf`, encryption,
//! tampering. Tests that need those tools say so and pass when they are absent.

use std::path::PathBuf;
use std::process::Command;

use ledgerlens_core::Statement;

use super::fonts::Font;
use super::*;

fn tool(name: &str) -> bool {
    let found = Command::new("which")
        .arg(name)
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("skipping: `{name}` is not installed (apt-get install -y qpdf poppler-utils)");
    }
    found
}

fn temp(name: &str, bytes: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("ll-pdfgen-{}-{name}.pdf", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

/// `pdftotext -layout` of a file, or None when it fails.
fn pdftotext(path: &PathBuf, password: Option<&str>) -> Option<String> {
    let mut command = Command::new("pdftotext");
    command.arg("-layout");
    if let Some(pw) = password {
        command.arg("-upw").arg(pw);
    }
    let output = command.arg(path).arg("-").output().unwrap();
    output
        .status
        .success()
        .then(|| String::from_utf8(output.stdout).unwrap())
}

fn qpdf_check(path: &PathBuf) -> (bool, String) {
    let output = Command::new("qpdf")
        .arg("--check")
        .arg(path)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
    )
}

fn statement(layout: Layout) -> Statement {
    sample_statement(layout, 7, 150)
}

#[test]
fn every_layout_is_deterministic_and_multi_page() {
    for layout in Layout::ALL {
        let s = statement(layout);
        let a = render(&s, layout, &RenderOptions::default());
        let b = render(&s, layout, &RenderOptions::default());
        assert_eq!(a, b, "{layout:?}");
        assert!(a.starts_with(b"%PDF-1.7"));
        let text = String::from_utf8_lossy(&a);
        let pages = text.matches("/Type /Page ").count();
        assert!(pages >= 3, "{layout:?}: {pages} pages");
        assert!(text.contains("/Producer") && text.contains("/CreationDate"));
        assert_eq!(text.matches("%%EOF").count(), 1);
    }
}

#[test]
fn pdftotext_finds_every_amount_balance_and_the_metadata_in_every_layout() {
    if !tool("pdftotext") || !tool("qpdf") {
        return;
    }
    for layout in Layout::ALL {
        let s = statement(layout);
        assert!(s.transactions.len() >= 120);
        let decimals = s.currency.minor_units();
        for compress in [true, false] {
            let options = RenderOptions {
                compress,
                ..RenderOptions::default()
            };
            let path = temp(
                &format!("{}-{compress}", layout.name()),
                &render(&s, layout, &options),
            );
            let (ok, report) = qpdf_check(&path);
            assert!(ok, "{layout:?}: {report}");
            let text = pdftotext(&path, None).unwrap();
            let pages: Vec<&str> = text
                .split('\u{c}')
                .filter(|p| !p.trim().is_empty())
                .collect();
            assert!(pages.len() >= 3, "{layout:?}");
            for (i, page) in pages.iter().enumerate() {
                assert!(
                    page.contains(&format!("{} of {}", i + 1, pages.len()))
                        || page.contains(&format!("{} / {}", i + 1, pages.len())),
                    "{layout:?} page {}",
                    i + 1
                );
                assert!(page.contains(s.account.number.as_ref().unwrap().reveal()));
            }
            // Every row's amount and balance, in page order.
            let mut cursor = 0;
            for t in &s.transactions {
                let amount = layout.amount_text(t.amount, decimals);
                let balance = layout.balance_text(t.balance.unwrap(), decimals);
                let line = text[cursor..]
                    .lines()
                    .find(|l| l.contains(&amount) && l.contains(&balance))
                    .unwrap_or_else(|| panic!("{layout:?}: no line with {amount} and {balance}"));
                cursor += text[cursor..].find(line).unwrap() + line.len();
            }
            for needle in [
                s.account.holder.clone().unwrap(),
                s.currency.code().to_owned(),
                layout.balance_text(s.opening_balance.unwrap(), decimals),
                layout.balance_text(s.closing_balance.unwrap(), decimals),
            ] {
                assert!(text.contains(&needle), "{layout:?}: {needle}");
            }
            if layout == Layout::French {
                let iban = s.account.iban.as_ref().unwrap().reveal().to_owned();
                assert!(text.replace(' ', "").contains(&iban));
                assert!(text.contains("Total des mouvements"));
                assert!(text.contains("Libellé"));
            }
            std::fs::remove_file(path).ok();
        }
    }
}

#[test]
fn dates_follow_each_layout_and_uk_dates_carry_over_pages() {
    if !tool("pdftotext") {
        return;
    }
    for layout in Layout::ALL {
        let s = statement(layout);
        let path = temp(
            &format!("dates-{}", layout.name()),
            &render(&s, layout, &RenderOptions::default()),
        );
        let text = pdftotext(&path, None).unwrap();
        for t in &s.transactions {
            assert!(
                text.contains(&layout.date_text(t.date)),
                "{layout:?} {}",
                t.date
            );
        }
        // Each page after the first starts its table with a dated row.
        for page in text.split('\u{c}').skip(1).filter(|p| !p.trim().is_empty()) {
            let first_row = page
                .lines()
                .skip_while(|l| !l.contains("Balance") && !l.contains("Solde"))
                .skip(1)
                .find(|l| !l.trim().is_empty())
                .unwrap_or_default();
            let dated = s.transactions.iter().any(|t| {
                first_row
                    .trim_start()
                    .starts_with(&layout.date_text(t.date))
            });
            assert!(
                dated || layout == Layout::NigerianCourier,
                "{layout:?}: {first_row:?}"
            );
        }
        std::fs::remove_file(path).ok();
    }
}

#[test]
fn the_uk_sample_spans_a_year_end() {
    let period = statement(Layout::Uk).period.unwrap();
    assert_eq!(period.start.format("%Y").to_string(), "2023");
    assert_eq!(period.end.format("%Y").to_string(), "2024");
}

#[test]
fn some_page_break_falls_in_the_middle_of_a_day() {
    if !tool("pdftotext") {
        return;
    }
    let layout = Layout::Nigerian;
    let s = statement(layout);
    let path = temp("midday", &render(&s, layout, &RenderOptions::default()));
    let text = pdftotext(&path, None).unwrap();
    let dates = |page: &str| -> Vec<String> {
        page.lines()
            .filter_map(|l| l.split_whitespace().next())
            .filter(|w| {
                s.transactions
                    .iter()
                    .any(|t| layout.date_text(t.date) == *w)
            })
            .map(str::to_owned)
            .collect()
    };
    let pages: Vec<Vec<String>> = text.split('\u{c}').map(dates).collect();
    let split_days = pages
        .windows(2)
        .filter(|w| w[0].last().is_some() && w[0].last() == w[1].first())
        .count();
    assert!(split_days >= 1, "{pages:?}");
    std::fs::remove_file(path).ok();
}

#[test]
fn us_descriptions_wrap_over_two_or_three_lines() {
    let s = statement(Layout::Us);
    let sheet = layouts::us(&s, None);
    let column = &sheet.columns[1];
    let counts: Vec<usize> = s
        .transactions
        .iter()
        .map(|t| {
            sheet::wrap(
                sheet.font,
                sheet.size,
                column.right - column.left,
                &t.description,
            )
            .len()
        })
        .collect();
    assert!(counts.contains(&2), "{counts:?}");
    assert!(counts.contains(&3), "{counts:?}");
    assert!(counts.iter().all(|&c| c <= 3));
}

#[test]
fn encrypted_statements_need_their_password() {
    if !tool("qpdf") || !tool("pdftotext") {
        return;
    }
    let s = statement(Layout::Nigerian);
    let decimals = s.currency.minor_units();
    let first = Layout::Nigerian.balance_text(s.transactions[0].balance.unwrap(), decimals);
    for cipher in Cipher::ALL {
        let options = RenderOptions {
            encryption: Some(Encryption {
                cipher,
                user_password: "open sesame".into(),
                owner_password: "owner-secret".into(),
            }),
            ..RenderOptions::default()
        };
        let bytes = render(&s, Layout::Nigerian, &options);
        assert!(!String::from_utf8_lossy(&bytes).contains(&first));
        let path = temp(&format!("enc-{cipher:?}"), &bytes);
        let out = std::env::temp_dir().join(format!(
            "ll-pdfgen-{}-dec-{cipher:?}.pdf",
            std::process::id()
        ));
        let needs = Command::new("qpdf")
            .arg("--requires-password")
            .arg(&path)
            .status()
            .unwrap();
        assert_eq!(
            needs.code(),
            Some(0),
            "{cipher:?}: qpdf says no password is needed"
        );
        for password in ["open sesame", "owner-secret"] {
            let status = Command::new("qpdf")
                .arg(format!("--password={password}"))
                .arg("--decrypt")
                .arg(&path)
                .arg(&out)
                .status()
                .unwrap();
            assert!(status.success(), "{cipher:?} with {password}");
            let text = pdftotext(&out, None).unwrap();
            assert!(
                text.contains(&first) && text.contains("Balance B/F"),
                "{cipher:?}"
            );
        }
        let wrong = Command::new("qpdf")
            .arg("--password=wrong")
            .arg("--decrypt")
            .arg(&path)
            .arg(&out)
            .status()
            .unwrap();
        assert!(!wrong.success(), "{cipher:?} opened with a wrong password");
        assert!(
            pdftotext(&path, None).is_none(),
            "{cipher:?} opened without a password"
        );
        let text = pdftotext(&path, Some("open sesame")).unwrap();
        assert!(text.contains(&first), "{cipher:?}");
        std::fs::remove_file(path).ok();
        std::fs::remove_file(out).ok();
    }
}

#[test]
fn an_empty_user_password_opens_without_asking() {
    if !tool("pdftotext") {
        return;
    }
    let s = statement(Layout::Us);
    let options = RenderOptions {
        encryption: Some(Encryption {
            cipher: Cipher::Aes256,
            user_password: String::new(),
            owner_password: "owner".into(),
        }),
        ..RenderOptions::default()
    };
    let path = temp("enc-empty", &render(&s, Layout::Us, &options));
    assert!(pdftotext(&path, None).unwrap().contains("Running Balance"));
    std::fs::remove_file(path).ok();
}

#[test]
fn tampering_appends_exactly_one_incremental_update_and_keeps_the_original_bytes() {
    for compress in [true, false] {
        let s = statement(Layout::Us);
        let options = RenderOptions {
            compress,
            ..RenderOptions::default()
        };
        let original = render(&s, Layout::Us, &options);
        let t = &s.transactions[5];
        let old = Layout::Us.amount_text(t.amount, 2);
        let new = old.replacen(|c: char| c.is_ascii_digit(), "9", 1);
        assert_ne!(old, new);
        let forged = tamper(&original, &old, &new).unwrap();
        assert!(forged.starts_with(&original));
        let appended = String::from_utf8_lossy(&forged[original.len()..]).into_owned();
        assert_eq!(appended.matches("%%EOF").count(), 1);
        assert_eq!(appended.matches("\nxref\n").count(), 1);
        assert_eq!(appended.matches(" obj\n").count(), 1);
        assert!(appended.contains("/Prev "));
        // Tampering twice chains the updates.
        let twice = tamper(&forged, &new, &old).unwrap();
        assert_eq!(String::from_utf8_lossy(&twice).matches("%%EOF").count(), 3);
        if tool("qpdf") && tool("pdftotext") {
            let path = temp(&format!("tampered-{compress}"), &forged);
            let (ok, report) = qpdf_check(&path);
            assert!(ok, "{report}");
            let text = pdftotext(&path, None).unwrap();
            let balance = Layout::Us.balance_text(t.balance.unwrap(), 2);
            let line = text.lines().find(|l| l.contains(&balance)).unwrap();
            assert!(line.contains(&new) && !line.contains(&old), "{line}");
            std::fs::remove_file(path).ok();
        }
    }
    assert_eq!(
        tamper(b"%PDF-1.7\nnothing", "1", "2"),
        Err(TamperError::Malformed("no startxref"))
    );
    let s = statement(Layout::Uk);
    let plain = render(&s, Layout::Uk, &RenderOptions::default());
    assert_eq!(
        tamper(&plain, "no such text", "x"),
        Err(TamperError::NotFound)
    );
    let encrypted = render(
        &s,
        Layout::Uk,
        &RenderOptions {
            encryption: Some(Encryption {
                cipher: Cipher::Rc4_128,
                user_password: "a".into(),
                owner_password: String::new(),
            }),
            ..RenderOptions::default()
        },
    );
    assert_eq!(tamper(&encrypted, "x", "y"), Err(TamperError::Encrypted));
}

#[test]
fn tampering_keeps_a_right_aligned_amount_right_aligned() {
    let line = "BT /F1 8 Tf 100 200 Td (1,234.56) Tj ET";
    let edited = tamper::edit_line(line, "1,234.56", "11,234.56");
    let shift = Font::Helvetica.text_width("1", 8.0);
    assert_eq!(
        edited,
        format!("BT /F1 8 Tf {:.2} 200 Td (11,234.56) Tj ET", 100.0 - shift)
    );
}

#[test]
fn the_odd_font_forgery_puts_times_on_exactly_one_page() {
    let s = statement(Layout::French);
    let options = RenderOptions {
        odd_font_row: Some(100),
        compress: false,
        ..RenderOptions::default()
    };
    let pdf = String::from_utf8_lossy(&render(&s, Layout::French, &options)).into_owned();
    assert_eq!(pdf.matches("/F4 6 0 R").count(), 1);
    assert_eq!(pdf.matches("BT /F4 ").count(), 1);
    let amount = Layout::French.amount_text(s.transactions[100].amount, 2);
    let times_line = pdf.lines().find(|l| l.starts_with("BT /F4 ")).unwrap();
    assert!(times_line.contains(&format!("({amount})")), "{times_line}");
    let plain = String::from_utf8_lossy(&render(
        &s,
        Layout::French,
        &RenderOptions {
            compress: false,
            ..RenderOptions::default()
        },
    ))
    .into_owned();
    assert!(!plain.contains("/F4 "));
}

#[test]
fn french_samples_carry_a_valid_iban() {
    let s = statement(Layout::French);
    let iban = s.account.iban.as_ref().unwrap();
    assert_eq!(iban.country(), "FR");
    assert_eq!(iban.reveal().len(), 27);
    assert!(statement(Layout::Nigerian).account.iban.is_none());
}

#[test]
fn descriptions_are_expected_as_winansi_shows_them() {
    assert_eq!(expected_description("  Café\t北 x "), "Café ? x");
}
