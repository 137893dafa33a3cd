//! `ledgerlens synth`: statements with a known truth, as text PDFs in bank-like layouts,
//! encrypted, or scanned and photographed — test data for the PDF and OCR readers, and for
//! anyone evaluating ledgerlens without real customer files.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use ledgerlens_core::{Document, Format, Statement};
use ledgerlens_ingest::pdf::{PdfEngine, PdfLimits, Raster};
use ledgerlens_pdf::PdfiumEngine;
use ledgerlens_synth::pdf::{Cipher, Encryption, Layout, RenderOptions, render, sample_statement};
use ledgerlens_synth::scan::{Gray, ScanOptions, degrade, image_pdf, jpeg, png};

use crate::input::InputError;
use crate::output;

/// Layouts by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LayoutArg {
    /// Every layout in turn.
    All,
    /// Nigerian retail bank (debit/credit columns, 05-Jan-2024).
    Ng,
    /// Nigerian core-banking printout in Courier, narration last.
    NgCourier,
    /// UK bank, dates without a year, CR/DR balances, across a year end.
    Uk,
    /// French bank, decimal comma, signed amounts.
    Fr,
    /// US bank, parentheses, wrapped descriptions.
    Us,
}

impl LayoutArg {
    fn layouts(self) -> Vec<Layout> {
        match self {
            LayoutArg::All => Layout::ALL.to_vec(),
            LayoutArg::Ng => vec![Layout::Nigerian],
            LayoutArg::NgCourier => vec![Layout::NigerianCourier],
            LayoutArg::Uk => vec![Layout::Uk],
            LayoutArg::Fr => vec![Layout::French],
            LayoutArg::Us => vec![Layout::Us],
        }
    }
}

/// Password protection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CipherArg {
    /// RC4, 128-bit key.
    Rc4,
    /// AES-128.
    Aes128,
    /// AES-256.
    Aes256,
}

/// What a scan is saved as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImageArg {
    /// An image-only PDF, one scanned page per page (what "scan to PDF" makes).
    Pdf,
    /// One PNG per page.
    Png,
    /// One JPEG per page (a phone photo).
    Jpeg,
}

/// Arguments of `synth`.
#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Folder to write into (created if missing).
    #[arg(long, short)]
    pub out: PathBuf,
    /// Statements per layout.
    #[arg(long, default_value_t = 1)]
    pub count: u64,
    /// Layout.
    #[arg(long, value_enum, default_value = "all")]
    pub layout: LayoutArg,
    /// Transactions per statement.
    #[arg(long, default_value_t = 60)]
    pub transactions: usize,
    /// First seed; statement i uses seed + i.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Encrypt the text PDFs with this cipher (needs --password).
    #[arg(long, value_enum, requires = "password")]
    pub encrypt: Option<CipherArg>,
    /// Password of encrypted PDFs.
    #[arg(long)]
    pub password: Option<String>,
    /// Rasterise at this resolution (dpi) as a scan instead of writing a text PDF.
    #[arg(long)]
    pub scan: Option<u32>,
    /// Container of scans.
    #[arg(long, value_enum, default_value = "pdf")]
    pub image: ImageArg,
    /// Skew of scans, degrees.
    #[arg(long, default_value_t = 0.7, allow_negative_numbers = true)]
    pub rotate: f32,
    /// Sensor noise of scans, grey levels (standard deviation).
    #[arg(long, default_value_t = 6.0)]
    pub noise: f32,
    /// Instead of a layout: a persona with labelled transactions (salaried-consumer,
    /// gig-worker, gambler, multi-lender-borrower, sme-employer, west-african-clinic, student,
    /// pensioner, or `all`). Writes NAME.xml (camt.053, with the holder's name) and
    /// NAME.truth.csv (category, counterparty, channel, salary, loan, lender, gambling,
    /// internal transfer and recurrence of every row).
    #[arg(long)]
    pub persona: Option<String>,
    /// The persona's country (NG, GH, KE, CI, SN, FR, DE, GB, US, IN, ZA, or `all`).
    #[arg(long, default_value = "NG")]
    pub country: String,
    /// Months of activity per persona.
    #[arg(long, default_value_t = 6)]
    pub months: u32,
    /// Which half of the persona names and narration templates to draw from
    /// (`all`, `authoring`, `holdout`).
    #[arg(long, default_value = "all")]
    pub vocabulary: String,
}

/// Writes labelled persona ledgers (see [`SynthArgs::persona`]).
fn write_personas(args: &SynthArgs, kind: &str) -> Result<()> {
    use ledgerlens_synth::persona::{
        COUNTRIES, PersonaKind, PersonaOptions, Vocabulary, persona, write_truth_csv,
    };
    let kinds: Vec<PersonaKind> = if kind.eq_ignore_ascii_case("all") {
        PersonaKind::ALL.to_vec()
    } else {
        vec![
            kind.parse::<PersonaKind>()
                .map_err(|_| bad("--persona", format!("unknown persona {kind:?}")))?,
        ]
    };
    let countries: Vec<String> = if args.country.eq_ignore_ascii_case("all") {
        COUNTRIES.iter().map(|c| (*c).to_owned()).collect()
    } else {
        let code = args.country.trim().to_ascii_uppercase();
        if !COUNTRIES.contains(&code.as_str()) {
            return Err(bad("--country", format!("one of {}", COUNTRIES.join(", "))));
        }
        vec![code]
    };
    let vocabulary: Vocabulary = args
        .vocabulary
        .parse()
        .map_err(|_| bad("--vocabulary", "all, authoring or holdout".to_owned()))?;
    if !(1..=60).contains(&args.months) {
        return Err(bad("--months", "between 1 and 60".to_owned()));
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    for kind in kinds {
        for country in &countries {
            for index in 0..args.count {
                let labeled = persona(&PersonaOptions {
                    kind,
                    country: country.clone(),
                    seed: args.seed + index,
                    months: args.months,
                    vocabulary,
                    ..PersonaOptions::default()
                });
                let name = format!("{kind}-{}-{}", country.to_ascii_lowercase(), index + 1);
                let bytes = ledgerlens_synth::write(
                    ledgerlens_synth::OutputFormat::Camt053,
                    &labeled.statement,
                );
                write(&args.out.join(format!("{name}.xml")), &bytes)?;
                let mut truth = Vec::new();
                write_truth_csv(&labeled, &mut truth)?;
                write(&args.out.join(format!("{name}.truth.csv")), &truth)?;
            }
        }
    }
    Ok(())
}

/// Most files one call writes.
const MAX_STATEMENTS: u64 = 10_000;

/// Runs `synth`.
pub fn run(args: &SynthArgs) -> Result<()> {
    if let Some(kind) = &args.persona {
        if args.count > MAX_STATEMENTS {
            return Err(bad("--count", format!("at most {MAX_STATEMENTS}")));
        }
        return write_personas(args, kind);
    }
    if args.count > MAX_STATEMENTS || args.transactions > 100_000 {
        return Err(bad(
            "--count",
            format!("at most {MAX_STATEMENTS} statements of 100 000 transactions"),
        ));
    }
    if let Some(dpi) = args.scan
        && !(72..=600).contains(&dpi)
    {
        return Err(bad(
            "--scan",
            "a resolution between 72 and 600 dpi".to_owned(),
        ));
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let engine = match args.scan {
        Some(_) => Some(PdfiumEngine::load(None).map_err(|e| bad("--scan", e.to_string()))?),
        None => None,
    };
    let mut written = 0usize;
    for layout in args.layout.layouts() {
        for i in 0..args.count {
            let seed = args.seed.wrapping_add(i);
            let statement = sample_statement(layout, seed, args.transactions);
            let name = format!("{}-{seed}", layout.name());
            let options = RenderOptions {
                seed,
                encryption: args.encrypt.map(|c| Encryption {
                    cipher: match c {
                        CipherArg::Rc4 => Cipher::Rc4_128,
                        CipherArg::Aes128 => Cipher::Aes128,
                        CipherArg::Aes256 => Cipher::Aes256,
                    },
                    user_password: args.password.clone().unwrap_or_default(),
                    owner_password: String::new(),
                }),
                ..RenderOptions::default()
            };
            let pdf = render(&statement, layout, &options);
            match (args.scan, &engine) {
                (Some(dpi), Some(engine)) => {
                    let scan = ScanOptions {
                        seed,
                        rotation_degrees: args.rotate,
                        noise: args.noise,
                        ..ScanOptions::default()
                    };
                    let pages =
                        scan_pages(engine.as_ref(), &pdf, args.password.as_deref(), dpi, &scan)?;
                    written += write_scans(&args.out, &name, &pages, dpi, args.image)?;
                }
                _ => {
                    write(&args.out.join(format!("{name}.pdf")), &pdf)?;
                    written += 1;
                }
            }
            write_truth(
                &args.out.join(format!("{name}.truth.csv")),
                &name,
                statement,
            )?;
        }
    }
    eprintln!(
        "ledgerlens: wrote {written} file(s) and their .truth.csv ledgers to {}",
        args.out.display()
    );
    Ok(())
}

/// Draws every page of a PDF at `dpi` and degrades it as a scanner would.
pub fn scan_pages(
    engine: &dyn PdfEngine,
    pdf: &[u8],
    password: Option<&str>,
    dpi: u32,
    options: &ScanOptions,
) -> Result<Vec<Gray>> {
    let count = engine
        .extract(pdf, password, &PdfLimits::default())
        .map_err(|e| anyhow::anyhow!("reading the generated PDF: {e}"))?
        .pages
        .len();
    let numbers: Vec<u32> = (1..=u32::try_from(count).unwrap_or(0)).collect();
    let mut pages = Vec::with_capacity(count);
    #[allow(clippy::cast_precision_loss)]
    let dpi_f = dpi as f32;
    engine
        .render(
            pdf,
            password,
            &numbers,
            dpi_f,
            &mut |number, raster: Raster| {
                let page =
                    Gray::new(raster.width, raster.height, raster.pixels).ok_or_else(|| {
                        ledgerlens_ingest::IngestError::malformed(
                            Format::Pdf,
                            Some(format!("page {number}")),
                            "the drawn page has an impossible size",
                        )
                    })?;
                let options = ScanOptions {
                    seed: options
                        .seed
                        .wrapping_mul(1_000)
                        .wrapping_add(u64::from(number)),
                    ..options.clone()
                };
                pages.push(degrade(&page, &options));
                Ok(())
            },
        )
        .map_err(|e| anyhow::anyhow!("drawing the generated PDF: {e}"))?;
    Ok(pages)
}

fn write_scans(dir: &Path, name: &str, pages: &[Gray], dpi: u32, kind: ImageArg) -> Result<usize> {
    match kind {
        ImageArg::Pdf => {
            write(
                &dir.join(format!("{name}.scan.pdf")),
                &image_pdf(pages, dpi),
            )?;
            Ok(1)
        }
        ImageArg::Png | ImageArg::Jpeg => {
            for (i, page) in pages.iter().enumerate() {
                let (bytes, ext) = match kind {
                    ImageArg::Png => (png(page, dpi), "png"),
                    _ => (jpeg(page, dpi, 85), "jpg"),
                };
                write(&dir.join(format!("{name}.page{}.{ext}", i + 1)), &bytes)?;
            }
            Ok(pages.len())
        }
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

/// The ledger the file was drawn from, in `parse --output csv`'s shape, so a reading can be
/// compared with `diff`.
fn write_truth(path: &Path, name: &str, statement: Statement) -> Result<()> {
    let document = Document {
        file: name.to_owned(),
        format: Format::Pdf,
        sha256: String::new(),
        statements: vec![statement],
        warnings: Vec::new(),
        forensics: None,
    };
    let documents = [document];
    let enricher = ledgerlens_enrich::Enricher::builtin()?;
    let enrichments = output::enrich_all(&enricher, &documents, None, None);
    let mut out = Vec::new();
    output::write_csv(
        &mut out,
        &documents,
        None,
        &enrichments,
        ledgerlens_core::view::ViewOptions {
            reveal_account: true,
        },
    )?;
    write(path, &out)
}

fn bad(file: &str, message: String) -> anyhow::Error {
    InputError {
        file: file.to_owned(),
        code: "bad_argument",
        message,
    }
    .into()
}
