//! `ledgerlens benchmark build` from a manifest of statement files.

use crate::{ledgerlens, temp_dir};

#[test]
fn a_benchmark_is_built_from_a_manifest_and_grades_with_it() {
    let dir = temp_dir("benchmark");
    let out = ledgerlens([
        "synth",
        "--out",
        dir.to_str().unwrap(),
        "--persona",
        "sme-employer",
        "--country",
        "GH",
        "--count",
        "3",
        "--months",
        "2",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut manifest = String::from("file,country,sector\n");
    for index in 1..=3 {
        let file = dir.join(format!("sme-employer-gh-{index}.xml"));
        manifest.push_str(&format!("{},GH,47\n", file.display()));
    }
    let manifest_path = dir.join("manifest.csv");
    std::fs::write(&manifest_path, manifest).unwrap();
    let benchmark = dir.join("b.json");
    let out = ledgerlens([
        "benchmark",
        "build",
        "--from",
        manifest_path.to_str().unwrap(),
        "--out",
        benchmark.to_str().unwrap(),
        "--min-population",
        "2",
        "--id",
        "acme-gh",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&benchmark).unwrap()).unwrap();
    assert_eq!(json["id"], "acme-gh");
    assert_eq!(json["population"], 3);
    assert!(!json["cells"].as_object().unwrap().is_empty());

    let missing = ledgerlens([
        "benchmark",
        "build",
        "--from",
        dir.join("nope.csv").to_str().unwrap(),
        "--out",
        benchmark.to_str().unwrap(),
    ]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("bad_manifest"));
}
