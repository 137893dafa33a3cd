//! Round trips for the ofx writer and reader (being written).
