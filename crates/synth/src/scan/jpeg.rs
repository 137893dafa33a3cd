//! Baseline grayscale JPEG, written here rather than taken from a crate: the one maintained
//! pure-Rust encoder carries the IJG licence's attribution duty on top of MIT/Apache, and a
//! single-component baseline encoder is short. Phone photos and most "scan to e-mail" settings
//! arrive as JPEG, and its 8x8 block artefacts around glyphs are a damage of their own for OCR.
//!
//! The tables are those of the JPEG standard (ITU-T T.81, Annex K): the example luminance
//! quantisation table scaled by the usual quality convention, and the typical Huffman tables,
//! which every decoder handles and which keep the encoder a single pass.

use std::f32::consts::{FRAC_1_SQRT_2, PI};

use super::{Gray, WHITE, to_usize};

/// Position in the zigzag scan -> index in the row-major 8x8 block.
const ZIGZAG: [u8; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// Table K.1, row-major.
const LUMINANCE: [u8; 64] = [
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
    92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

/// Table K.3: code counts per length 1..=16 and the DC categories they encode.
const DC_COUNTS: [u8; 16] = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_SYMBOLS: [u8; 12] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

/// Table K.5: code counts per length and the AC (run, size) symbols.
const AC_COUNTS: [u8; 16] = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D];
const AC_SYMBOLS: [u8; 162] = [
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
    0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0,
    0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x25, 0x26, 0x27, 0x28,
    0x29, 0x2A, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
    0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
    0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
    0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7,
    0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5,
    0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2,
    0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8,
    0xF9, 0xFA,
];

/// A baseline grayscale JPEG whose JFIF header states `dpi`, so that OCR knows the scale.
/// `quality` is the familiar 1..=100 (values outside are clamped); phones save around 85-95.
pub fn jpeg(image: &Gray, dpi: u32, quality: u8) -> Vec<u8> {
    let image = image.fitted();
    let quant = quantisation(quality);
    let mut out = vec![0xFF, 0xD8];
    let [dh, dl] = u16::try_from(dpi.max(1)).unwrap_or(u16::MAX).to_be_bytes();
    // JFIF 1.01, density unit 1 (dots per inch), no thumbnail.
    segment(
        &mut out,
        0xE0,
        &[b'J', b'F', b'I', b'F', 0, 1, 1, 1, dh, dl, dh, dl, 0, 0],
    );
    let mut dqt = vec![0];
    dqt.extend(ZIGZAG.map(|n| quant.get(usize::from(n)).copied().unwrap_or(1)));
    segment(&mut out, 0xDB, &dqt);
    let [hh, hl] = u16::try_from(image.height)
        .unwrap_or(u16::MAX)
        .to_be_bytes();
    let [wh, wl] = u16::try_from(image.width).unwrap_or(u16::MAX).to_be_bytes();
    // Baseline DCT: 8-bit samples, one component (id 1, no subsampling, table 0).
    segment(&mut out, 0xC0, &[8, hh, hl, wh, wl, 1, 1, 0x11, 0]);
    let mut dht = vec![0x00];
    dht.extend_from_slice(&DC_COUNTS);
    dht.extend_from_slice(&DC_SYMBOLS);
    dht.push(0x10);
    dht.extend_from_slice(&AC_COUNTS);
    dht.extend_from_slice(&AC_SYMBOLS);
    segment(&mut out, 0xC4, &dht);
    segment(&mut out, 0xDA, &[1, 1, 0x00, 0, 63, 0]);
    entropy_coded(&image, &quant, &mut out);
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

fn segment(out: &mut Vec<u8>, marker: u8, body: &[u8]) {
    out.extend_from_slice(&[0xFF, marker]);
    let length = u16::try_from(body.len() + 2).unwrap_or(u16::MAX);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(body);
}

/// Table K.1 scaled: 50 is the table itself, 100 all ones, 1 the coarsest.
fn quantisation(quality: u8) -> [u8; 64] {
    let quality = u32::from(quality.clamp(1, 100));
    let scale = if quality < 50 {
        5000 / quality
    } else {
        200 - 2 * quality
    };
    LUMINANCE.map(|base| ((u32::from(base) * scale + 50) / 100).clamp(1, 255) as u8)
}

/// A Huffman code: its bits (right-aligned) and length.
#[derive(Clone, Copy, Default)]
struct Code {
    bits: u32,
    length: u8,
}

/// Codes per symbol from the counts per length (T.81 Annex C).
fn codes(counts: &[u8; 16], symbols: &[u8]) -> [Code; 256] {
    let mut table = [Code::default(); 256];
    let mut symbols = symbols.iter();
    let mut bits = 0u32;
    for (length, &count) in (1u8..=16).zip(counts) {
        for &symbol in symbols.by_ref().take(usize::from(count)) {
            if let Some(slot) = table.get_mut(usize::from(symbol)) {
                *slot = Code { bits, length };
            }
            bits += 1;
        }
        bits <<= 1;
    }
    table
}

/// Entropy-coded bits, with the 0xFF byte stuffing that keeps them from reading as markers.
struct Bits<'a> {
    out: &'a mut Vec<u8>,
    pending: u32,
    count: u32,
}

impl Bits<'_> {
    fn put(&mut self, bits: u32, length: u8) {
        let length = u32::from(length.min(16));
        self.pending = (self.pending << length) | (bits & ((1 << length) - 1));
        self.count += length;
        while self.count >= 8 {
            self.count -= 8;
            let byte = (self.pending >> self.count) as u8;
            self.out.push(byte);
            if byte == 0xFF {
                self.out.push(0);
            }
        }
        self.pending &= (1 << self.count) - 1;
    }

    fn code(&mut self, table: &[Code; 256], symbol: u8) {
        let code = table.get(usize::from(symbol)).copied().unwrap_or_default();
        self.put(code.bits, code.length);
    }

    /// Pads the last byte with one bits, as the standard asks.
    fn finish(&mut self) {
        if self.count > 0 {
            self.put(0x7F, (8 - self.count) as u8);
        }
    }
}

/// The DCT basis: row `u` holds C(u)/2 * cos((2x+1)u pi/16) for x in 0..8.
fn basis() -> [[f32; 8]; 8] {
    std::array::from_fn(|u| {
        let c = if u == 0 { FRAC_1_SQRT_2 } else { 1.0 };
        std::array::from_fn(|x| c / 2.0 * ((2 * x + 1) as f32 * u as f32 * PI / 16.0).cos())
    })
}

/// The 2-D forward DCT as two passes of the 1-D one (rows, then columns).
fn dct(block: &[[f32; 8]; 8], basis: &[[f32; 8]; 8]) -> [[f32; 8]; 8] {
    let rows = block.map(|row| basis.map(|b| b.iter().zip(&row).map(|(b, v)| b * v).sum()));
    basis.map(|b| {
        let mut column = [0f32; 8];
        for (weight, row) in b.iter().zip(&rows) {
            for (c, v) in column.iter_mut().zip(row) {
                *c += weight * v;
            }
        }
        column
    })
}

fn entropy_coded(image: &Gray, quant: &[u8; 64], out: &mut Vec<u8>) {
    let (width, height) = (to_usize(image.width), to_usize(image.height));
    let basis = basis();
    let reciprocal =
        ZIGZAG.map(|n| 1.0 / f32::from(quant.get(usize::from(n)).copied().unwrap_or(1)));
    let (dc, ac) = (
        codes(&DC_COUNTS, &DC_SYMBOLS),
        codes(&AC_COUNTS, &AC_SYMBOLS),
    );
    let mut bits = Bits {
        out,
        pending: 0,
        count: 0,
    };
    let mut previous_dc = 0;
    for top in (0..height).step_by(8) {
        // Blocks past the right or bottom edge repeat the last column or row: flat padding
        // costs almost no bits and does not ring into the visible pixels.
        let rows: [&[u8]; 8] = std::array::from_fn(|i| {
            let y = (top + i).min(height - 1) * width;
            image.pixels.get(y..y + width).unwrap_or(&[])
        });
        for left in (0..width).step_by(8) {
            let block = rows.map(|row| {
                let last = row.last().copied().unwrap_or(WHITE);
                let mut samples = row.get(left..).unwrap_or(&[]).iter().copied();
                std::array::from_fn(|_| f32::from(samples.next().unwrap_or(last)) - 128.0)
            });
            let coefficients = dct(&block, &basis);
            let flat = coefficients.as_flattened();
            let mut zigzag = [0i32; 64];
            for ((z, &n), r) in zigzag.iter_mut().zip(&ZIGZAG).zip(&reciprocal) {
                let c = flat.get(usize::from(n)).copied().unwrap_or(0.0);
                // Baseline allows 11-bit DC differences and 10-bit AC values.
                *z = ((c * r).round() as i32).clamp(-1023, 1023);
            }
            block_bits(&zigzag, &mut previous_dc, &dc, &ac, &mut bits);
        }
    }
    bits.finish();
}

/// One block: the DC difference, then AC run lengths (ZRL for 16 zeros, EOB to end).
fn block_bits(
    zigzag: &[i32; 64],
    previous_dc: &mut i32,
    dc: &[Code; 256],
    ac: &[Code; 256],
    bits: &mut Bits<'_>,
) {
    let Some((&first, rest)) = zigzag.split_first() else {
        return;
    };
    let (size, extra) = magnitude(first - *previous_dc);
    *previous_dc = first;
    bits.code(dc, size);
    bits.put(extra, size);
    let mut run = 0u8;
    for &value in rest {
        if value == 0 {
            run += 1;
            continue;
        }
        while run > 15 {
            bits.code(ac, 0xF0);
            run -= 16;
        }
        let (size, extra) = magnitude(value);
        bits.code(ac, (run << 4) | size);
        bits.put(extra, size);
        run = 0;
    }
    if run > 0 {
        bits.code(ac, 0x00);
    }
}

/// The size category and the extra bits of a value (negative values as value - 1, truncated).
fn magnitude(value: i32) -> (u8, u32) {
    let size = (32 - value.unsigned_abs().leading_zeros()) as u8;
    let extra = (if value < 0 { value - 1 } else { value }) as u32;
    (size, extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (marker, body) of each segment up to and including SOS, and the entropy-coded rest.
    fn segments(file: &[u8]) -> (Vec<(u8, Vec<u8>)>, Vec<u8>) {
        assert_eq!(file[..2], [0xFF, 0xD8], "SOI");
        let mut rest = &file[2..];
        let mut found = Vec::new();
        loop {
            assert_eq!(rest[0], 0xFF);
            let marker = rest[1];
            let length = usize::from(u16::from_be_bytes([rest[2], rest[3]]));
            found.push((marker, rest[4..2 + length].to_vec()));
            rest = &rest[2 + length..];
            if marker == 0xDA {
                return (found, rest.to_vec());
            }
        }
    }

    fn sample() -> Gray {
        let pixels = (0..45 * 30)
            .map(|i| if (i % 45) / 5 % 2 == 0 { 20 } else { 235 })
            .collect();
        Gray::new(45, 30, pixels).unwrap()
    }

    #[test]
    fn the_jpeg_starts_with_jfif_and_states_the_density() {
        let file = jpeg(&sample(), 300, 85);
        let (segments, _) = segments(&file);
        let (marker, app0) = &segments[0];
        assert_eq!(*marker, 0xE0);
        assert_eq!(app0[..7], *b"JFIF\0\x01\x01");
        assert_eq!(app0[7], 1, "dots per inch");
        assert_eq!(app0[8..12], [0x01, 0x2C, 0x01, 0x2C], "300 x 300");
        let sof = &segments.iter().find(|(m, _)| *m == 0xC0).unwrap().1;
        assert_eq!(
            sof[..6],
            [8, 0, 30, 0, 45, 1],
            "8-bit, 30 rows, 45 columns, grey"
        );
        assert_eq!(file[file.len() - 2..], [0xFF, 0xD9], "EOI");
    }

    #[test]
    fn entropy_coded_data_never_contains_a_marker() {
        let mut rng = crate::rng::Rng::new(4);
        let pixels = (0..64 * 64).map(|_| rng.next_u64() as u8).collect();
        let file = jpeg(&Gray::new(64, 64, pixels).unwrap(), 150, 100);
        let (_, data) = segments(&file);
        let data = &data[..data.len() - 2];
        assert!(
            data.contains(&0xFF),
            "the test needs 0xFF bytes to mean anything"
        );
        for (i, pair) in data.windows(2).enumerate() {
            if pair[0] == 0xFF {
                assert_eq!(pair[1], 0, "at {i}");
            }
        }
    }

    #[test]
    fn higher_quality_keeps_more_bytes_and_finer_steps() {
        let low = jpeg(&sample(), 150, 20).len();
        let high = jpeg(&sample(), 150, 95).len();
        assert!(high > low, "{high} <= {low}");
        assert_eq!(quantisation(50), LUMINANCE);
        assert_eq!(quantisation(100), [1; 64]);
        assert_eq!(quantisation(0), quantisation(1));
    }

    #[test]
    fn huffman_codes_are_canonical() {
        let dc = codes(&DC_COUNTS, &DC_SYMBOLS);
        // T.81 Table K.3: category 0 is 00, 5 is 110, 11 is 111111110.
        assert_eq!((dc[0].bits, dc[0].length), (0b00, 2));
        assert_eq!((dc[5].bits, dc[5].length), (0b110, 3));
        assert_eq!((dc[11].bits, dc[11].length), (0b1_1111_1110, 9));
        let ac = codes(&AC_COUNTS, &AC_SYMBOLS);
        // Table K.5: EOB is 1010, ZRL is 11111111001, 0/1 is 00.
        assert_eq!((ac[0x00].bits, ac[0x00].length), (0b1010, 4));
        assert_eq!((ac[0xF0].bits, ac[0xF0].length), (0b111_1111_1001, 11));
        assert_eq!((ac[0x01].bits, ac[0x01].length), (0b00, 2));
    }

    #[test]
    fn the_dct_of_a_flat_block_is_its_dc_alone() {
        let flat = [[-28.0f32; 8]; 8];
        let c = dct(&flat, &basis());
        assert!((c[0][0] - 8.0 * -28.0).abs() < 1e-3, "{}", c[0][0]);
        let rest = c.as_flattened()[1..]
            .iter()
            .map(|v| v.abs())
            .fold(0.0, f32::max);
        assert!(rest < 1e-3, "{rest}");
        assert_eq!(magnitude(-3), (2, (-4i32) as u32));
        assert_eq!(magnitude(0).0, 0);
        assert_eq!(magnitude(1023).0, 10);
    }
}
