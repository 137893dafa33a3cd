#![allow(dead_code)]
//! Test support: the engine (provisioned on demand), hand-written PDFs, corpus access.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Once};

use ledgerlens_ingest::IngestError;
use ledgerlens_ingest::pdf::PdfEngine;
use ledgerlens_ingest::pdf::{PdfLimits, PdfText};
use ledgerlens_pdf::PdfiumEngine;

/// The engine. The test command (`scripts/test` → `scripts/ensure-system-deps`) provisions
/// libpdfium; when it has not run, the tests run `scripts/ensure-pdfium` once themselves, and
/// fail with instructions if the library still cannot be loaded.
pub fn engine() -> Arc<PdfiumEngine> {
    static PROVISION: Once = Once::new();
    if let Ok(engine) = PdfiumEngine::load(None) {
        return engine;
    }
    PROVISION.call_once(|| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/ensure-pdfium");
        let status = std::process::Command::new("bash").arg(&script).status();
        eprintln!("ran {}: {status:?}", script.display());
    });
    match PdfiumEngine::load(None) {
        Ok(engine) => engine,
        Err(e) => panic!(
            "these tests need libpdfium: {e}. Install it with scripts/ensure-pdfium (downloads \
             the pypdfium2 wheel from PyPI into ~/.cache/ledgerlens/pdfium/), or point \
             LEDGERLENS_PDFIUM at a libpdfium.so"
        ),
    }
}

/// Extracts with default limits and no password.
pub fn extract(bytes: &[u8]) -> Result<PdfText, IngestError> {
    engine().extract(bytes, None, &PdfLimits::default())
}

/// A minimal PDF writer for tests: numbered objects, a correct cross-reference table.
#[derive(Debug, Default)]
pub struct PdfBuilder {
    objects: Vec<Vec<u8>>,
}

impl PdfBuilder {
    /// Adds an object (its body, without `n 0 obj`), returning its number.
    pub fn add(&mut self, body: impl Into<Vec<u8>>) -> usize {
        self.objects.push(body.into());
        self.objects.len()
    }

    /// Adds a stream object.
    pub fn stream(&mut self, dict: &str, data: &[u8]) -> usize {
        let mut body = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(b"\nendstream");
        self.add(body)
    }

    /// Serialises with the given catalog object and optional Info object.
    pub fn finish(&self, root: usize, info: Option<usize>) -> Vec<u8> {
        let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in self.objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes(),
        );
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        let info = info.map(|i| format!(" /Info {i} 0 R")).unwrap_or_default();
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root {root} 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n",
                self.objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }
}

/// One text run: font resource name, size, x, y (PDF space), text. A font of `raw:` writes the
/// text into the content stream as it is (for text matrices the runs cannot express).
pub type Run<'a> = (&'a str, f32, f32, f32, &'a str);

/// Image placements of a page: x, y, width, height in PDF space.
pub type Images<'a> = &'a [(f32, f32, f32, f32)];

/// A page: its runs and its images.
pub type PageSpec<'a> = (&'a [Run<'a>], Images<'a>);

/// Object number of the first page's content stream in [`document`] (page k: `+ 2k`).
pub const FIRST_CONTENT: usize = 9;

/// A letter-size document of pages, each a list of runs and images (x, y, w, h in PDF space).
/// Fonts: F1 Helvetica, F2 Courier, F3 Helvetica-Bold, F4 a Type 3 font with made-up glyph names
/// and no ToUnicode map (every code draws a box), as generators without Unicode maps write.
pub fn document(pages: &[PageSpec], info: Option<&str>) -> Vec<u8> {
    document_with(pages, info, "/MediaBox [0 0 612 792]")
}

/// [`document`] with other page geometry entries (`/MediaBox`, `/Rotate`) for every page.
pub fn document_with(pages: &[PageSpec], info: Option<&str>, geometry: &str) -> Vec<u8> {
    let mut b = PdfBuilder::default();
    let catalog = b.add("<< /Type /Catalog /Pages 2 0 R >>");
    let pages_obj = b.add(Vec::new()); // filled below, once the kids are known
    let f1 =
        b.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
    let f2 =
        b.add("<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>");
    let f3 = b.add(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    );
    let glyph = b.stream("", b"600 0 0 0 500 700 d1 0 0 500 700 re f");
    let names: String = (1..=60).map(|i| format!("/q{i} ")).collect();
    let f4 = b.add(format!(
        "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 600 700] /FontMatrix [0.001 0 0 0.001 0 0] \
         /CharProcs << {} >> /Encoding << /Type /Encoding /Differences [1 {names}] >> \
         /FirstChar 1 /LastChar 60 /Widths [{}] /Resources << >> >>",
        (1..=60)
            .map(|i| format!("/q{i} {glyph} 0 R "))
            .collect::<String>(),
        "600 ".repeat(60)
    ));
    let image = b.stream(
        "/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8",
        b"\xff",
    );
    assert_eq!((f4, image), (7, 8), "FIRST_CONTENT depends on this layout");
    let mut kids = Vec::new();
    for (runs, images) in pages {
        let mut content = String::new();
        for (x, y, w, h) in *images {
            content.push_str(&format!("q {w} 0 0 {h} {x} {y} cm /Im1 Do Q\n"));
        }
        for (font, size, x, y, text) in *runs {
            let escaped = text
                .replace('\\', "\\\\")
                .replace('(', "\\(")
                .replace(')', "\\)");
            match font.strip_prefix("raw:") {
                // A run whose font is `raw:` is content-stream text, written as is.
                Some(_) => content.push_str(text),
                None => content.push_str(&format!(
                    "BT /{font} {size} Tf {x} {y} Td ({escaped}) Tj ET\n"
                )),
            }
        }
        let stream = b.stream("", content.as_bytes());
        let page = b.add(format!(
            "<< /Type /Page /Parent {pages_obj} 0 R {geometry} /Contents {stream} 0 R \
             /Resources << /Font << /F1 {f1} 0 R /F2 {f2} 0 R /F3 {f3} 0 R /F4 {f4} 0 R >> \
             /XObject << /Im1 {image} 0 R >> >> >>"
        ));
        kids.push(format!("{page} 0 R"));
    }
    b.objects[pages_obj - 1] = format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        kids.join(" "),
        kids.len()
    )
    .into_bytes();
    let info = info.map(|i| b.add(i.to_owned()));
    b.finish(catalog, info)
}

/// Appends an incremental update replacing object `number` with a stream of `content`, as an
/// editor saving "incrementally" does.
pub fn append_revision(pdf: &[u8], number: usize, content: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(pdf);
    let at = text.rfind("startxref").expect("a startxref");
    let prev: usize = text[at + 9..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let size: usize = {
        let s = text.rfind("/Size ").unwrap();
        text[s + 6..]
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let root = {
        let r = text.rfind("/Root ").unwrap();
        text[r + 6..].split_whitespace().next().unwrap().to_owned()
    };
    let mut out = pdf.to_vec();
    let offset = out.len();
    out.extend_from_slice(
        format!(
            "{number} 0 obj\n<< /Length {} >>\nstream\n{content}\nendstream\nendobj\n",
            content.len()
        )
        .as_bytes(),
    );
    let xref = out.len();
    out.extend_from_slice(
        format!(
            "xref\n0 1\n0000000000 65535 f \n{number} 1\n{offset:010} 00000 n \ntrailer\n\
             << /Size {size} /Root {root} 0 R /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n"
        )
        .as_bytes(),
    );
    out
}

/// A corpus file, or `None` after saying plainly that the corpus is absent.
pub fn corpus_file(relative: &str) -> Option<PathBuf> {
    let root = std::env::var_os("LEDGERLENS_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"));
    if !root.is_dir() {
        eprintln!(
            "SKIPPED: the external corpus (../shared/corpus) is absent; {relative} not checked"
        );
        return None;
    }
    let path = root.join(relative);
    assert!(path.is_file(), "corpus file missing: {}", path.display());
    Some(path)
}

/// The bytes of a corpus file, or `None` when the corpus is absent.
pub fn corpus_bytes(relative: &str) -> Option<Vec<u8>> {
    corpus_file(relative).map(|p| std::fs::read(p).expect("corpus file readable"))
}
