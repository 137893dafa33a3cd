//! Round trips for the camt writer and reader (being written).
