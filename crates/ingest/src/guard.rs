//! Containing panics of third-party readers.
//!
//! Our own code cannot panic (the lints forbid it), but a dependency can: calamine asserts on the
//! internal layout of XLS files, and a hostile workbook trips the assertion (found by fuzzing). A
//! user's bad file must get a clear error, so calls into such readers run inside [`contain`],
//! which turns a panic into `malformed_file`. While a contained call runs, [`is_contained`] is
//! true, so a process-wide panic hook (the CLI's, the fuzzer's) can stay quiet about a panic that
//! is about to be handled.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use ledgerlens_core::Format;

use crate::error::IngestError;

thread_local! {
    static CONTAINED: Cell<bool> = const { Cell::new(false) };
}

/// True while the current thread runs a contained third-party call.
pub fn is_contained() -> bool {
    CONTAINED.with(Cell::get)
}

/// Runs `call`, turning a panic inside it into a `malformed_file` error for `format`.
pub fn contain<T>(
    format: Format,
    what: &str,
    call: impl FnOnce() -> Result<T, IngestError>,
) -> Result<T, IngestError> {
    let outer = CONTAINED.with(|c| c.replace(true));
    let result = catch_unwind(AssertUnwindSafe(call));
    CONTAINED.with(|c| c.set(outer));
    result.unwrap_or_else(|_| {
        Err(IngestError::malformed(
            format,
            None,
            format!("{what} is internally corrupt (its structure contradicts itself)"),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_becomes_a_malformed_error_and_the_flag_is_restored() {
        #[allow(clippy::panic, reason = "the point of the test")]
        let result: Result<(), _> = contain(Format::Xls, "the workbook", || panic!("boom"));
        assert_eq!(result.unwrap_err().code(), "malformed_file");
        assert!(!is_contained());
    }
}
