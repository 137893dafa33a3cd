#![no_main]

use ledgerlens_core::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ledgerlens_fuzz::drive(&[Format::Xlsx, Format::Xls], data));
