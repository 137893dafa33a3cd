//! Regenerates the default Bank X-Ray benchmark from the persona generator:
//! `cargo run -p ledgerlens-scoring --release --example build_benchmark [-- OUT]`
//! (default OUT: crates/scoring/benchmarks/default.json). A test checks the committed file
//! equals what this produces.

#[path = "../benchmarks/population.rs"]
mod population;

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/benchmarks/default.json").to_owned()
    });
    let benchmark = population::default_benchmark();
    if let Err(e) = std::fs::write(&out, benchmark.to_json()) {
        eprintln!("cannot write {out}: {e}");
        std::process::exit(1);
    }
    eprintln!(
        "wrote {out}: {} companies, {} cells, sha256 {}",
        benchmark.population,
        benchmark.cells.len(),
        benchmark.version_ref().sha256
    );
}
