//! Words and positions from hand-written PDFs.

use ledgerlens_ingest::pdf::Word;

use crate::support::{Run, document, document_with, extract};

fn near(actual: f32, expected: f32, tolerance: f32) -> bool {
    (actual - expected).abs() <= tolerance
}

fn find<'a>(words: &'a [Word], text: &str) -> &'a Word {
    words
        .iter()
        .find(|w| w.text == text)
        .unwrap_or_else(|| panic!("no word {text:?} in {words:?}"))
}

#[test]
fn words_come_with_top_left_boxes_in_points_fonts_and_sizes() {
    let pdf = document(
        &[(&[("F1", 10.0, 72.0, 700.0, "Opening balance")], &[])],
        None,
    );
    let text = extract(&pdf).unwrap();
    assert_eq!(text.pages.len(), 1);
    let page = &text.pages[0];
    let scaled = document(
        &[(
            &[(
                "raw:",
                0.0,
                0.0,
                0.0,
                "q 2 0 0 2 0 0 cm BT /F1 5 Tf 36 350 Td (Opening) Tj ET Q\n",
            )],
            &[],
        )],
        None,
    );
    let scaled = extract(&scaled).unwrap();
    assert_eq!(
        scaled.pages[0].words[0].size, 10.0,
        "5-point text drawn at twice the scale"
    );
    assert_eq!(
        (page.number, page.width, page.height, page.ocr),
        (1, 612.0, 792.0, false)
    );
    let texts: Vec<_> = page.words.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(texts, ["Opening", "balance"]);
    let opening = &page.words[0];
    // Helvetica widths (AFM): O 778 p 556 e 556 n 556 i 222 n 556 g 556 = 3780/1000 em.
    assert!(near(opening.x0, 72.0, 0.01), "{opening:?}");
    assert!(near(opening.x1, 72.0 + 37.80, 0.01), "{opening:?}");
    // The baseline is 92 points below the top; the box spans ascender to descender.
    assert!(
        opening.y0 < 92.0 - 6.0 && opening.y0 > 92.0 - 10.5,
        "{opening:?}"
    );
    assert!(
        opening.y1 > 92.0 + 1.0 && opening.y1 < 92.0 + 3.5,
        "{opening:?}"
    );
    assert_eq!(opening.size, 10.0);
    assert_eq!(opening.confidence, None);
    let font = opening.font.expect("a font");
    assert_eq!(text.fonts[usize::from(font)], "Helvetica");
    // "Opening " is 3780 + 278 (space) units: the next word starts 40.58 points in.
    assert!(
        near(page.words[1].x0, 72.0 + 40.58, 0.01),
        "{:?}",
        page.words[1]
    );
    assert_eq!(page.words[1].y0, opening.y0);
}

#[test]
fn columns_without_space_characters_are_separate_words_on_the_same_line() {
    let pdf = document(
        &[(
            &[
                ("F1", 9.0, 50.0, 600.0, "03/01/2024"),
                ("F1", 9.0, 110.0, 600.0, "Salary"),
                ("F2", 9.0, 400.0, 600.0, "2,500.00"),
                ("F1", 9.0, 50.0, 588.0, "04/01/2024"),
            ],
            &[],
        )],
        None,
    );
    let text = extract(&pdf).unwrap();
    let words = &text.pages[0].words;
    let texts: Vec<_> = words.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(texts, ["03/01/2024", "Salary", "2,500.00", "04/01/2024"]);
    let amount = find(words, "2,500.00");
    assert!(near(amount.x0, 400.0, 0.01));
    // Courier: 8 glyphs of 600 units at 9 points.
    assert!(near(amount.x1, 400.0 + 43.2, 0.01), "{amount:?}");
    assert_eq!(text.fonts[usize::from(amount.font.unwrap())], "Courier");
    let date = find(words, "03/01/2024");
    assert!(
        amount.y0 < date.y1 && date.y0 < amount.y1,
        "same line: {amount:?} {date:?}"
    );
    let next = find(words, "04/01/2024");
    assert!(
        near(next.y0 - date.y0, 12.0, 0.01),
        "one line lower: {next:?}"
    );
}

#[test]
fn pages_come_in_order_with_their_own_words_and_fonts() {
    let pdf = document(
        &[
            (&[("F1", 10.0, 72.0, 700.0, "first")], &[]),
            (&[("F3", 12.0, 72.0, 700.0, "second")], &[]),
            (&[], &[]),
        ],
        None,
    );
    let text = extract(&pdf).unwrap();
    let summary: Vec<_> = text
        .pages
        .iter()
        .map(|p| {
            (
                p.number,
                p.words.iter().map(|w| w.text.clone()).collect::<Vec<_>>(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (1, vec!["first".to_owned()]),
            (2, vec!["second".to_owned()]),
            (3, vec![])
        ]
    );
    assert_eq!(text.pages[1].words[0].size, 12.0);
    assert_eq!(
        text.forensics.fonts_per_page,
        [
            vec!["Helvetica".to_owned()],
            vec!["Helvetica-Bold".to_owned()],
            vec![]
        ]
    );
    assert_eq!(text.forensics.pages, 3);
}

#[test]
fn a_page_box_away_from_the_origin_and_a_rotated_page_read_as_displayed() {
    let runs: &[Run] = &[("F1", 10.0, 72.0, 700.0, "Top")];
    let shifted = document_with(&[(runs, &[])], None, "/MediaBox [0 100 612 892]");
    let text = extract(&shifted).unwrap();
    let word = &text.pages[0].words[0];
    assert_eq!(text.pages[0].height, 792.0);
    // 892 - 700 = 192 points from the top to the baseline.
    assert!(word.y0 > 182.0 && word.y0 < 192.0, "{word:?}");

    // A landscape page made by turning a portrait one: /Rotate 90, text drawn running up the
    // page so that it reads left to right once turned.
    let up: &[Run] = &[(
        "raw:",
        0.0,
        0.0,
        0.0,
        "BT /F1 10 Tf 0 1 -1 0 100 72 Tm (Top line) Tj ET\n",
    )];
    let rotated = document_with(&[(up, &[])], None, "/Rotate 90 /MediaBox [0 0 612 792]");
    let text = extract(&rotated).unwrap();
    let page = &text.pages[0];
    assert_eq!((page.width, page.height), (792.0, 612.0));
    let texts: Vec<_> = page.words.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(texts, ["Top", "line"]);
    let word = &page.words[0];
    assert_eq!(word.size, 10.0, "the size survives the rotation");
    // Helvetica "Top" = 611 + 556 + 556 units; the baseline is 100 points from the top.
    assert!(
        near(word.x0, 72.0, 0.01) && near(word.x1, 72.0 + 17.23, 0.01),
        "{word:?}"
    );
    assert!(
        word.y0 > 90.0 && word.y0 < 94.0 && word.y1 > 101.0 && word.y1 < 103.5,
        "{word:?}"
    );
}

#[test]
fn the_engine_is_shared_and_safe_to_use_from_many_threads() {
    let pdf = document(&[(&[("F1", 10.0, 72.0, 700.0, "Same text")], &[])], None);
    let expected = extract(&pdf).unwrap();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4).map(|_| s.spawn(|| extract(&pdf).unwrap())).collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), expected);
        }
    });
    let a = crate::support::engine();
    let b = ledgerlens_pdf::PdfiumEngine::load(Some(std::path::Path::new("/nonexistent"))).unwrap();
    assert!(std::sync::Arc::ptr_eq(&a, &b), "bound once per process");
}
