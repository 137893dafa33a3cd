//! Round trips for the mt940 writer and reader (being written).
