//! Header words in the languages our borrowers' banks export in.
//!
//! Headers are compared after folding case and accents and turning punctuation into spaces, so
//! "Libellé", "LIBELLE" and "libelle:" are one word. A header matches a phrase exactly, or starts
//! with the phrase followed by a qualifier ("Amount (EUR)", "Date (MM/DD/YYYY)", "VWZ1"); the
//! exact match and then the longest phrase win, which is what keeps "Amount Currency" (an original
//! amount) from being read as the amount.

use ledgerlens_core::Currency;

use crate::dates::DateOrder;

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Booking date.
    Date,
    /// Value (settlement) date.
    ValueDate,
    /// The transaction's own text.
    Description,
    /// Further free text appended to the description.
    Memo,
    /// Name of the other party.
    Payee,
    /// Account of the other party.
    CounterpartyAccount,
    /// Signed (or marker-signed) amount.
    Amount,
    /// Money out.
    Debit,
    /// Money in.
    Credit,
    /// A debit/credit indicator ("D"/"C", "Af"/"Bij", "DR"/"CR").
    Marker,
    /// Running balance.
    Balance,
    /// Bank reference or cheque number.
    Reference,
    /// Currency of the row.
    Currency,
    /// Amount in the original (foreign) currency.
    OriginalAmount,
    /// The original currency.
    OriginalCurrency,
    /// The account the row belongs to (multi-account exports).
    AccountNumber,
    /// A name for that account ("Checking").
    AccountName,
    /// The bank's own transaction type code.
    BankCode,
}

impl Role {
    /// Roles holding money, whose decimal mark is decided per column.
    pub fn is_money(self) -> bool {
        matches!(
            self,
            Role::Amount | Role::Debit | Role::Credit | Role::Balance | Role::OriginalAmount
        )
    }
}

/// (phrase, role). Phrases are already normalised (see [`normalize`]).
const PHRASES: &[(&str, Role)] = &[
    // Dates: en, fr, de, es, pt, it, nl.
    ("date", Role::Date),
    ("booking date", Role::Date),
    ("book date", Role::Date),
    ("transaction date", Role::Date),
    ("trans date", Role::Date),
    ("txn date", Role::Date),
    ("tran date", Role::Date),
    ("posting date", Role::Date),
    ("posted date", Role::Date),
    ("post date", Role::Date),
    ("run date", Role::Date),
    ("entry date", Role::Date),
    ("journaldate", Role::Date),
    ("journal date", Role::Date),
    ("created", Role::Date),
    ("completed date", Role::Date),
    ("date operation", Role::Date),
    ("date de l operation", Role::Date),
    ("date d operation", Role::Date),
    ("date comptable", Role::Date),
    ("date de comptabilisation", Role::Date),
    ("datum", Role::Date),
    ("buchungstag", Role::Date),
    ("buchungsdatum", Role::Date),
    ("buchung", Role::Date),
    ("fecha", Role::Date),
    ("fecha operacion", Role::Date),
    ("fecha de operacion", Role::Date),
    ("fecha contable", Role::Date),
    ("f operacion", Role::Date),
    ("data", Role::Date),
    ("data operacao", Role::Date),
    ("data da operacao", Role::Date),
    ("data movimento", Role::Date),
    ("data lancamento", Role::Date),
    ("data contabile", Role::Date),
    ("data operazione", Role::Date),
    ("boekdatum", Role::Date),
    ("boekingsdatum", Role::Date),
    ("transactiedatum", Role::Date),
    ("value date", Role::ValueDate),
    ("val date", Role::ValueDate),
    ("value dt", Role::ValueDate),
    ("valuedate", Role::ValueDate),
    ("settlement date", Role::ValueDate),
    ("date de valeur", Role::ValueDate),
    ("date valeur", Role::ValueDate),
    ("wertstellung", Role::ValueDate),
    ("valutadatum", Role::ValueDate),
    ("valuta datum", Role::ValueDate),
    ("wertstellungsdatum", Role::ValueDate),
    ("fecha valor", Role::ValueDate),
    ("f valor", Role::ValueDate),
    ("data valor", Role::ValueDate),
    ("data valuta", Role::ValueDate),
    // Descriptions.
    ("description", Role::Description),
    ("descriptions", Role::Description),
    ("desc", Role::Description),
    ("transaction description", Role::Description),
    ("details", Role::Description),
    ("transaction details", Role::Description),
    ("narration", Role::Description),
    ("narrative", Role::Description),
    ("particulars", Role::Description),
    ("remarks", Role::Description),
    ("label", Role::Description),
    ("text", Role::Description),
    ("purpose", Role::Description),
    ("reason", Role::Description),
    ("libelle", Role::Description),
    ("libelle operation", Role::Description),
    ("libelle de l operation", Role::Description),
    ("intitule", Role::Description),
    ("designation", Role::Description),
    ("nature de l operation", Role::Description),
    ("verwendungszweck", Role::Description),
    ("vwz", Role::Memo),
    ("buchungstext", Role::Description),
    ("beschreibung", Role::Description),
    ("umsatztext", Role::Description),
    ("concepto", Role::Description),
    ("descripcion", Role::Description),
    ("movimiento", Role::Description),
    ("descricao", Role::Description),
    ("historico", Role::Description),
    ("descrizione", Role::Description),
    ("causale", Role::Description),
    ("descrizione operazione", Role::Description),
    ("omschrijving", Role::Description),
    // Printed statements (PDF) name their columns more freely than exports do.
    ("operation", Role::Description),
    ("operations", Role::Description),
    ("trans details", Role::Description),
    ("transaction narration", Role::Description),
    ("naam omschrijving", Role::Description),
    ("memo", Role::Memo),
    ("mededelingen", Role::Memo),
    ("additional description", Role::Memo),
    ("additional details", Role::Memo),
    ("complement", Role::Memo),
    ("informations complementaires", Role::Memo),
    ("detalle", Role::Memo),
    ("observaciones", Role::Memo),
    // Counterparty.
    ("payee", Role::Payee),
    ("payee name", Role::Payee),
    ("payer", Role::Payee),
    ("merchant", Role::Payee),
    ("merchant name", Role::Payee),
    ("beneficiary", Role::Payee),
    ("counterparty", Role::Payee),
    ("counterparty name", Role::Payee),
    ("partner name", Role::Payee),
    ("name", Role::Payee),
    ("tiers", Role::Payee),
    ("beneficiaire", Role::Payee),
    ("auftraggeber empfanger", Role::Payee),
    ("auftraggeber empfaenger", Role::Payee),
    ("empfanger", Role::Payee),
    ("zahlungsempfanger", Role::Payee),
    ("begunstigter zahlungspflichtiger", Role::Payee),
    ("beneficiario", Role::Payee),
    ("tegenrekeninghouder", Role::Payee),
    ("naam tegenpartij", Role::Payee),
    ("counterparty account", Role::CounterpartyAccount),
    ("partner iban", Role::CounterpartyAccount),
    ("bank account", Role::CounterpartyAccount),
    ("tegenrekening", Role::CounterpartyAccount),
    ("tegenrekeningnummer", Role::CounterpartyAccount),
    ("tegenrekening iban", Role::CounterpartyAccount),
    ("iban auftraggeber empfanger", Role::CounterpartyAccount),
    ("kontonummer iban", Role::CounterpartyAccount),
    // Money.
    ("amount", Role::Amount),
    ("amt", Role::Amount),
    ("transaction amount", Role::Amount),
    ("net amount", Role::Amount),
    ("netamount", Role::Amount),
    ("montant", Role::Amount),
    ("montant de l operation", Role::Amount),
    ("betrag", Role::Amount),
    ("umsatz", Role::Amount),
    ("importe", Role::Amount),
    ("valor", Role::Amount),
    ("montante", Role::Amount),
    ("importo", Role::Amount),
    ("bedrag", Role::Amount),
    ("mutatie", Role::Amount),
    ("debit", Role::Debit),
    ("debits", Role::Debit),
    ("debit amount", Role::Debit),
    ("withdrawal", Role::Debit),
    ("withdrawals", Role::Debit),
    ("withdrawal amount", Role::Debit),
    ("money out", Role::Debit),
    ("paid out", Role::Debit),
    ("out", Role::Debit),
    ("debet", Role::Debit),
    ("soll", Role::Debit),
    ("ausgang", Role::Debit),
    ("cargo", Role::Debit),
    ("cargos", Role::Debit),
    ("debito", Role::Debit),
    ("addebito", Role::Debit),
    ("addebiti", Role::Debit),
    ("uscite", Role::Debit),
    ("af", Role::Debit),
    ("uitgaven", Role::Debit),
    ("credit", Role::Credit),
    ("credits", Role::Credit),
    ("credit amount", Role::Credit),
    ("deposit", Role::Credit),
    ("deposits", Role::Credit),
    ("deposit amount", Role::Credit),
    ("money in", Role::Credit),
    ("paid in", Role::Credit),
    ("in", Role::Credit),
    ("haben", Role::Credit),
    ("eingang", Role::Credit),
    ("abono", Role::Credit),
    ("abonos", Role::Credit),
    ("credito", Role::Credit),
    ("accredito", Role::Credit),
    ("accrediti", Role::Credit),
    ("entrate", Role::Credit),
    ("bij", Role::Credit),
    ("inkomsten", Role::Credit),
    ("credit debit", Role::Marker),
    ("debit credit", Role::Marker),
    ("cr dr", Role::Marker),
    ("dr cr", Role::Marker),
    ("d c", Role::Marker),
    ("c d", Role::Marker),
    ("af bij", Role::Marker),
    ("bij af", Role::Marker),
    ("creditdebet", Role::Marker),
    ("debetcredit", Role::Marker),
    ("credit debet", Role::Marker),
    ("debet credit", Role::Marker),
    ("soll haben", Role::Marker),
    ("s h", Role::Marker),
    ("sens", Role::Marker),
    ("debit credit indicator", Role::Marker),
    ("cdtdbtind", Role::Marker),
    ("balance", Role::Balance),
    ("running balance", Role::Balance),
    ("runningbalance", Role::Balance),
    ("current balance", Role::Balance),
    ("ledger balance", Role::Balance),
    ("account balance", Role::Balance),
    ("balance after", Role::Balance),
    ("solde", Role::Balance),
    ("saldo", Role::Balance),
    ("kontostand", Role::Balance),
    ("saldo contabile", Role::Balance),
    ("saldo disponible", Role::Balance),
    ("balans", Role::Balance),
    ("boeksaldo", Role::Balance),
    ("saldo na mutatie", Role::Balance),
    ("amount currency", Role::OriginalAmount),
    ("original amount", Role::OriginalAmount),
    ("foreign amount", Role::OriginalAmount),
    ("original currency", Role::OriginalCurrency),
    ("foreign currency", Role::OriginalCurrency),
    // Reference, currency, account, type.
    ("reference", Role::Reference),
    ("ref", Role::Reference),
    ("reference id", Role::Reference),
    ("reference number", Role::Reference),
    ("transaction id", Role::Reference),
    ("transaction reference", Role::Reference),
    ("id", Role::Reference),
    ("fitid", Role::Reference),
    ("check number", Role::Reference),
    ("checknumber", Role::Reference),
    ("cheque number", Role::Reference),
    ("check", Role::Reference),
    ("num", Role::Reference),
    ("order id", Role::Reference),
    ("n de transaction", Role::Reference),
    ("numero de transaction", Role::Reference),
    ("reference de l operation", Role::Reference),
    ("referenz", Role::Reference),
    ("referencia", Role::Reference),
    ("riferimento", Role::Reference),
    ("referentie", Role::Reference),
    ("kenmerk", Role::Reference),
    ("operation number", Role::Reference),
    ("currency", Role::Currency),
    ("ccy", Role::Currency),
    ("curr", Role::Currency),
    ("currency code", Role::Currency),
    ("devise", Role::Currency),
    ("monnaie", Role::Currency),
    ("monn", Role::Currency),
    ("wahrung", Role::Currency),
    ("waehrung", Role::Currency),
    ("moneda", Role::Currency),
    ("divisa", Role::Currency),
    ("moeda", Role::Currency),
    ("valuta", Role::Currency),
    ("valutacode", Role::Currency),
    ("account", Role::AccountName),
    ("account number", Role::AccountNumber),
    ("account no", Role::AccountNumber),
    ("acct", Role::AccountNumber),
    ("account id", Role::AccountNumber),
    ("iban", Role::AccountNumber),
    ("numero de compte", Role::AccountNumber),
    ("compte", Role::AccountNumber),
    ("kontonummer", Role::AccountNumber),
    ("konto", Role::AccountNumber),
    ("auftragskonto", Role::AccountNumber),
    ("cuenta", Role::AccountNumber),
    ("numero de cuenta", Role::AccountNumber),
    ("conta", Role::AccountNumber),
    ("conto", Role::AccountNumber),
    ("rekening", Role::AccountNumber),
    ("rekeningnummer", Role::AccountNumber),
    ("account name", Role::AccountName),
    ("type", Role::BankCode),
    ("transaction type", Role::BankCode),
    ("trans type", Role::BankCode),
    ("code", Role::BankCode),
    ("transaction code", Role::BankCode),
    ("mutatiesoort", Role::BankCode),
    ("buchungsart", Role::BankCode),
    ("type d operation", Role::BankCode),
    ("tipo", Role::BankCode),
    ("posting text", Role::BankCode),
];

/// Headers that end a preamble label or mark a summary row, by what they announce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    /// Balance before the first row.
    Opening,
    /// Balance after the last row.
    Closing,
    /// A total of the rows (not a balance).
    Total,
    /// The account number or IBAN.
    Account,
    /// The holder's name.
    Holder,
    /// The account currency.
    Currency,
    /// The bank's name.
    Bank,
    /// BIC / sort code / routing number.
    BankId,
}

const LABELS: &[(&str, Label)] = &[
    ("opening balance", Label::Opening),
    ("balance at start of period", Label::Opening),
    ("balance at start", Label::Opening),
    ("start balance", Label::Opening),
    ("starting balance", Label::Opening),
    ("beginning balance", Label::Opening),
    ("previous balance", Label::Opening),
    ("balance brought forward", Label::Opening),
    ("balance b f", Label::Opening),
    ("balance bf", Label::Opening),
    ("bal b f", Label::Opening),
    ("brought forward", Label::Opening),
    ("solde initial", Label::Opening),
    ("solde de debut", Label::Opening),
    ("solde de depart", Label::Opening),
    ("solde precedent", Label::Opening),
    ("ancien solde", Label::Opening),
    ("anfangssaldo", Label::Opening),
    ("alter kontostand", Label::Opening),
    ("alter saldo", Label::Opening),
    ("saldo inicial", Label::Opening),
    ("saldo anterior", Label::Opening),
    ("saldo iniziale", Label::Opening),
    ("beginsaldo", Label::Opening),
    ("startsaldo", Label::Opening),
    ("closing balance", Label::Closing),
    ("balance at end of period", Label::Closing),
    ("balance at end", Label::Closing),
    ("end balance", Label::Closing),
    ("ending balance", Label::Closing),
    ("final balance", Label::Closing),
    ("balance carried forward", Label::Closing),
    ("balance c f", Label::Closing),
    ("balance cf", Label::Closing),
    ("bal c f", Label::Closing),
    ("carried forward", Label::Closing),
    ("solde final", Label::Closing),
    ("solde de fin", Label::Closing),
    ("nouveau solde", Label::Closing),
    ("endsaldo", Label::Closing),
    ("schlusssaldo", Label::Closing),
    ("neuer kontostand", Label::Closing),
    ("neuer saldo", Label::Closing),
    ("saldo final", Label::Closing),
    ("saldo finale", Label::Closing),
    ("eindsaldo", Label::Closing),
    ("total", Label::Total),
    ("totals", Label::Total),
    ("grand total", Label::Total),
    ("sum", Label::Total),
    ("summe", Label::Total),
    ("totaal", Label::Total),
    ("totale", Label::Total),
    ("account number", Label::Account),
    ("account no", Label::Account),
    ("account", Label::Account),
    ("iban", Label::Account),
    ("numero de compte", Label::Account),
    ("n de compte", Label::Account),
    ("compte", Label::Account),
    ("kontonummer", Label::Account),
    ("konto", Label::Account),
    ("numero de cuenta", Label::Account),
    ("cuenta", Label::Account),
    ("conta", Label::Account),
    ("conto", Label::Account),
    ("rekeningnummer", Label::Account),
    ("rekening", Label::Account),
    ("account holder", Label::Holder),
    ("account name", Label::Holder),
    ("account owner", Label::Holder),
    ("holder", Label::Holder),
    ("customer name", Label::Holder),
    ("customer", Label::Holder),
    ("client", Label::Holder),
    ("nom du client", Label::Holder),
    ("account holder name", Label::Holder),
    ("titulaire", Label::Holder),
    ("titulaire du compte", Label::Holder),
    ("kontoinhaber", Label::Holder),
    ("inhaber", Label::Holder),
    ("titular", Label::Holder),
    ("intestatario", Label::Holder),
    ("rekeninghouder", Label::Holder),
    ("currency", Label::Currency),
    ("account currency", Label::Currency),
    ("currency of account", Label::Currency),
    ("devise", Label::Currency),
    ("devise du compte", Label::Currency),
    ("kontowahrung", Label::Currency),
    ("wahrung", Label::Currency),
    ("moneda", Label::Currency),
    ("divisa", Label::Currency),
    ("moeda", Label::Currency),
    ("valuta", Label::Currency),
    ("bank", Label::Bank),
    ("bank name", Label::Bank),
    ("banque", Label::Bank),
    ("banco", Label::Bank),
    ("bic", Label::BankId),
    ("swift", Label::BankId),
    ("bic swift", Label::BankId),
    ("sort code", Label::BankId),
    ("routing number", Label::BankId),
    ("bankleitzahl", Label::BankId),
    ("blz", Label::BankId),
    ("bank code", Label::BankId),
];

/// Folds one character: lowercase, accents dropped.
fn fold_char(c: char, out: &mut String) {
    for lower in c.to_lowercase() {
        let folded = match lower {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' | 'ì' => 'i',
            'ô' | 'ö' | 'ó' | 'õ' | 'ò' | 'ø' => 'o',
            'û' | 'ü' | 'ú' | 'ù' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            'ß' => {
                out.push_str("ss");
                continue;
            }
            other => other,
        };
        out.push(folded);
    }
}

/// Lowercase, accents folded, every run of non-alphanumerics turned into one space.
pub fn normalize(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars().take(200) {
        if c.is_alphanumeric() {
            fold_char(c, &mut folded);
        } else {
            folded.push(' ');
        }
    }
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a header says about its column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeaderMatch {
    /// The column's role.
    pub role: Role,
    /// True when the header is exactly a known phrase (beats a prefix match for the same role).
    pub exact: bool,
    /// A currency named in the header ("Amount (EUR)").
    pub currency: Option<Currency>,
    /// A date order spelled in the header ("Date (MM/DD/YYYY)").
    pub date_order: Option<DateOrder>,
}

fn lookup<T: Copy>(table: &[(&str, T)], phrase: &str) -> Option<T> {
    table.iter().find(|(p, _)| *p == phrase).map(|(_, v)| *v)
}

/// The longest phrase of `table` that `text` starts with, followed by a space or digits.
fn longest_prefix<T: Copy>(table: &[(&str, T)], text: &str) -> Option<T> {
    table
        .iter()
        .filter(|(p, _)| {
            text.strip_prefix(p).is_some_and(|rest| {
                rest.starts_with(' ') || rest.bytes().next().is_some_and(|b| b.is_ascii_digit())
            })
        })
        .max_by_key(|(p, _)| p.len())
        .map(|(_, v)| *v)
}

fn date_order_in(normalized: &str) -> Option<DateOrder> {
    let compact: String = normalized
        .split(' ')
        .filter(|t| {
            matches!(
                *t,
                "dd" | "d" | "mm" | "m" | "yyyy" | "yy" | "jj" | "aaaa" | "tt" | "jjjj"
            )
        })
        .map(|t| t.chars().next().unwrap_or(' '))
        .collect();
    match compact.as_str() {
        "dmy" | "jma" | "tmj" => Some(DateOrder::DayFirst),
        "mdy" => Some(DateOrder::MonthFirst),
        "ymd" | "amj" | "jmt" => Some(DateOrder::YearFirst),
        _ => None,
    }
}

/// Classifies a header cell.
pub fn classify(header: &str) -> Option<HeaderMatch> {
    let normalized = normalize(header);
    if normalized.is_empty() {
        return None;
    }
    if let Some(role) = lookup(PHRASES, &normalized) {
        return Some(HeaderMatch {
            role,
            exact: true,
            currency: None,
            date_order: None,
        });
    }
    let role = longest_prefix(PHRASES, &normalized)?;
    let tail = normalized.rsplit(' ').next().unwrap_or_default();
    let currency = if role.is_money() && tail.len() == 3 {
        Currency::parse(tail).ok()
    } else {
        None
    };
    let date_order = if matches!(role, Role::Date | Role::ValueDate) {
        date_order_in(&normalized)
    } else {
        None
    };
    Some(HeaderMatch {
        role,
        exact: false,
        currency,
        date_order,
    })
}

/// Classifies a preamble or summary label.
pub fn label(text: &str) -> Option<Label> {
    let normalized = normalize(text);
    if normalized.is_empty() {
        return None;
    }
    lookup(LABELS, &normalized).or_else(|| longest_prefix(LABELS, &normalized))
}

/// Classifies a label only when the whole text is a known label, for free page text where a
/// prefix match would read "Account maintenance fee" as an account number label.
pub fn label_exact(text: &str) -> Option<Label> {
    lookup(LABELS, &normalize(text))
}

/// True for cells that say "debit" in some language or shorthand.
pub fn marker_sign(text: &str) -> Option<bool> {
    match normalize(text).as_str() {
        "d" | "dr" | "db" | "debit" | "debet" | "af" | "s" | "soll" | "cargo" | "debito" | "-" => {
            Some(true)
        }
        "c" | "cr" | "credit" | "bij" | "h" | "haben" | "abono" | "credito" | "+" => Some(false),
        "" if text.trim() == "-" => Some(true),
        "" if text.trim() == "+" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(header: &str) -> Option<Role> {
        classify(header).map(|m| m.role)
    }

    #[test]
    fn headers_match_in_seven_languages_regardless_of_case_and_accents() {
        for (header, want) in [
            ("Libellé", Role::Description),
            ("LIBELLE", Role::Description),
            ("Verwendungszweck", Role::Description),
            ("Buchungstag", Role::Date),
            ("Concepto", Role::Description),
            ("Descrição", Role::Description),
            ("Descrizione", Role::Description),
            ("Omschrijving", Role::Description),
            ("Montant", Role::Amount),
            ("Betrag", Role::Amount),
            ("Importe", Role::Amount),
            ("Valor", Role::Amount),
            ("Importo", Role::Amount),
            ("Bedrag", Role::Amount),
            ("Débit", Role::Debit),
            ("Soll", Role::Debit),
            ("Crédit", Role::Credit),
            ("Haben", Role::Credit),
            ("Af Bij", Role::Marker),
            ("Credit/Debit", Role::Marker),
            ("D/C", Role::Marker),
            ("Solde", Role::Balance),
            ("Währung", Role::Currency),
            ("Date de valeur", Role::ValueDate),
        ] {
            assert_eq!(role(header), Some(want), "{header}");
        }
    }

    #[test]
    fn qualifiers_after_a_phrase_carry_currency_and_date_order() {
        let m = classify("Bedrag (EUR)").unwrap();
        assert_eq!(
            (m.role, m.currency.map(|c| c.code().to_owned())),
            (Role::Amount, Some("EUR".to_owned()))
        );
        let m = classify("Date (MM/DD/YYYY)").unwrap();
        assert_eq!(
            (m.role, m.date_order),
            (Role::Date, Some(DateOrder::MonthFirst))
        );
        assert_eq!(role("VWZ3"), Some(Role::Memo));
        assert_eq!(role("Amount Currency"), Some(Role::OriginalAmount));
        assert_eq!(role("Order status"), None);
    }

    #[test]
    fn labels_name_balances_and_account_facts() {
        assert_eq!(label("Balance at end of period"), Some(Label::Closing));
        assert_eq!(label("Solde initial au 01/01"), Some(Label::Opening));
        assert_eq!(label("Account Number "), Some(Label::Account));
        assert_eq!(label("Kontoinhaber"), Some(Label::Holder));
        assert_eq!(label("Groceries"), None);
        assert_eq!(label_exact("Balance B/F"), Some(Label::Opening));
        assert_eq!(label_exact("Account maintenance fee"), None);
    }

    #[test]
    fn markers_read_in_several_languages() {
        assert_eq!(marker_sign("Af"), Some(true));
        assert_eq!(marker_sign("CR"), Some(false));
        assert_eq!(marker_sign("debit"), Some(true));
        assert_eq!(marker_sign("x"), None);
    }
}
