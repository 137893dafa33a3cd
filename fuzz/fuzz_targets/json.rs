#![no_main]

use ledgerlens_core::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ledgerlens_fuzz::drive(
    &[
        Format::PericulumJson,
        Format::MonoJson,
        Format::OkraJson,
        Format::DojahJson,
        Format::MyBankStatementJson
    ],
    data
));
