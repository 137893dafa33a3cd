//! Round trips for the delimited writer and reader (being written).
