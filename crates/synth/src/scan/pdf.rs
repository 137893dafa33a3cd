//! Image-only PDFs: what a scanner's "scan to PDF" writes. There is no text layer, so a reader
//! that finds no text must fall back to OCR; these files are how that path gets tested.

use sha2::{Digest, Sha256};

use super::{Gray, jpeg};
use crate::pdf::writer::{Objects, literal, num};

/// How a page's picture is stored.
#[derive(Clone, Copy)]
enum Encoding {
    /// Lossless, as office scanners do for text documents.
    Flate,
    /// JPEG at this quality, as phones and most multifunction printers' defaults do.
    Jpeg(u8),
}

/// One page per image, each losslessly compressed and drawn over the whole page, whose size
/// follows from the pixel count and `dpi` (300 dpi A4 gives 595.2 x 841.92 points).
pub fn image_pdf(pages: &[Gray], dpi: u32) -> Vec<u8> {
    assemble(pages, dpi, Encoding::Flate)
}

/// As [`image_pdf`], with each page stored as a baseline JPEG (`/DCTDecode`): most scanned
/// statements in the wild are this, with JPEG's block artefacts around every glyph.
pub fn jpeg_pdf(pages: &[Gray], dpi: u32, quality: u8) -> Vec<u8> {
    assemble(pages, dpi, Encoding::Jpeg(quality))
}

fn assemble(pages: &[Gray], dpi: u32, encoding: Encoding) -> Vec<u8> {
    let dpi = dpi.max(1);
    let mut objects = Objects::new(None, true);
    // Fixed numbering: 1 catalog, 2 page tree, then a page, its image and its contents each.
    let catalog = objects.plain("<< /Type /Catalog /Pages 2 0 R >>");
    let kids: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", 3 + 3 * i))
        .collect();
    objects.plain(&format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        kids.join(" "),
        pages.len()
    ));
    // The file identifier follows from the content, so the same scan gives the same bytes.
    let mut id = Sha256::new();
    id.update(dpi.to_be_bytes());
    for page in pages {
        let page = page.fitted();
        let (width, height) = (points(page.width, dpi), points(page.height, dpi));
        let number = objects.next_number();
        objects.plain(&format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] \
             /Resources << /XObject << /Im0 {} 0 R >> /ProcSet [/PDF /ImageB] >> \
             /Contents {} 0 R >>",
            number + 1,
            number + 2
        ));
        let entries = format!(
            " /Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceGray \
             /BitsPerComponent 8",
            page.width, page.height
        );
        id.update(page.width.to_be_bytes());
        id.update(page.height.to_be_bytes());
        id.update(&page.pixels);
        match encoding {
            Encoding::Flate => objects.stream_with(&entries, &page.pixels),
            Encoding::Jpeg(quality) => {
                id.update([quality]);
                let body = jpeg(&page, dpi, quality);
                objects.raw_stream(&format!(" /Filter /DCTDecode{entries}"), body)
            }
        };
        let content = format!("q {width} 0 0 {height} 0 0 cm /Im0 Do Q\n");
        objects.stream_with("", content.as_bytes());
    }
    let info = objects.plain(&format!(
        "<< /Producer {} >>",
        literal(b"ledgerlens-synth scanner")
    ));
    let digest = id.finalize();
    let id: [u8; 16] = std::array::from_fn(|i| digest.get(i).copied().unwrap_or(0));
    objects.finish(catalog, info, &id, None)
}

/// Pixels at `dpi` as PDF points (1/72 inch).
fn points(pixels: u32, dpi: u32) -> String {
    num((f64::from(pixels) * 72.0 / f64::from(dpi)) as f32)
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn a_300_dpi_a4_scan_gets_an_a4_media_box() {
        assert_eq!(points(2480, 300), "595.2");
        assert_eq!(points(3508, 300), "841.92");
        let page = Gray::new(2, 3, vec![0, 50, 100, 150, 200, 250]).unwrap();
        let pdf = String::from_utf8_lossy(&image_pdf(&[page], 72)).into_owned();
        assert!(pdf.contains("/MediaBox [0 0 2 3]"), "{pdf}");
        assert!(pdf.contains("/Width 2 /Height 3 /ColorSpace /DeviceGray /BitsPerComponent 8"));
        assert!(pdf.contains("/Producer (ledgerlens-synth scanner)"));
    }

    #[test]
    fn the_same_pages_give_the_same_bytes() {
        let page = Gray::new(8, 8, vec![90; 64]).unwrap();
        let other = Gray::new(8, 8, vec![91; 64]).unwrap();
        let one = image_pdf(std::slice::from_ref(&page), 150);
        assert_eq!(one, image_pdf(std::slice::from_ref(&page), 150));
        assert_ne!(one, image_pdf(&[other], 150));
    }
}
