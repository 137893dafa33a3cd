//! Signals in the document information dictionary: which software wrote the file, and when.
//!
//! Banks produce statements with report generators (core banking systems, JasperReports, iText,
//! wkhtmltopdf, ...). A statement whose Producer or Creator names a PDF editor or a design tool
//! has passed through a human's hands. The tools are data ([`TOOLS`]), so adding one is a line.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta};
use ledgerlens_core::{Finding, Severity};

/// How a tool's name in the metadata should be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToolKind {
    /// A PDF editor (online or desktop): its name means the file was opened and saved by a person.
    Editor,
    /// A design or image tool: banks do not typeset statements with these.
    Design,
    /// Software that legitimately creates PDFs too, so it only counts as editing when it saved a
    /// file that a *different* application created (e.g. Adobe Acrobat Pro re-saving a core
    /// banking report).
    EditorWhenNotCreator,
}

/// A known tool: a lower-case fragment of its Producer/Creator string, and how to read it.
#[derive(Clone, Copy, Debug)]
pub struct Tool {
    /// Lower-case fragment matched anywhere in the Producer or Creator.
    pub pattern: &'static str,
    /// The name to show an analyst.
    pub name: &'static str,
    /// How the match is interpreted.
    pub kind: ToolKind,
}

const fn tool(pattern: &'static str, name: &'static str, kind: ToolKind) -> Tool {
    Tool {
        pattern,
        name,
        kind,
    }
}

/// Tools whose presence in the metadata is a forensic signal. Patterns are lower case and
/// specific enough not to match creation pipelines (`Acrobat Distiller`, `Acrobat PDFMaker` and
/// `Adobe PDF Library` are how banks' own tools write PDFs; `Adobe Acrobat Pro` is a person).
pub const TOOLS: &[Tool] = &[
    tool("ilovepdf", "iLovePDF", ToolKind::Editor),
    tool("pdfescape", "PDFescape", ToolKind::Editor),
    tool("sejda", "Sejda", ToolKind::Editor),
    tool("smallpdf", "Smallpdf", ToolKind::Editor),
    tool("pdffiller", "pdfFiller", ToolKind::Editor),
    tool("pdfsimpli", "PDFSimpli", ToolKind::Editor),
    tool("dochub", "DocHub", ToolKind::Editor),
    tool("docfly", "DocFly", ToolKind::Editor),
    tool("pdfcandy", "PDF Candy", ToolKind::Editor),
    tool("pdf candy", "PDF Candy", ToolKind::Editor),
    tool("soda pdf", "Soda PDF", ToolKind::Editor),
    tool("pdf2go", "PDF2Go", ToolKind::Editor),
    tool("lightpdf", "LightPDF", ToolKind::Editor),
    tool("pdf-xchange editor", "PDF-XChange Editor", ToolKind::Editor),
    tool("foxit phantompdf", "Foxit PhantomPDF", ToolKind::Editor),
    tool("foxit pdf editor", "Foxit PDF Editor", ToolKind::Editor),
    tool("pdfelement", "Wondershare PDFelement", ToolKind::Editor),
    tool("master pdf editor", "Master PDF Editor", ToolKind::Editor),
    tool("photoshop", "Adobe Photoshop", ToolKind::Design),
    tool("illustrator", "Adobe Illustrator", ToolKind::Design),
    tool("canva", "Canva", ToolKind::Design),
    tool("inkscape", "Inkscape", ToolKind::Design),
    tool("gimp", "GIMP", ToolKind::Design),
    tool(
        "adobe acrobat",
        "Adobe Acrobat",
        ToolKind::EditorWhenNotCreator,
    ),
    tool("nitro pro", "Nitro Pro", ToolKind::EditorWhenNotCreator),
    tool("nitro pdf", "Nitro PDF", ToolKind::EditorWhenNotCreator),
    tool("pdf24", "PDF24", ToolKind::EditorWhenNotCreator),
];

/// The first known tool named in `text`.
fn known_tool(text: &str) -> Option<&'static Tool> {
    let lower = text.to_lowercase();
    TOOLS.iter().find(|t| lower.contains(t.pattern))
}

/// `producer_editor`: the Producer or Creator names an editing or design tool.
pub fn producer_editor(producer: Option<&str>, creator: Option<&str>) -> Option<Finding> {
    let producer_tool = producer.and_then(known_tool);
    let creator_tool = creator.and_then(known_tool);
    let (tool, field, value) = match (producer_tool, creator_tool) {
        (Some(t), _) => (t, "Producer", producer.unwrap_or_default()),
        (None, Some(t)) => (t, "Creator", creator.unwrap_or_default()),
        (None, None) => return None,
    };
    // Another application than the tool made the original: the tool saved someone else's file.
    let other_creator = creator
        .filter(|c| !c.trim().is_empty() && !c.to_lowercase().contains(tool.pattern))
        .filter(|_| field == "Producer");
    let (severity, reason) = match (tool.kind, other_creator) {
        (ToolKind::EditorWhenNotCreator, None) => return None,
        (ToolKind::EditorWhenNotCreator, Some(original)) => (
            Severity::Warning,
            format!(
                "the file was created by \"{original}\" and then saved again in {} ({field} \
                 \"{value}\"): a bank's statement is not normally re-saved in an editor",
                tool.name
            ),
        ),
        (ToolKind::Editor, Some(original)) => (
            Severity::Critical,
            format!(
                "the file was created by \"{original}\" and then saved by the PDF editor {} \
                 ({field} \"{value}\")",
                tool.name
            ),
        ),
        (ToolKind::Editor, None) => (
            Severity::Warning,
            format!(
                "the file was written by the PDF editor {} ({field} \"{value}\"), not by a \
                 bank's statement generator",
                tool.name
            ),
        ),
        (ToolKind::Design, _) => (
            Severity::Critical,
            format!(
                "the file was made with the design tool {} ({field} \"{value}\"); banks do \
                 not produce statements with design software",
                tool.name
            ),
        ),
    };
    Some(Finding {
        code: "producer_editor".to_owned(),
        severity,
        reason,
        page: None,
    })
}

/// How long after creation a modification date becomes a signal. Generators that post-process
/// (stamp, sign, compress) do so within minutes; a day later is a different session.
const MODIFIED_AFTER: TimeDelta = TimeDelta::hours(24);

/// `modified_after_creation`: ModDate well after CreationDate (or contradicting it).
pub fn modified_after_creation(created: Option<&str>, modified: Option<&str>) -> Option<Finding> {
    let (created_text, modified_text) = (created?, modified?);
    let (c, m) = (
        parse_pdf_date(created_text)?,
        parse_pdf_date(modified_text)?,
    );
    let delta = m.signed_duration_since(c);
    let (severity, reason) = if delta > MODIFIED_AFTER {
        (
            Severity::Warning,
            format!(
                "the file was modified {} after it was created (created {}, modified {})",
                describe(delta),
                c.format("%Y-%m-%d %H:%M"),
                m.format("%Y-%m-%d %H:%M")
            ),
        )
    } else if -delta > TimeDelta::hours(1) {
        (
            Severity::Info,
            format!(
                "the modification date ({}) is before the creation date ({}): the dates were \
                 written by hand or by a tool with a wrong clock",
                m.format("%Y-%m-%d %H:%M"),
                c.format("%Y-%m-%d %H:%M")
            ),
        )
    } else {
        return None;
    };
    Some(Finding {
        code: "modified_after_creation".to_owned(),
        severity,
        reason,
        page: None,
    })
}

fn describe(delta: TimeDelta) -> String {
    let days = delta.num_days();
    if days >= 2 {
        format!("{days} days")
    } else {
        format!("{} hours", delta.num_hours())
    }
}

/// Parses a PDF date string, `D:YYYYMMDDHHmmSSOHH'mm'`, every part after the year optional
/// (PDF 32000-1 §7.9.4). Lenient about the `D:` prefix and the apostrophes; no offset is UTC.
pub fn parse_pdf_date(text: &str) -> Option<DateTime<FixedOffset>> {
    let s = text.trim();
    let s = s.strip_prefix("D:").unwrap_or(s);
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    let rest = s.get(digits.len()..).unwrap_or("");
    let field = |from: usize, len: usize, default: u32| -> Option<u32> {
        match digits.get(from..from + len) {
            Some(part) => part.parse().ok(),
            None if digits.len() <= from => Some(default),
            None => None,
        }
    };
    let year = i32::try_from(field(0, 4, 0)?).ok()?;
    if digits.len() < 4 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(year, field(4, 2, 1)?, field(6, 2, 1)?)?;
    let time = date.and_hms_opt(field(8, 2, 0)?, field(10, 2, 0)?, field(12, 2, 0)?)?;
    let offset = parse_offset(rest).unwrap_or(FixedOffset::east_opt(0)?);
    time.and_local_timezone(offset).single()
}

fn parse_offset(rest: &str) -> Option<FixedOffset> {
    let mut chars = rest.chars();
    let sign = match chars.next()? {
        '+' => 1,
        '-' => -1,
        _ => return None,
    };
    let digits: String = chars.filter(char::is_ascii_digit).take(4).collect();
    let hours: i32 = digits.get(..2)?.parse().ok()?;
    let minutes: i32 = digits.get(2..4).and_then(|m| m.parse().ok()).unwrap_or(0);
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates_parse_with_offsets_partial_fields_and_no_prefix() {
        let full = parse_pdf_date("D:20241105093000+01'00'").unwrap();
        assert_eq!(full.to_rfc3339(), "2024-11-05T09:30:00+01:00");
        let zulu = parse_pdf_date("D:20241105093000Z").unwrap();
        assert_eq!(zulu.to_rfc3339(), "2024-11-05T09:30:00+00:00");
        let day_only = parse_pdf_date("20241105").unwrap();
        assert_eq!(day_only.to_rfc3339(), "2024-11-05T00:00:00+00:00");
        let west = parse_pdf_date("D:20240101120000-05'30").unwrap();
        assert_eq!(west.to_rfc3339(), "2024-01-01T12:00:00-05:30");
    }

    #[test]
    fn impossible_or_empty_pdf_dates_are_none() {
        assert_eq!(parse_pdf_date("D:20241305"), None);
        assert_eq!(parse_pdf_date("yesterday"), None);
        assert_eq!(parse_pdf_date("D:202"), None);
        assert_eq!(parse_pdf_date(""), None);
    }

    #[test]
    fn a_modification_days_after_creation_is_a_warning_that_gives_both_dates() {
        let f =
            modified_after_creation(Some("D:20241101080000Z"), Some("D:20241120170000Z")).unwrap();
        assert_eq!(f.code, "modified_after_creation");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.reason.contains("19 days"), "{}", f.reason);
        assert!(f.reason.contains("2024-11-01 08:00"), "{}", f.reason);
    }

    #[test]
    fn post_processing_minutes_later_or_equal_dates_are_not_signals() {
        assert_eq!(
            modified_after_creation(Some("D:20241101080000Z"), Some("D:20241101080500Z")),
            None
        );
        assert_eq!(
            modified_after_creation(Some("D:20241101080000Z"), Some("D:20241101080000Z")),
            None
        );
        assert_eq!(
            modified_after_creation(None, Some("D:20241101080000Z")),
            None
        );
    }

    #[test]
    fn the_same_instant_in_two_time_zones_is_not_a_modification() {
        assert_eq!(
            modified_after_creation(Some("D:20241101080000Z"), Some("D:20241101100000+02'00'")),
            None
        );
    }

    #[test]
    fn an_online_editor_over_a_bank_generator_is_critical() {
        let f = producer_editor(Some("iLovePDF"), Some("Temenos T24 Report Engine")).unwrap();
        assert_eq!(f.severity, Severity::Critical);
        assert!(f.reason.contains("Temenos T24"), "{}", f.reason);
        assert!(f.reason.contains("iLovePDF"), "{}", f.reason);
    }

    #[test]
    fn an_editor_alone_is_a_warning() {
        let f = producer_editor(Some("Sejda Desktop 7.0"), None).unwrap();
        assert_eq!(f.severity, Severity::Warning);
        let f = producer_editor(Some("iText 5"), Some("Foxit PhantomPDF 9")).unwrap();
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.reason.contains("Creator"), "{}", f.reason);
    }

    #[test]
    fn acrobat_counts_only_when_it_resaved_another_applications_file() {
        let f = producer_editor(
            Some("Adobe Acrobat Pro DC 20.12.20048"),
            Some("Oracle FLEXCUBE"),
        )
        .unwrap();
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(producer_editor(Some("Adobe Acrobat Pro DC"), None), None);
        assert_eq!(
            producer_editor(Some("Adobe Acrobat Pro DC"), Some("Adobe Acrobat Pro DC")),
            None
        );
        assert_eq!(
            producer_editor(Some("Acrobat Distiller 10.1"), Some("PScript5.dll")),
            None
        );
    }

    #[test]
    fn design_tools_are_critical_and_bank_generators_are_silent() {
        let f = producer_editor(Some("Canva"), None).unwrap();
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(
            producer_editor(Some("iText 7.1 (AGPL)"), Some("JasperReports Library")),
            None
        );
        assert_eq!(producer_editor(None, None), None);
    }
}
