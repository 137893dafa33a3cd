//! Where the time of reading a text PDF goes, per synthetic layout, against `pdftotext -layout`.
//!
//! For each layout of `ledgerlens_synth::pdf` it renders a statement of about 60 rows a page
//! (as `ledgerlens bench pdf` does), writes it to the temporary directory, then reports the
//! median over ROUNDS of: the product engine's `extract` alone (`TextPdfEngine`: the native
//! extractor, pdfium behind it), `PdfiumEngine::extract` for comparison, the layout reader on
//! the extracted words, forensics on those words, the whole `read_document`, and
//! `pdftotext -layout FILE -` (a process, so its figure includes process start).
//!
//! `taskset -c 0 cargo run --release -p ledgerlens-pdf --example read_breakdown -- [PAGES] [ROUNDS] [LAYOUT|all] [extract|whole|layout|floor|corpus|cpu]`

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a measuring tool")]
#![allow(clippy::cast_precision_loss, reason = "timings")]

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use ledgerlens_ingest::pdf::{PdfEngine, PdfLimits};
use ledgerlens_ingest::{ReadOptions, read_document};
use ledgerlens_pdf::forensics::{self, DocumentFacts, PageFacts};
use ledgerlens_pdf::words::BuiltWord;
use ledgerlens_pdf::{PdfiumEngine, TextPdfEngine};
use ledgerlens_synth::pdf::{Layout, RenderOptions, render, sample_statement};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn time<T>(rounds: usize, mut f: impl FnMut() -> T) -> f64 {
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let started = Instant::now();
        std::hint::black_box(f());
        times.push(started.elapsed().as_secs_f64());
    }
    median(times)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let pages: usize = args.next().map_or(10, |a| a.parse().expect("pages"));
    let rounds: usize = args.next().map_or(7, |a| a.parse().expect("rounds"));
    let only = args.next().filter(|o| o != "all");
    // `extract` or `whole`: only that step, `ROUNDS` times (for a profiler).
    let mode = args.next();
    if mode.as_deref() == Some("corpus") {
        // PDFs for comparing two builds' `ledgerlens parse` output: every layout, several sizes
        // and seeds, one with a forged odd-font amount.
        let dir = std::env::temp_dir().join("ll-read-corpus");
        std::fs::create_dir_all(&dir).expect("temp dir");
        for layout in Layout::ALL {
            for (seed, rows, odd) in [(1, 25, None), (7, 200, Some(3)), (11, 700, None)] {
                let statement = sample_statement(layout, seed, rows);
                let options = RenderOptions {
                    odd_font_row: odd,
                    ..RenderOptions::default()
                };
                let pdf = render(&statement, layout, &options);
                let path = dir.join(format!("{}-{seed}-{rows}.pdf", layout.name()));
                std::fs::write(path, pdf).expect("write");
            }
        }
        return;
    }
    if mode.as_deref() == Some("floor") {
        floor(pages, rounds, only.as_deref());
        return;
    }
    if mode.as_deref() == Some("cpu") {
        cpu(pages, rounds, only.as_deref());
        return;
    }
    let pdfium = PdfiumEngine::load(None).expect("libpdfium (run scripts/ensure-pdfium)");
    let engine = Arc::new(TextPdfEngine::new(pdfium.clone()));
    let options = ReadOptions {
        pdf_engine: Some(engine.clone() as Arc<dyn PdfEngine>),
        ..ReadOptions::default()
    };
    let limits = PdfLimits::default();
    let dir = std::env::temp_dir().join("ll-read-breakdown");
    std::fs::create_dir_all(&dir).expect("temp dir");
    println!(
        "{:<11} {:>5} {:>6}  {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}  {:>7} {:>7}",
        "layout",
        "pages",
        "words",
        "extract",
        "pdfium",
        "layout",
        "forensic",
        "whole",
        "pdftotxt",
        "ours/s",
        "ratio"
    );
    for layout in Layout::ALL {
        if only.as_deref().is_some_and(|o| o != layout.name()) {
            continue;
        }
        let statement = sample_statement(layout, 7, pages.saturating_mul(60).max(60));
        let pdf = render(&statement, layout, &RenderOptions::default());
        let path = dir.join(format!("{}.pdf", layout.name()));
        std::fs::write(&path, &pdf).expect("write");
        match mode.as_deref() {
            Some("extract") => {
                time(rounds, || {
                    engine.extract(&pdf, None, &limits).expect("extract")
                });
                continue;
            }
            Some("whole") => {
                time(rounds, || {
                    read_document("bench.pdf", &pdf, &options).expect("read")
                });
                continue;
            }
            _ => {}
        }
        let text = engine.extract(&pdf, None, &limits).expect("extract");
        if mode.as_deref() == Some("layout") {
            time(rounds, || {
                ledgerlens_ingest::pdf::layout::read(text.clone()).expect("layout")
            });
            continue;
        }
        let n = text.pages.len();
        let words: usize = text.pages.iter().map(|p| p.words.len()).sum();
        let t_extract = time(rounds, || {
            engine.extract(&pdf, None, &limits).expect("extract")
        });
        let t_pdfium = time(rounds, || {
            pdfium.extract(&pdf, None, &limits).expect("extract")
        });
        let t_layout = time(rounds, || {
            ledgerlens_ingest::pdf::layout::read(text.clone()).expect("layout")
        });
        // Forensics on the extracted words (the engine's own call also has the mixed-font flags;
        // the work is the same).
        let facts: Vec<PageFacts> = text
            .pages
            .iter()
            .map(|p| PageFacts {
                number: p.number,
                area: p.width * p.height,
                words: p
                    .words
                    .iter()
                    .map(|w| BuiltWord {
                        word: w.clone(),
                        mixed_fonts: false,
                    })
                    .collect(),
                ..PageFacts::default()
            })
            .collect();
        let t_forensics = time(rounds, || {
            forensics::assess(&pdf, DocumentFacts::default(), &facts, &text.fonts)
        });
        let t_whole = time(rounds, || {
            read_document("bench.pdf", &pdf, &options).expect("read")
        });
        let t_pdftotext = time(rounds, || {
            Command::new("pdftotext")
                .arg("-layout")
                .arg(&path)
                .arg("-")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("pdftotext")
        });
        let ms = |t: f64| t * 1000.0;
        println!(
            "{:<11} {n:>5} {words:>6}  {:>7.2}ms {:>7.2}ms {:>7.2}ms {:>7.2}ms {:>7.2}ms {:>7.2}ms  {:>7.0} {:>6.2}×",
            layout.name(),
            ms(t_extract),
            ms(t_pdfium),
            ms(t_layout),
            ms(t_forensics),
            ms(t_whole),
            ms(t_pdftotext),
            n as f64 / t_whole,
            t_pdftotext / t_whole
        );
    }
}

/// The least any pdfium-based reader pays: open the document, and for each page load it and its
/// text page (where pdfium places the characters), then close both. Binds pdfium itself, so it
/// runs instead of the engine's measurements.
fn floor(pages: usize, rounds: usize, only: Option<&str>) {
    use pdfium_render::prelude::*;
    let home = std::env::var("HOME").expect("HOME");
    let library = std::path::Path::new(&home).join(ledgerlens_pdf::CACHED_LIBRARY);
    let pdfium = Pdfium::new(Pdfium::bind_to_library(&library).expect("libpdfium"));
    println!(
        "CPU time per run, mean of {rounds}\n{:<11} {:>5}  {:>9} {:>9} {:>9} {:>9}",
        "layout", "pages", "load", "+text", "+chars", "pdftotxt"
    );
    let dir = std::env::temp_dir().join("ll-read-breakdown");
    std::fs::create_dir_all(&dir).expect("temp dir");
    for layout in Layout::ALL {
        if only.is_some_and(|o| o != layout.name()) {
            continue;
        }
        let statement = sample_statement(layout, 7, pages.saturating_mul(60).max(60));
        let pdf = render(&statement, layout, &RenderOptions::default());
        // CPU time of this thread, mean per run (see `thread_cpu`), and pdftotext's for the
        // same file.
        let run = |text: bool, chars: bool| {
            cpu_mean(rounds, || {
                let document = pdfium.load_pdf_from_byte_slice(&pdf, None).expect("open");
                let mut n = 0usize;
                for page in document.pages().iter() {
                    if text {
                        let t = page.text().expect("text");
                        if chars {
                            for ch in t.chars().iter() {
                                n += usize::from(ch.unicode_char().is_some());
                            }
                        }
                    }
                }
                n
            })
        };
        let n = pdfium
            .load_pdf_from_byte_slice(&pdf, None)
            .expect("open")
            .pages()
            .len();
        let path = dir.join(format!("{}.pdf", layout.name()));
        std::fs::write(&path, &pdf).expect("write");
        let ms = |t: f64| t * 1000.0;
        println!(
            "{:<11} {n:>5}  {:>7.1}ms {:>7.1}ms {:>7.1}ms {:>7.1}ms",
            layout.name(),
            ms(run(false, false)),
            ms(run(true, false)),
            ms(run(true, true)),
            ms(pdftotext_cpu(&path, rounds))
        );
    }
}

/// CPU time of this thread so far, in seconds (the scheduler's nanosecond count): unlike wall
/// time, it does not grow while other processes hold the core.
fn thread_cpu() -> f64 {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").expect("schedstat");
    let ns: f64 = text
        .split_whitespace()
        .next()
        .and_then(|v| v.parse().ok())
        .expect("run time");
    ns / 1e9
}

/// CPU time of the reaped children so far (user + system), in seconds: `/proc/self/stat`
/// counts it in clock ticks (100 a second on Linux).
fn children_cpu() -> f64 {
    let text = std::fs::read_to_string("/proc/self/stat").expect("stat");
    // Fields after the command name (which may hold spaces) start at the state, field 3.
    let rest = text.rsplit_once(')').map(|(_, r)| r).expect("stat fields");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .expect("ticks")
    };
    // cutime and cstime are fields 16 and 17: indices 13 and 14 counting from field 3.
    (ticks(13) + ticks(14)) / 100.0
}

/// Mean CPU seconds per run of ours (extract, layout, whole) and of `pdftotext -layout`.
fn cpu(pages: usize, rounds: usize, only: Option<&str>) {
    let pdfium = PdfiumEngine::load(None).expect("libpdfium (run scripts/ensure-pdfium)");
    let engine = Arc::new(TextPdfEngine::new(pdfium.clone()));
    let options = ReadOptions {
        pdf_engine: Some(engine.clone() as Arc<dyn PdfEngine>),
        ..ReadOptions::default()
    };
    let limits = PdfLimits::default();
    let dir = std::env::temp_dir().join("ll-read-breakdown");
    std::fs::create_dir_all(&dir).expect("temp dir");
    println!(
        "CPU time per run, mean of {rounds}\n{:<11} {:>5}  {:>9} {:>9} {:>9} {:>9}  {:>7} {:>7}",
        "layout", "pages", "extract", "layout", "whole", "pdftotxt", "ours/s", "ratio"
    );
    for layout in Layout::ALL {
        if only.is_some_and(|o| o != layout.name()) {
            continue;
        }
        let statement = sample_statement(layout, 7, pages.saturating_mul(60).max(60));
        let pdf = render(&statement, layout, &RenderOptions::default());
        let path = dir.join(format!("{}.pdf", layout.name()));
        std::fs::write(&path, &pdf).expect("write");
        let text = engine.extract(&pdf, None, &limits).expect("extract");
        let n = text.pages.len();
        let t_extract = cpu_mean(rounds, || {
            engine.extract(&pdf, None, &limits).expect("extract")
        });
        let t_layout = cpu_mean(rounds, || {
            ledgerlens_ingest::pdf::layout::read(text.clone()).expect("layout")
        });
        let t_whole = cpu_mean(rounds, || {
            read_document("bench.pdf", &pdf, &options).expect("read")
        });
        let t_pdftotext = pdftotext_cpu(&path, rounds);
        let ms = |t: f64| t * 1000.0;
        println!(
            "{:<11} {n:>5}  {:>7.1}ms {:>7.1}ms {:>7.1}ms {:>7.1}ms  {:>7.0} {:>6.2}×",
            layout.name(),
            ms(t_extract),
            ms(t_layout),
            ms(t_whole),
            ms(t_pdftotext),
            n as f64 / t_whole,
            t_pdftotext / t_whole
        );
    }
}

/// Mean CPU seconds of `f` over `rounds` runs, after one untimed run.
fn cpu_mean<T>(rounds: usize, mut f: impl FnMut() -> T) -> f64 {
    std::hint::black_box(f());
    let start = thread_cpu();
    for _ in 0..rounds {
        std::hint::black_box(f());
    }
    (thread_cpu() - start) / rounds as f64
}

/// Mean CPU seconds (user + system) of `pdftotext -layout FILE -`, process start included.
fn pdftotext_cpu(path: &std::path::Path, rounds: usize) -> f64 {
    let start = children_cpu();
    for _ in 0..rounds {
        Command::new("pdftotext")
            .arg("-layout")
            .arg(path)
            .arg("-")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("pdftotext");
    }
    (children_cpu() - start) / rounds as f64
}
