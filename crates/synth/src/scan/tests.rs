//! Whole-file checks through independent readers: qpdf for structure, poppler for the images.
//! Poppler decodes the JPEG pages with libjpeg, which is what proves the hand-written encoder.
//! Tests that need a tool print SKIPPED and pass when it is absent.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;

fn tool(name: &str) -> bool {
    let found = Command::new("which")
        .arg(name)
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("SKIPPED: `{name}` is not installed (apt-get install -y qpdf poppler-utils)");
    }
    found
}

fn temp(name: &str, bytes: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("ll-scan-{}-{name}.pdf", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A statement-like page: white, with dark "text lines" of varying length and a table rule.
/// 237 x 318 so that neither side is a multiple of JPEG's 8-pixel blocks.
fn page() -> Gray {
    let (width, height) = (237u32, 318u32);
    let pixels = (0..width * height)
        .map(|i| {
            let (x, y) = (i % width, i / width);
            let line = y / 12;
            let in_text = y % 12 < 7 && x > 15 && x < 60 + (line * 37) % 160;
            let rule = y == 200 || y == 201;
            if in_text && (x / 3) % 3 != 0 || rule {
                25
            } else {
                250
            }
        })
        .collect();
    Gray::new(width, height, pixels).unwrap()
}

/// `pdfimages -list`, one row of columns per image (the two header lines dropped).
fn image_list(path: &Path) -> Vec<Vec<String>> {
    let output = Command::new("pdfimages")
        .arg("-list")
        .arg(path)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .skip(2)
        .map(|line| line.split_whitespace().map(str::to_owned).collect())
        .collect()
}

/// Every image of the file as `pdfimages` decodes it (JPEG included), as (width, height,
/// pixels). Poppler writes grey images as PGM or, in some versions, as RGB PPM.
fn extracted(path: &Path) -> Vec<(u32, u32, Vec<u8>)> {
    let prefix = path.with_extension("");
    let status = Command::new("pdfimages")
        .arg(path)
        .arg(&prefix)
        .status()
        .unwrap();
    assert!(status.success());
    let mut images = Vec::new();
    for n in 0.. {
        let name = |ext: &str| PathBuf::from(format!("{}-{n:03}.{ext}", prefix.display()));
        let (file, bytes) = match (std::fs::read(name("pgm")), std::fs::read(name("ppm"))) {
            (Ok(bytes), _) => (name("pgm"), bytes),
            (_, Ok(bytes)) => (name("ppm"), bytes),
            _ => break,
        };
        std::fs::remove_file(&file).unwrap();
        // "P5|P6 <width> <height> 255" and one byte of whitespace, then the pixels.
        let mut fields = Vec::new();
        let mut at = 0;
        while fields.len() < 4 {
            let start = at;
            while !bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            fields.push(String::from_utf8(bytes[start..at].to_vec()).unwrap());
            at += 1;
        }
        assert_eq!(fields[3], "255");
        let (w, h) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
        let pixels = match fields[0].as_str() {
            "P5" => bytes[at..].to_vec(),
            "P6" => bytes[at..]
                .chunks(3)
                .map(|rgb| {
                    assert!(rgb[0] == rgb[1] && rgb[1] == rgb[2], "not grey: {rgb:?}");
                    rgb[0]
                })
                .collect(),
            other => panic!("{other}"),
        };
        images.push((w, h, pixels));
    }
    images
}

fn mean_difference(a: &[u8], b: &[u8]) -> f64 {
    assert_eq!(a.len(), b.len());
    let total: u64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    total as f64 / a.len() as f64
}

#[test]
fn the_image_pdf_passes_qpdf_check() {
    if !tool("qpdf") {
        return;
    }
    let scanned = degrade(&page(), &ScanOptions::default());
    for (name, pdf) in [
        ("check-flate", image_pdf(&[page(), scanned.clone()], 150)),
        ("check-jpeg", jpeg_pdf(&[page(), scanned], 150, 85)),
    ] {
        let path = temp(name, &pdf);
        let output = Command::new("qpdf")
            .arg("--check")
            .arg(&path)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{name}: {output:?}");
        assert!(
            stdout.contains("No syntax or stream encoding errors"),
            "{name}: {stdout}"
        );
        std::fs::remove_file(path).unwrap();
    }
}

#[test]
fn pdfimages_lists_one_grey_image_per_page_at_the_scan_resolution() {
    if !tool("pdfimages") {
        return;
    }
    for (name, pdf, encoding) in [
        ("list-flate", image_pdf(&[page(), page()], 150), "image"),
        ("list-jpeg", jpeg_pdf(&[page(), page()], 150, 90), "jpeg"),
    ] {
        let path = temp(name, &pdf);
        let rows = image_list(&path);
        assert_eq!(rows.len(), 2, "{name}: {rows:?}");
        for (n, row) in rows.iter().enumerate() {
            // page num type width height color comp bpc enc interp object ID x-ppi y-ppi ...
            let expected = [(n + 1).to_string(), n.to_string(), "image".into()];
            assert_eq!(row[..3], expected, "{name}");
            assert_eq!(
                row[3..9],
                ["237", "318", "gray", "1", "8", encoding],
                "{name}"
            );
            assert_eq!(row[12..14], ["150", "150"], "{name}");
        }
        std::fs::remove_file(path).unwrap();
    }
}

#[test]
fn pdfimages_extracts_each_page_with_its_size_and_pixels() {
    if !tool("pdfimages") {
        return;
    }
    let original = page();
    let scanned = degrade(&original, &ScanOptions::default());
    let path = temp(
        "extract-flate",
        &image_pdf(&[original.clone(), scanned.clone()], 150),
    );
    let images = extracted(&path);
    assert_eq!(images.len(), 2);
    for ((w, h, pixels), source) in images.iter().zip([&original, &scanned]) {
        assert_eq!((*w, *h), (source.width, source.height));
        assert!(
            *pixels == source.pixels,
            "a lossless page came back different"
        );
    }
    std::fs::remove_file(path).unwrap();

    // A broken JPEG stream decodes to garbage or not at all; a sound one is close.
    for (quality, limit) in [(90, 3.0), (50, 6.0)] {
        let path = temp(
            "extract-jpeg",
            &jpeg_pdf(&[original.clone(), scanned.clone()], 150, quality),
        );
        let images = extracted(&path);
        assert_eq!(images.len(), 2);
        for ((w, h, pixels), source) in images.iter().zip([&original, &scanned]) {
            assert_eq!((*w, *h), (source.width, source.height));
            let difference = mean_difference(pixels, &source.pixels);
            eprintln!("quality {quality}: mean difference {difference:.2}");
            assert!(
                difference < limit,
                "quality {quality}: off by {difference} on average"
            );
        }
        std::fs::remove_file(path).unwrap();
    }
}
