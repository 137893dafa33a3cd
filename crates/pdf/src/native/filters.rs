//! Stream filters: FlateDecode (with PNG and TIFF predictors), ASCIIHexDecode and
//! ASCII85Decode. Any other filter (LZW, RunLength, image codecs, crypt) declines the document:
//! pdfium reads those.

use std::io::Read as _;

use flate2::read::ZlibDecoder;

use super::Decline;
use super::object::{Dict, Object};

/// Counts decompressed bytes against the bound the limits allow for the whole document.
#[derive(Debug)]
pub struct Budget {
    left: std::cell::Cell<u64>,
}

impl Budget {
    /// A budget of `bytes`.
    pub fn new(bytes: u64) -> Self {
        Budget {
            left: std::cell::Cell::new(bytes),
        }
    }

    fn take(&self, n: usize) -> Result<(), Decline> {
        let n = u64::try_from(n).unwrap_or(u64::MAX);
        match self.left.get().checked_sub(n) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => Err(Decline::TooLarge),
        }
    }

    fn remaining(&self) -> u64 {
        self.left.get()
    }
}

/// Decodes stream data through the filters its dictionary names. `resolve` reads indirect
/// `/Filter` and `/DecodeParms` values.
pub fn decode(
    dict: &Dict<'_>,
    raw: &[u8],
    budget: &Budget,
    resolve: &dyn Fn(&Object<'_>) -> Option<Object<'static>>,
) -> Result<Vec<u8>, Decline> {
    let filter = owned(dict.get(b"Filter"), resolve);
    let parms = owned(dict.get(b"DecodeParms"), resolve);
    let filters: Vec<Object<'static>> = match filter {
        Object::Null => Vec::new(),
        Object::Name(n) => vec![Object::Name(n)],
        Object::Array(a) => a,
        _ => return Err(Decline::Unsupported("a stream filter that is not a name")),
    };
    if filters.len() > 8 {
        return Err(Decline::Unsupported("too many stream filters"));
    }
    let mut data: Option<Vec<u8>> = None;
    for (i, f) in filters.iter().enumerate() {
        let parm = match &parms {
            Object::Array(a) => owned(a.get(i).unwrap_or(&Object::Null), resolve),
            other if i == 0 => other.clone(),
            _ => Object::Null,
        };
        let input = data.as_deref().unwrap_or(raw);
        let out = match f.as_name() {
            Some(b"FlateDecode" | b"Fl") => {
                let inflated = inflate(input, budget)?;
                predict(inflated, parm.as_dict())?
            }
            Some(b"ASCIIHexDecode" | b"AHx") => ascii_hex(input),
            Some(b"ASCII85Decode" | b"A85") => ascii85(input)?,
            _ => return Err(Decline::Unsupported("a stream filter we do not decode")),
        };
        budget.take(out.len())?;
        data = Some(out);
    }
    Ok(data.unwrap_or_else(|| raw.to_vec()))
}

fn owned(
    object: &Object<'_>,
    resolve: &dyn Fn(&Object<'_>) -> Option<Object<'static>>,
) -> Object<'static> {
    resolve(object).unwrap_or(Object::Null)
}

/// Inflates a zlib stream, no more than the budget allows. A stream cut short or with a bad
/// checksum keeps what inflated (as pdfium does); a stream that inflates to nothing is refused.
fn inflate(input: &[u8], budget: &Budget) -> Result<Vec<u8>, Decline> {
    let cap = budget.remaining().saturating_add(1);
    let mut out = Vec::with_capacity(input.len().saturating_mul(4).min(1 << 22));
    let mut decoder = ZlibDecoder::new(input).take(cap);
    let result = decoder.read_to_end(&mut out);
    if u64::try_from(out.len()).unwrap_or(u64::MAX) >= cap {
        return Err(Decline::TooLarge);
    }
    match result {
        Ok(_) => Ok(out),
        Err(_) if !out.is_empty() => Err(Decline::Unsupported("a damaged compressed stream")),
        Err(_) => Err(Decline::Unsupported(
            "a compressed stream that does not inflate",
        )),
    }
}

fn ascii_hex(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() / 2);
    let mut high: Option<u8> = None;
    for &b in input {
        let v = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            b'>' => break,
            _ => continue,
        };
        match high.take() {
            Some(h) => out.push(h << 4 | v),
            None => high = Some(v),
        }
    }
    if let Some(h) = high {
        out.push(h << 4);
    }
    out
}

fn ascii85(input: &[u8]) -> Result<Vec<u8>, Decline> {
    let mut out = Vec::with_capacity(input.len());
    let mut group = [0u8; 5];
    let mut n = 0usize;
    let mut i = 0usize;
    while let Some(&b) = input.get(i) {
        i += 1;
        match b {
            b'~' => break,
            b'z' if n == 0 => out.extend_from_slice(&[0, 0, 0, 0]),
            b'!'..=b'u' => {
                if let Some(slot) = group.get_mut(n) {
                    *slot = b - b'!';
                }
                n += 1;
                if n == 5 {
                    out.extend_from_slice(&base85_word(&group)?.to_be_bytes());
                    n = 0;
                }
            }
            _ if super::lexer::is_white(b) => {}
            _ => return Err(Decline::Unsupported("a damaged ASCII85 stream")),
        }
    }
    if n > 1 {
        for slot in group.iter_mut().skip(n) {
            *slot = 84;
        }
        let bytes = base85_word(&group)?.to_be_bytes();
        out.extend_from_slice(bytes.get(..n - 1).unwrap_or_default());
    }
    Ok(out)
}

fn base85_word(group: &[u8; 5]) -> Result<u32, Decline> {
    let mut value: u64 = 0;
    for &d in group {
        value = value * 85 + u64::from(d);
    }
    u32::try_from(value).map_err(|_| Decline::Unsupported("a damaged ASCII85 stream"))
}

/// Undoes a PNG (10–15) or TIFF (2) predictor.
fn predict(data: Vec<u8>, parms: Option<&Dict<'_>>) -> Result<Vec<u8>, Decline> {
    let Some(parms) = parms else {
        return Ok(data);
    };
    let int = |key: &[u8], default: i64| parms.get(key).as_i64().unwrap_or(default);
    let predictor = int(b"Predictor", 1);
    if predictor <= 1 {
        return Ok(data);
    }
    let colors = int(b"Colors", 1);
    let bits = int(b"BitsPerComponent", 8);
    let columns = int(b"Columns", 1);
    if !(1..=32).contains(&colors)
        || ![1, 2, 4, 8, 16].contains(&bits)
        || !(1..=1 << 20).contains(&columns)
    {
        return Err(Decline::Unsupported("odd predictor parameters"));
    }
    let bits_per_pixel = usize::try_from(colors * bits).unwrap_or(8);
    let bpp = bits_per_pixel.div_ceil(8).max(1);
    let row = usize::try_from(columns)
        .unwrap_or(1)
        .saturating_mul(bits_per_pixel)
        .div_ceil(8);
    if predictor == 2 {
        if bits != 8 {
            return Err(Decline::Unsupported("a TIFF predictor on sub-byte samples"));
        }
        let mut data = data;
        for line in data.chunks_mut(row) {
            for i in bpp..line.len() {
                let left = line.get(i - bpp).copied().unwrap_or(0);
                if let Some(b) = line.get_mut(i) {
                    *b = b.wrapping_add(left);
                }
            }
        }
        return Ok(data);
    }
    if predictor < 10 {
        return Err(Decline::Unsupported("an unknown predictor"));
    }
    let mut out = Vec::with_capacity(data.len());
    let mut prev = vec![0u8; row];
    let mut cur = vec![0u8; row];
    for chunk in data.chunks(row + 1) {
        let Some((&kind, body)) = chunk.split_first() else {
            break;
        };
        cur.fill(0);
        for (c, b) in cur.iter_mut().zip(body) {
            *c = *b;
        }
        for i in 0..row {
            let a = if i >= bpp {
                cur.get(i - bpp).copied().unwrap_or(0)
            } else {
                0
            };
            let b = prev.get(i).copied().unwrap_or(0);
            let c = if i >= bpp {
                prev.get(i - bpp).copied().unwrap_or(0)
            } else {
                0
            };
            let x = cur.get(i).copied().unwrap_or(0);
            let value = match kind {
                0 => x,
                1 => x.wrapping_add(a),
                2 => x.wrapping_add(b),
                3 => x.wrapping_add(((u16::from(a) + u16::from(b)) / 2) as u8),
                4 => x.wrapping_add(paeth(a, b, c)),
                _ => return Err(Decline::Unsupported("an unknown PNG predictor row")),
            };
            if let Some(slot) = cur.get_mut(i) {
                *slot = value;
            }
        }
        out.extend_from_slice(cur.get(..body.len().min(row)).unwrap_or_default());
        std::mem::swap(&mut prev, &mut cur);
    }
    Ok(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    fn none(_: &Object<'_>) -> Option<Object<'static>> {
        None
    }

    #[test]
    fn ascii_filters_decode() {
        assert_eq!(ascii_hex(b"48 65 6c6C 6>"), b"Hell`");
        assert_eq!(ascii85(b"87cURD]i,\"Ebo80~>").unwrap(), b"Hello World!");
    }

    #[test]
    fn flate_with_png_up_predictor_round_trips() {
        // Two rows of 3 columns, the second stored as "up" differences.
        let raw = [0u8, 1, 2, 3, 2, 1, 1, 1];
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&raw).unwrap();
        let packed = z.finish().unwrap();
        let mut lexer = super::super::lexer::Lexer::new(
            b"<< /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 3 >> >>",
            0,
        );
        let dict = super::super::object::parse_object(&mut lexer, 0).unwrap();
        let out = decode(dict.as_dict().unwrap(), &packed, &Budget::new(1000), &|o| {
            Some(detach(o))
        })
        .unwrap();
        assert_eq!(out, [1, 2, 3, 2, 3, 4]);
        let _ = none;
    }

    #[test]
    fn a_bomb_runs_out_of_budget() {
        let raw = vec![0u8; 100_000];
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&raw).unwrap();
        let packed = z.finish().unwrap();
        assert!(matches!(
            inflate(&packed, &Budget::new(10_000)),
            Err(Decline::TooLarge)
        ));
    }

    fn detach(o: &Object<'_>) -> Object<'static> {
        super::super::object::detach(o).unwrap_or(Object::Null)
    }
}
