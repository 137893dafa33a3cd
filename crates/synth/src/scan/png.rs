//! PNG: the lossless container scanners offer, and what a screenshot of a statement arrives as.

use std::io::Write as _;
use std::sync::LazyLock;

use flate2::Compression;
use flate2::write::ZlibEncoder;

use super::{Gray, to_usize};

/// The eight bytes every PNG starts with.
const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1A, b'\n'];

/// IDAT chunks are split at this size: readers stream them, and no chunk nears the format's
/// 2^31 limit whatever the page size.
const IDAT_BYTES: usize = 1 << 20;

/// An 8-bit grayscale PNG carrying its resolution, so that OCR can tell 150 from 300 dpi
/// without guessing from the page size.
pub fn png(image: &Gray, dpi: u32) -> Vec<u8> {
    let image = image.fitted();
    let mut out = SIGNATURE.to_vec();
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&image.width.to_be_bytes());
    header.extend_from_slice(&image.height.to_be_bytes());
    // Bit depth 8, colour type 0 (grey), deflate, adaptive filtering, no interlace.
    header.extend_from_slice(&[8, 0, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &header);
    let per_metre = pixels_per_metre(dpi).to_be_bytes();
    let mut phys = Vec::with_capacity(9);
    phys.extend_from_slice(&per_metre);
    phys.extend_from_slice(&per_metre);
    phys.push(1); // The unit is the metre.
    chunk(&mut out, b"pHYs", &phys);
    for part in compressed(&image).chunks(IDAT_BYTES) {
        chunk(&mut out, b"IDAT", part);
    }
    chunk(&mut out, b"IEND", &[]);
    out
}

/// PNG states resolution per metre; 300 dpi is 11 811.
fn pixels_per_metre(dpi: u32) -> u32 {
    let per_metre = (u64::from(dpi) * 10_000 + 127) / 254;
    u32::try_from(per_metre).unwrap_or(u32::MAX)
}

/// The filtered rows, zlib-compressed. Each row takes whichever of None, Sub and Up leaves the
/// smallest residuals (libpng's heuristic): Up wins on clean text, None on noisy paper.
fn compressed(image: &Gray) -> Vec<u8> {
    let width = to_usize(image.width);
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    let mut previous = vec![0u8; width];
    let mut sub = vec![0u8; width];
    let mut up = vec![0u8; width];
    for row in image.pixels.chunks_exact(width) {
        let left = std::iter::once(&0).chain(row);
        for ((s, p), l) in sub.iter_mut().zip(row).zip(left) {
            *s = p.wrapping_sub(*l);
        }
        for ((u, p), above) in up.iter_mut().zip(row).zip(&previous) {
            *u = p.wrapping_sub(*above);
        }
        // Residuals read as signed bytes; their magnitudes add up to the cost.
        let cost = |bytes: &[u8]| -> u64 {
            bytes
                .iter()
                .map(|&b| u64::from(b.min(b.wrapping_neg())))
                .sum()
        };
        let (none_cost, sub_cost, up_cost) = (cost(row), cost(&sub), cost(&up));
        let (filter, filtered) = if none_cost <= sub_cost && none_cost <= up_cost {
            (0, row)
        } else if sub_cost <= up_cost {
            (1, sub.as_slice())
        } else {
            (2, up.as_slice())
        };
        // Writing into a Vec cannot fail.
        let _ = encoder
            .write_all(&[filter])
            .and_then(|()| encoder.write_all(filtered));
        previous.copy_from_slice(row);
    }
    encoder.finish().unwrap_or_default()
}

/// Length, type, data and the CRC of type and data.
fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let length = u32::try_from(data.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc32(crc32_update(!0, kind), data).to_be_bytes());
}

/// The CRC-32 lookup table of the reflected polynomial 0xEDB88320 (ISO 3309, as PNG and zlib).
static CRC_TABLE: LazyLock<[u32; 256]> = LazyLock::new(|| {
    std::array::from_fn(|n| {
        (0..8).fold(n as u32, |c, _| {
            if c & 1 == 1 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            }
        })
    })
});

fn crc32_update(state: u32, data: &[u8]) -> u32 {
    let table = &*CRC_TABLE;
    data.iter().fold(state, |c, &b| {
        let entry = table.get(usize::from(c as u8 ^ b)).copied().unwrap_or(0);
        entry ^ (c >> 8)
    })
}

/// Finishes a CRC started with `!0`.
fn crc32(state: u32, data: &[u8]) -> u32 {
    !crc32_update(state, data)
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use flate2::read::ZlibDecoder;

    use super::*;

    /// (type, data) of every chunk, after checking each CRC.
    fn chunks(file: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
        assert_eq!(file[..8], SIGNATURE);
        let mut rest = &file[8..];
        let mut found = Vec::new();
        while !rest.is_empty() {
            let length = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
            let kind: [u8; 4] = rest[4..8].try_into().unwrap();
            let data = rest[8..8 + length].to_vec();
            let stored = u32::from_be_bytes(rest[8 + length..12 + length].try_into().unwrap());
            assert_eq!(crc32(!0, &rest[4..8 + length]), stored, "CRC of {kind:?}");
            found.push((kind, data));
            rest = &rest[12 + length..];
        }
        found
    }

    /// Inflates and un-filters IDAT, returning the filter byte of each row too.
    fn decode(file: &[u8]) -> (u32, u32, Vec<u8>, Vec<u8>) {
        let chunks = chunks(file);
        let header = &chunks[0].1;
        assert_eq!(&chunks[0].0, b"IHDR");
        assert_eq!(header[8..], [8, 0, 0, 0, 0], "8-bit grey");
        let width = u32::from_be_bytes(header[..4].try_into().unwrap());
        let height = u32::from_be_bytes(header[4..8].try_into().unwrap());
        let zlib: Vec<u8> = chunks
            .iter()
            .filter(|(kind, _)| kind == b"IDAT")
            .flat_map(|(_, data)| data.clone())
            .collect();
        let mut raw = Vec::new();
        ZlibDecoder::new(&zlib[..]).read_to_end(&mut raw).unwrap();
        let w = width as usize;
        assert_eq!(raw.len(), (w + 1) * height as usize);
        let (mut pixels, mut filters) = (Vec::new(), Vec::new());
        let mut previous = vec![0u8; w];
        for line in raw.chunks(w + 1) {
            filters.push(line[0]);
            let mut row = vec![0u8; w];
            for x in 0..w {
                let left = if x == 0 { 0 } else { row[x - 1] };
                row[x] = match line[0] {
                    0 => line[x + 1],
                    1 => line[x + 1].wrapping_add(left),
                    2 => line[x + 1].wrapping_add(previous[x]),
                    other => panic!("filter {other}"),
                };
            }
            pixels.extend_from_slice(&row);
            previous = row;
        }
        assert_eq!(&chunks.last().unwrap().0, b"IEND");
        (width, height, pixels, filters)
    }

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(!0, b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(!0, b"IEND"), 0xAE42_6082);
    }

    #[test]
    fn the_png_decodes_back_to_the_exact_pixels() {
        // A horizontal ramp (Sub wins on its first row, Up after), vertical stripes (Up wins)
        // and a checkerboard of 0 and 128 (None wins): every filter the encoder uses is read.
        let (w, h) = (67u32, 40u32);
        let pixels: Vec<u8> = (0..w * h)
            .map(|i| {
                let (x, y) = (i % w, i / w);
                match y {
                    0..10 => (x * 3) as u8,
                    10..30 => ((x / 4) * 40 + y) as u8,
                    _ => ((x + y) % 2 * 128) as u8,
                }
            })
            .collect();
        let image = Gray::new(w, h, pixels.clone()).unwrap();
        let (width, height, decoded, filters) = decode(&png(&image, 300));
        assert_eq!((width, height), (w, h));
        assert_eq!(decoded, pixels);
        for filter in [0, 1, 2] {
            assert!(filters.contains(&filter), "filter {filter} in {filters:?}");
        }
    }

    #[test]
    fn phys_carries_the_resolution_in_pixels_per_metre() {
        let image = Gray::new(1, 1, vec![0]).unwrap();
        for (dpi, per_metre) in [(300, 11_811u32), (150, 5_906), (72, 2_835)] {
            let chunks = chunks(&png(&image, dpi));
            let (_, data) = chunks.iter().find(|(kind, _)| kind == b"pHYs").unwrap();
            let x = u32::from_be_bytes(data[..4].try_into().unwrap());
            let y = u32::from_be_bytes(data[4..8].try_into().unwrap());
            assert_eq!((x, y, data[8]), (per_metre, per_metre, 1), "{dpi} dpi");
            assert_eq!((f64::from(x) * 0.0254).round() as u32, dpi);
        }
    }

    #[test]
    fn a_large_page_spreads_over_several_idat_chunks() {
        let mut rng = crate::rng::Rng::new(5);
        let pixels: Vec<u8> = (0..1200 * 1000).map(|_| rng.next_u64() as u8).collect();
        let image = Gray::new(1200, 1000, pixels.clone()).unwrap();
        let file = png(&image, 200);
        let idats = chunks(&file).iter().filter(|(k, _)| k == b"IDAT").count();
        assert!(idats > 1, "{idats}");
        assert_eq!(decode(&file).2, pixels);
    }
}
