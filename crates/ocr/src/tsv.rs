//! Tesseract's TSV output: one row per page, block, paragraph, line and word.

use ledgerlens_ingest::pdf::{OcrImage, OcrWord};

/// Parses tesseract's TSV (header row, then `level page block par line word left top width
/// height conf text`). The page row gives the image size; word rows (level 5) with text give
/// the words. `None` when the header is not tesseract's.
pub fn parse_tsv(tsv: &str) -> Option<OcrImage> {
    let mut lines = tsv.lines();
    let header = lines.next()?;
    if !header.starts_with("level\tpage_num") {
        return None;
    }
    let mut image = OcrImage::default();
    for row in lines {
        let mut f = row.splitn(12, '\t');
        let mut num = || f.next().and_then(|v| v.trim().parse::<i64>().ok());
        let (Some(level), Some(_page), Some(block), Some(par), Some(line), Some(_word)) =
            (num(), num(), num(), num(), num(), num())
        else {
            continue;
        };
        let (Some(left), Some(top), Some(width), Some(height)) = (num(), num(), num(), num())
        else {
            continue;
        };
        let confidence = f.next().and_then(|v| v.trim().parse::<f32>().ok());
        let text = f.next().unwrap_or("").trim();
        match level {
            1 => {
                image.width = u32::try_from(width).unwrap_or(0);
                image.height = u32::try_from(height).unwrap_or(0);
            }
            5 if !text.is_empty() => {
                let key = |v: i64| u64::try_from(v).unwrap_or(0) & 0xFFFF;
                image.words.push(OcrWord {
                    text: text.to_owned(),
                    left: left as f32,
                    top: top as f32,
                    width: width as f32,
                    height: height as f32,
                    confidence: confidence.map_or(0.0, |c| (c / 100.0).clamp(0.0, 1.0)),
                    line: key(block) << 32 | key(par) << 16 | key(line),
                });
            }
            _ => {}
        }
    }
    Some(image)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_lines_and_page_size_are_read() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t1653\t2339\t-1\t\n\
                   4\t1\t1\t1\t1\t0\t111\t79\t338\t23\t-1\t\n\
                   5\t1\t1\t1\t1\t1\t111\t79\t113\t23\t96.5\tThames\n\
                   5\t1\t1\t1\t1\t2\t236\t79\t127\t23\t80\t1,234.56\n\
                   5\t1\t2\t1\t1\t1\t236\t179\t127\t23\t-1\t \n";
        let image = parse_tsv(tsv).unwrap();
        assert_eq!((image.width, image.height), (1653, 2339));
        assert_eq!(image.words.len(), 2);
        let w = &image.words[1];
        assert_eq!(w.text, "1,234.56");
        assert_eq!(
            (w.left, w.top, w.width, w.height),
            (236.0, 79.0, 127.0, 23.0)
        );
        assert!((w.confidence - 0.8).abs() < 1e-6);
        assert_eq!(w.line, image.words[0].line);
    }

    #[test]
    fn other_text_is_refused_and_broken_rows_skipped() {
        assert_eq!(parse_tsv("hello"), None);
        let image = parse_tsv("level\tpage_num\n5\tx\n5\t1\t1\n").unwrap();
        assert!(image.words.is_empty());
    }
}
