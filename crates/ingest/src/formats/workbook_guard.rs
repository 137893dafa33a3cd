//! Structural checks on workbooks before the spreadsheet library sees them.
//!
//! calamine trusts the file's own bookkeeping. Fuzzing found a 26 KB XLS whose sector chain loops
//! back on itself: calamine followed it for 90 seconds and 23 GB. A lender's server cannot afford
//! that from one upload, so the compound-file sector chains (XLS) and the ZIP directory (XLSX) are
//! walked here first, with cycle detection and size bounds; anything inconsistent is
//! `malformed_file` before any large allocation happens.

use ledgerlens_core::Format;

use crate::error::IngestError;

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FREE_SECTOR: u32 = 0xFFFF_FFFF;
/// Ids at or above this are markers, not sectors.
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
/// A FAT entry marking a DIFAT sector.
const DIFAT_SECTOR: u32 = 0xFFFF_FFFC;
/// Header DIFAT entries.
const HEADER_DIFAT: usize = 109;
/// Largest total an XLSX may inflate to, and largest inflation ratio: real workbooks compress
/// XML about 5–20×; a deflate bomb reaches 1 000×.
const MAX_XLSX_INFLATED_BYTES: u64 = 1 << 30;
const MAX_XLSX_RATIO: u64 = 200;

fn bad(format: Format, detail: impl Into<String>) -> IngestError {
    IngestError::malformed(format, None, detail)
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Walks a sector chain from `start`, failing on out-of-range ids and cycles; returns its length.
fn chain_len(fat: &[u32], start: u32, visited: &mut [bool]) -> Result<usize, &'static str> {
    let mut sector = start;
    let mut length = 0;
    while sector != END_OF_CHAIN {
        let index = usize::try_from(sector).map_err(|_| "a sector id out of range")?;
        let seen = visited
            .get_mut(index)
            .ok_or("a sector chain points past the end of the file")?;
        if *seen {
            return Err("a sector chain loops or two streams share a sector");
        }
        *seen = true;
        length += 1;
        sector = *fat
            .get(index)
            .ok_or("a sector chain points past the allocation table")?;
        if sector == FREE_SECTOR {
            return Err("a sector chain runs into a free sector");
        }
    }
    Ok(length)
}

/// The compound-file signature (XLS, and encrypted XLSX).
const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Checks a workbook by what its bytes are: a compound file, a ZIP, or neither.
pub fn check(format: Format, bytes: &[u8]) -> Result<(), IngestError> {
    if bytes.starts_with(&CFB_MAGIC) {
        check_xls(bytes)
    } else if bytes.starts_with(b"PK\x03\x04") {
        check_xlsx(bytes)?;
        super::workbook_extent::check_xlsx(bytes)
    } else {
        Err(bad(
            format,
            "not an Excel workbook (neither a compound file nor a ZIP archive)",
        ))
    }
}

/// Checks an XLS (OLE2 compound file): header, allocation tables, and every stream's chain.
pub fn check_xls(bytes: &[u8]) -> Result<(), IngestError> {
    check_cfb(bytes).map_err(|detail| {
        bad(
            Format::Xls,
            format!("the workbook's file structure is corrupt: {detail}"),
        )
    })
}

/// One compound-file directory entry.
struct Entry {
    start: u32,
    size: u64,
    kind: u8,
    name: String,
}

/// Mirrors what calamine's compound-file reader will do — DIFAT walk, FAT load, directory chain,
/// mini stream and mini FAT, every stream's chain — with every size checked against the file and
/// every chain checked for cycles, because calamine allocates from these fields and follows these
/// chains unchecked.
fn check_cfb(b: &[u8]) -> Result<(), &'static str> {
    let shift = u16_at(b, 0x1E).ok_or("truncated header")?;
    if shift != 9 && shift != 12 {
        return Err("unsupported sector size");
    }
    let sector_size = 1usize << shift;
    let file_len = b.len();
    let sectors = file_len.saturating_sub(sector_size) / sector_size + 1;
    let header_u32 = |at: usize| -> Result<usize, &'static str> {
        u32_at(b, at)
            .and_then(|v| usize::try_from(v).ok())
            .ok_or("truncated header")
    };
    let bounded = |count: usize| {
        count
            .checked_mul(sector_size)
            .is_some_and(|bytes| bytes <= file_len)
    };
    let (dir_len, fat_len, mini_fat_len) =
        (header_u32(0x28)?, header_u32(0x2C)?, header_u32(0x40)?);
    if !bounded(dir_len) || !bounded(fat_len) || !bounded(mini_fat_len) {
        return Err("the header declares tables larger than the file");
    }
    let sector = |id: u32| -> Option<&[u8]> {
        let start = sector_size.checked_mul(usize::try_from(id).ok()?.checked_add(1)?)?;
        b.get(start..start.checked_add(sector_size)?.min(file_len))
    };
    // DIFAT: the header's 109 entries, then a chain followed until a reserved id, as calamine does.
    let mut difat: Vec<u32> = (0..HEADER_DIFAT)
        .filter_map(|i| u32_at(b, 0x4C + 4 * i))
        .collect();
    let mut next = u32_at(b, 0x44).ok_or("truncated header")?;
    let mut hops = 0;
    while next < RESERVED_SECTORS {
        hops += 1;
        if hops > sectors {
            return Err("the DIFAT chain loops");
        }
        let block = sector(next).ok_or("the DIFAT chain points past the end of the file")?;
        let mut ids: Vec<u32> = block
            .chunks_exact(4)
            .filter_map(|c| c.try_into().ok().map(u32::from_le_bytes))
            .collect();
        next = ids.pop().ok_or("truncated DIFAT sector")?;
        difat.extend(ids);
    }
    let mut fat = Vec::new();
    for id in difat.into_iter().filter(|&id| id < DIFAT_SECTOR) {
        fat.extend(
            sector(id)
                .ok_or("a FAT sector lies past the end of the file")?
                .chunks_exact(4)
                .filter_map(|c| c.try_into().ok().map(u32::from_le_bytes)),
        );
    }
    let mut visited = vec![false; sectors];
    let dir_start = u32_at(b, 0x30).ok_or("truncated header")?;
    let dir_sectors = chain_len(&fat, dir_start, &mut visited)?;
    let entries = directory_entries(b, &fat, dir_start, dir_sectors, sector_size, shift)?;
    let root = entries.first().ok_or("no root directory entry")?;
    let mini_sectors = if mini_fat_len > 0 {
        if root.start != END_OF_CHAIN {
            chain_len(&fat, root.start, &mut visited)?;
        }
        chain_len(
            &fat,
            u32_at(b, 0x3C).ok_or("truncated header")?,
            &mut visited,
        )?;
        usize::try_from(root.size / 64).map_err(|_| "mini stream too large")?
    } else {
        0
    };
    let minifat = read_chain_u32(
        b,
        &fat,
        u32_at(b, 0x3C).unwrap_or(END_OF_CHAIN),
        sector_size,
        mini_fat_len,
    );
    let cutoff = u64::from(u32_at(b, 0x38).ok_or("truncated header")?);
    let mut mini_visited = vec![false; mini_sectors];
    for entry in entries.iter().skip(1) {
        if entry.kind != 2 || entry.start == END_OF_CHAIN {
            continue;
        }
        if entry.size < cutoff && mini_fat_len > 0 {
            chain_len(&minifat, entry.start, &mut mini_visited)?;
        } else {
            chain_len(&fat, entry.start, &mut visited)?;
        }
    }
    // The chains are sound; now the sheets' extents, which calamine turns into dense grids.
    let Some(book) = entries
        .iter()
        .find(|e| e.kind == 2 && (e.name == "Workbook" || e.name == "Book"))
    else {
        return Ok(());
    };
    let size = usize::try_from(book.size).map_err(|_| "workbook stream too large")?;
    let stream = if book.size < cutoff && mini_fat_len > 0 {
        let ministream = read_chain(b, &fat, root.start, sector_size, usize::MAX);
        read_mini_chain(&ministream, &minifat, book.start, size)
    } else {
        read_chain(b, &fat, book.start, sector_size, size)
    };
    super::workbook_extent::check_biff(&stream)
        .map_err(|_| "a sheet spans far more cells than any bank statement")
}

/// The bytes of a (validated, acyclic) FAT chain, at most `limit` of them.
fn read_chain(b: &[u8], fat: &[u32], start: u32, sector_size: usize, limit: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut id = start;
    while id < RESERVED_SECTORS && out.len() < limit {
        let Some(index) = usize::try_from(id).ok() else {
            break;
        };
        let first = (index + 1) * sector_size;
        let Some(block) = b.get(first..(first + sector_size).min(b.len())) else {
            break;
        };
        out.extend_from_slice(block);
        let Some(&next) = fat.get(index) else { break };
        id = next;
    }
    out.truncate(limit);
    out
}

/// The bytes of a mini-stream chain (64-byte mini sectors), at most `limit` of them.
fn read_mini_chain(ministream: &[u8], minifat: &[u32], start: u32, limit: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut id = start;
    while id < RESERVED_SECTORS && out.len() < limit {
        let Some(index) = usize::try_from(id).ok() else {
            break;
        };
        let Some(block) = ministream.get(index * 64..(index * 64 + 64).min(ministream.len()))
        else {
            break;
        };
        out.extend_from_slice(block);
        let Some(&next) = minifat.get(index) else {
            break;
        };
        id = next;
    }
    out.truncate(limit);
    out
}

/// The u32 entries of a chain's sectors (the mini FAT), at most `count` sectors.
fn read_chain_u32(b: &[u8], fat: &[u32], start: u32, sector_size: usize, count: usize) -> Vec<u32> {
    let mut out = Vec::new();
    let mut id = start;
    for _ in 0..count {
        let Some(first) = usize::try_from(id)
            .ok()
            .and_then(|i| i.checked_add(1))
            .and_then(|i| i.checked_mul(sector_size))
        else {
            break;
        };
        let Some(block) = b.get(first..first.saturating_add(sector_size)) else {
            break;
        };
        out.extend(
            block
                .chunks_exact(4)
                .filter_map(|c| c.try_into().ok().map(u32::from_le_bytes)),
        );
        match usize::try_from(id).ok().and_then(|i| fat.get(i)) {
            Some(&n) => id = n,
            None => break,
        }
    }
    out
}

/// Directory entries as (start sector, size, kind, name); sizes must fit in the file.
fn directory_entries(
    b: &[u8],
    fat: &[u32],
    dir_start: u32,
    dir_sectors: usize,
    sector_size: usize,
    shift: u16,
) -> Result<Vec<Entry>, &'static str> {
    let file_len = u64::try_from(b.len()).unwrap_or(u64::MAX);
    let mut entries = Vec::new();
    let mut id = dir_start;
    for _ in 0..dir_sectors {
        let index = usize::try_from(id).map_err(|_| "bad directory sector")?;
        let start = sector_size * (index + 1);
        let block = b
            .get(start..start + sector_size)
            .ok_or("directory past the end of the file")?;
        for entry in block.chunks_exact(128) {
            let kind = entry.get(66).copied().unwrap_or(0);
            // calamine reads 32-bit sizes from 512-byte-sector files and 64-bit ones otherwise.
            let size = if shift == 9 {
                u64::from(u32_at(entry, 120).ok_or("truncated directory entry")?)
            } else {
                u64_at(entry, 120).ok_or("truncated directory entry")?
            };
            if size > file_len {
                return Err("a stream claims to be larger than the whole file");
            }
            let name_bytes = usize::from(u16_at(entry, 64).unwrap_or(0)).min(64);
            let units: Vec<u16> = entry
                .get(..name_bytes)
                .unwrap_or_default()
                .chunks_exact(2)
                .filter_map(|c| c.try_into().ok().map(u16::from_le_bytes))
                .take_while(|&u| u != 0)
                .collect();
            entries.push(Entry {
                start: u32_at(entry, 116).ok_or("truncated directory entry")?,
                size,
                kind,
                name: String::from_utf16_lossy(&units),
            });
        }
        id = *fat.get(index).ok_or("directory chain broken")?;
    }
    Ok(entries)
}

/// Checks an XLSX (ZIP): the central directory's declared sizes must not describe a bomb.
pub fn check_xlsx(bytes: &[u8]) -> Result<(), IngestError> {
    check_zip(bytes).map_err(|detail| {
        bad(
            Format::Xlsx,
            format!("the workbook's archive is unsafe or corrupt: {detail}"),
        )
    })
}

fn check_zip(b: &[u8]) -> Result<(), &'static str> {
    // End of central directory: 22 bytes plus a comment of up to 65 535.
    let tail_start = b.len().saturating_sub(22 + 65_535);
    let eocd = (tail_start..b.len().saturating_sub(21))
        .rev()
        .find(|&i| b.get(i..i + 4) == Some(&[0x50, 0x4B, 0x05, 0x06]))
        .ok_or("no ZIP directory (truncated file)")?;
    let entries = u16_at(b, eocd + 10).ok_or("truncated ZIP directory")?;
    let mut at = usize::try_from(u32_at(b, eocd + 16).ok_or("truncated ZIP directory")?)
        .map_err(|_| "bad offset")?;
    let (mut packed, mut inflated) = (0u64, 0u64);
    for _ in 0..entries {
        if b.get(at..at + 4) != Some(&[0x50, 0x4B, 0x01, 0x02]) {
            return Err("the ZIP directory is corrupt");
        }
        let compressed = u64::from(u32_at(b, at + 20).ok_or("truncated ZIP entry")?);
        let uncompressed = u64::from(u32_at(b, at + 24).ok_or("truncated ZIP entry")?);
        if compressed == 0xFFFF_FFFF || uncompressed == 0xFFFF_FFFF {
            return Err("ZIP64 entries are not expected in a bank export");
        }
        packed += compressed;
        inflated += uncompressed;
        let name = usize::from(u16_at(b, at + 28).ok_or("truncated ZIP entry")?);
        let extra = usize::from(u16_at(b, at + 30).ok_or("truncated ZIP entry")?);
        let comment = usize::from(u16_at(b, at + 32).ok_or("truncated ZIP entry")?);
        at += 46 + name + extra + comment;
    }
    if inflated > MAX_XLSX_INFLATED_BYTES
        || inflated > packed.max(1).saturating_mul(MAX_XLSX_RATIO) + 1_000_000
    {
        return Err("it inflates far beyond any real workbook (a decompression bomb)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cyclic_sector_chain_is_refused_before_any_big_allocation() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fuzz/regressions/excel/cfb-sector-loop.xls"
        );
        let bytes = std::fs::read(path).unwrap();
        assert_eq!(check_xls(&bytes).unwrap_err().code(), "malformed_file");
    }

    #[test]
    fn a_directory_length_of_four_gigabytes_is_refused() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fuzz/regressions/excel/cfb-directory-length.xls"
        );
        let bytes = std::fs::read(path).unwrap();
        assert_eq!(check_xls(&bytes).unwrap_err().code(), "malformed_file");
    }

    #[test]
    fn a_real_workbook_passes() {
        let statement = ledgerlens_synth::generate(&ledgerlens_synth::GenerateOptions::default());
        let xlsx = ledgerlens_synth::write(ledgerlens_synth::OutputFormat::Xlsx, &statement);
        assert!(check_xlsx(&xlsx).is_ok());
    }

    #[test]
    fn a_zip_that_claims_to_inflate_a_thousandfold_is_a_bomb() {
        let statement = ledgerlens_synth::generate(&ledgerlens_synth::GenerateOptions::default());
        let mut xlsx = ledgerlens_synth::write(ledgerlens_synth::OutputFormat::Xlsx, &statement);
        // Rewrite every central-directory entry's uncompressed size to 900 MB.
        let mut i = 0;
        while i + 28 < xlsx.len() {
            if xlsx[i..i + 4] == [0x50, 0x4B, 0x01, 0x02] {
                xlsx[i + 24..i + 28].copy_from_slice(&900_000_000u32.to_le_bytes());
            }
            i += 1;
        }
        assert_eq!(check_xlsx(&xlsx).unwrap_err().code(), "malformed_file");
    }
}
