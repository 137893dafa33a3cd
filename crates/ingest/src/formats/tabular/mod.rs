//! Reading a grid of text cells as a statement: the logic CSV and Excel share.
//!
//! A bank export is a table with an optional preamble (account lines), one header row, data rows
//! and sometimes summary rows. The header is found by scoring rows against a multilingual
//! vocabulary ([`vocab`]); the preamble is mined for labelled account facts ([`preamble`]); the
//! locale choices that one row cannot settle (decimal mark, day/month order) are decided over the
//! whole column; then every row becomes a transaction ([`rows`]).

pub mod columns;
pub mod infer;
pub mod preamble;
pub mod rows;
pub mod vocab;

use ledgerlens_core::Format;

use crate::{IngestError, Parsed, ReadOptions};

/// Most rows searched for the header; a preamble longer than this is not a preamble.
pub const MAX_HEADER_SCAN: usize = 60;

/// One row of the grid.
#[derive(Clone, Debug, Default)]
pub struct Row {
    /// Cell texts, trimmed by the reader only as the format demands.
    pub cells: Vec<String>,
    /// Cells that were typed numbers in the source (Excel), whose text is already canonical and
    /// must not be re-read with a locale's decimal mark. Empty for text formats.
    pub numeric: Vec<bool>,
    /// 1-based line where the row starts, for text formats.
    pub line: Option<u32>,
    /// 1-based row of the sheet (Excel) or record index (CSV), for messages.
    pub number: u32,
}

impl Row {
    /// The cell at `index`, or "" when the row is short.
    pub fn cell(&self, index: usize) -> &str {
        self.cells.get(index).map_or("", |c| c.trim())
    }

    /// True when the cell was a typed number.
    pub fn is_numeric(&self, index: usize) -> bool {
        self.numeric.get(index).copied().unwrap_or(false)
    }

    /// True when every cell is empty.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }

    /// "line 12" for text formats, "row 12" for sheets.
    pub fn location(&self) -> String {
        match self.line {
            Some(line) => format!("line {line}"),
            None => format!("row {}", self.number),
        }
    }
}

/// A grid read from one file (or one sheet).
#[derive(Clone, Debug)]
pub struct Table {
    /// The format being read, for errors.
    pub format: Format,
    /// All rows in source order.
    pub rows: Vec<Row>,
}

/// True when some row in the first [`MAX_HEADER_SCAN`] reads as a statement header, or, with no
/// header, the content alone shows a date and an amount column ([`infer`]).
pub fn has_header(rows: &[Row]) -> bool {
    columns::find_header(rows).is_some() || infer::infer(rows).is_some()
}

/// Reads a table into statements.
pub fn interpret(table: &Table, options: &ReadOptions) -> Result<Parsed, IngestError> {
    let Some((header_index, mut columns)) = columns::find_header(&table.rows) else {
        // Header-less exports: every row is data and the roles come from the values.
        if let Some(columns) = infer::infer(&table.rows) {
            let mut parsed = rows::read(
                table.format,
                &Row::default(),
                &columns,
                preamble::Meta::default(),
                &table.rows,
                options,
            )?;
            parsed
                .warnings
                .push("no header row: column roles inferred from their values".to_owned());
            return Ok(parsed);
        }
        return Err(IngestError::malformed(
            table.format,
            None,
            format!(
                "no header row with a date column and an amount column in the first {MAX_HEADER_SCAN} rows"
            ),
        ));
    };
    let (preamble_rows, rest) = table.rows.split_at(header_index.min(table.rows.len()));
    let data = rest.get(1..).unwrap_or_default();
    let header = rest.first().cloned().unwrap_or_default();
    columns.refine(&header, data);
    let meta = preamble::harvest(preamble_rows);
    rows::read(table.format, &header, &columns, meta, data, options)
}

#[cfg(test)]
mod tests {
    use ledgerlens_core::Amount;

    use super::*;

    fn table(lines: &[&str], sep: char) -> Table {
        let rows = lines
            .iter()
            .enumerate()
            .map(|(i, l)| Row {
                cells: l.split(sep).map(str::to_owned).collect(),
                numeric: Vec::new(),
                line: u32::try_from(i + 1).ok(),
                number: u32::try_from(i + 1).unwrap_or(0),
            })
            .collect();
        Table {
            format: Format::Csv,
            rows,
        }
    }

    fn amounts(parsed: &Parsed) -> Vec<String> {
        parsed
            .statements
            .iter()
            .flat_map(|s| s.transactions.iter().map(|t| t.amount.to_string()))
            .collect()
    }

    #[test]
    fn a_preamble_is_skipped_and_its_labelled_facts_kept() {
        let t = table(
            &[
                "Kontoinhaber;ADA OBI",
                "IBAN;DE89 3704 0044 0532 0130 00",
                "Anfangssaldo;1.000,00",
                "",
                "Buchungstag;Verwendungszweck;Betrag;Saldo",
                "02.01.2024;Miete;-500,00;500,00",
                "03.01.2024;Gehalt;1.234,56;1.734,56",
            ],
            ';',
        );
        let parsed = interpret(&t, &ReadOptions::default()).unwrap();
        let s = &parsed.statements[0];
        assert_eq!(s.account.holder.as_deref(), Some("ADA OBI"));
        assert_eq!(
            s.account
                .iban
                .as_ref()
                .map(|i| i.reveal().to_owned())
                .as_deref(),
            Some("DE89370400440532013000")
        );
        assert_eq!(s.opening_balance, Some(Amount::parse("1000.00").unwrap()));
        assert_eq!(amounts(&parsed), ["-500.00", "1234.56"]);
        assert_eq!(s.transactions[1].provenance.line, Some(7));
        assert_eq!(s.transactions[1].provenance.row, Some(2));
    }

    #[test]
    fn debit_and_credit_columns_give_signed_amounts_whichever_way_debits_are_written() {
        let t = table(
            &[
                "Date,Details,Debit,Credit",
                "2024-01-02,A,50.00,",
                "2024-01-03,B,,20.00",
                "2024-01-04,C,-7.00,",
            ],
            ',',
        );
        let parsed = interpret(&t, &ReadOptions::default()).unwrap();
        assert_eq!(amounts(&parsed), ["-50.00", "20.00", "7.00"]);
        let t = table(
            &[
                "Date,Details,Debit,Credit",
                "2024-01-02,A,-50.00,",
                "2024-01-03,B,,20.00",
            ],
            ',',
        );
        assert_eq!(
            amounts(&interpret(&t, &ReadOptions::default()).unwrap()),
            ["-50.00", "20.00"]
        );
    }

    #[test]
    fn a_marker_column_signs_the_amount() {
        let t = table(
            &[
                "Datum;Omschrijving;Af Bij;Bedrag (EUR)",
                "20200213;Kosten;Af;1,25",
                "20200214;Terug;Bij;20,00",
            ],
            ';',
        );
        let parsed = interpret(&t, &ReadOptions::default()).unwrap();
        assert_eq!(amounts(&parsed), ["-1.25", "20.00"]);
        assert_eq!(parsed.statements[0].currency.code(), "EUR");
    }

    #[test]
    fn summary_rows_become_balances_with_a_warning() {
        let t = table(
            &[
                "Date,Description,Amount",
                "01/02/2024,A,-1.50",
                "13/02/2024,B,2.00",
                "Closing balance,,10.50",
                "Total,,0.50",
            ],
            ',',
        );
        let parsed = interpret(&t, &ReadOptions::default()).unwrap();
        assert_eq!(
            parsed.statements[0].closing_balance,
            Some(Amount::parse("10.50").unwrap())
        );
        assert_eq!(
            parsed.statements[0].transactions[1].date.to_string(),
            "2024-02-13"
        );
        assert!(
            parsed.warnings.iter().any(|w| w.contains("line 4")),
            "{:?}",
            parsed.warnings
        );
        assert!(
            parsed.warnings.iter().any(|w| w.contains("line 5")),
            "{:?}",
            parsed.warnings
        );
    }

    #[test]
    fn an_account_column_splits_the_file_into_statements() {
        let t = table(
            &[
                "Date,Account,Amount,Description",
                "2024-01-01,111,1,a",
                "2024-01-01,222,2,b",
                "2024-01-02,111,3,c",
            ],
            ',',
        );
        let parsed = interpret(&t, &ReadOptions::default()).unwrap();
        assert_eq!(parsed.statements.len(), 2);
        assert_eq!(parsed.statements[0].transactions.len(), 2);
        assert_eq!(
            parsed.statements[1]
                .account
                .number
                .as_ref()
                .map(|n| n.reveal().to_owned())
                .as_deref(),
            Some("222")
        );
    }

    #[test]
    fn an_unreadable_amount_is_a_located_error() {
        let t = table(
            &[
                "Date,Description,Amount",
                "2024-01-01,a,12.00",
                "2024-01-02,b,twelve",
            ],
            ',',
        );
        let err = interpret(&t, &ReadOptions::default()).unwrap_err();
        assert_eq!(err.code(), "malformed_file");
        assert!(err.to_string().contains("line 3"), "{err}");
    }

    #[test]
    fn a_table_without_a_statement_header_is_refused() {
        let t = table(&["a,b,c", "1,2,3"], ',');
        assert_eq!(
            interpret(&t, &ReadOptions::default()).unwrap_err().code(),
            "malformed_file"
        );
    }
}
