//! The web dashboard served by `ledgerlens serve` at `/`: its static files and headers over real
//! HTTP, then the whole page in headless Chromium (tests/browser/dashboard.mjs, Debian's chromium
//! driven by playwright-core) against a real server: sign in, upload a PDF with live progress,
//! the report, filters, the PDF download, webhooks, a phone width, and the load time of a
//! 5 000-transaction report.
//!
//! `LEDGERLENS_UPDATE_SCREENSHOTS=1` also writes the screenshots into docs/dashboard/.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::serve::Server;
use crate::{ledgerlens, sample, temp_dir};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn header<'a>(response: &'a crate::serve::Response, name: &str) -> &'a str {
    response
        .header(name)
        .unwrap_or_else(|| panic!("no {name} header"))
}

#[test]
fn the_dashboard_files_are_public_typed_revalidated_and_locked_down() {
    let dir = temp_dir("dashboard-files");
    let server = Server::start(&dir);

    // The page needs no key: it holds no data.
    let page = server.get("/", None);
    assert_eq!(page.status, 200);
    assert_eq!(header(&page, "content-type"), "text/html; charset=utf-8");
    let html = String::from_utf8(page.body.clone()).unwrap();
    // The stylesheet and the prefetch script come inline (a cold tab waits for no second
    // answer before it can ask for the report's data), the bundle as a file; the policy allows
    // those two inline blocks by hash and nothing else inline.
    assert!(html.contains(r#"<script type="module" src="/assets/app.bundle.js"></script>"#));
    assert!(html.contains("<style>") && !html.contains("/assets/app.css"));
    assert!(html.contains("ledgerlensPrefetched") && !html.contains("/assets/prefetch.js"));
    let csp = header(&page, "content-security-policy");
    assert_eq!(csp.matches("'sha256-").count(), 2, "{csp}");
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    assert!(!csp.contains("unsafe"), "{csp}");
    assert_eq!(header(&page, "x-content-type-options"), "nosniff");
    assert_eq!(header(&page, "referrer-policy"), "no-referrer");
    assert_eq!(header(&page, "cache-control"), "no-cache");

    // Every file the page loads is served with its type.
    for (file, content_type) in [
        ("app.bundle.js", "text/javascript; charset=utf-8"),
        ("prefetch.js", "text/javascript; charset=utf-8"),
        ("app.js", "text/javascript; charset=utf-8"),
        ("report.js", "text/javascript; charset=utf-8"),
        ("app.css", "text/css; charset=utf-8"),
        ("icon.svg", "image/svg+xml"),
    ] {
        let response = server.get(&format!("/assets/{file}"), None);
        assert_eq!(response.status, 200, "{file}");
        assert_eq!(header(&response, "content-type"), content_type, "{file}");
        assert!(!response.body.is_empty());
    }

    // The bundle is the modules joined: no import or export is left for the browser to resolve.
    let bundle = server.get("/assets/app.bundle.js", None);
    let text = String::from_utf8(bundle.body.clone()).unwrap();
    assert!(text.contains("// ---- report.js") && text.contains("// ---- app.js"));
    assert!(
        !text
            .lines()
            .any(|l| l.starts_with("import ") || l.starts_with("export "))
    );
    let bundle_etag = header(&bundle, "etag").to_owned();
    let unchanged = server.request(
        "GET",
        "/assets/app.bundle.js",
        None,
        &[("If-None-Match", &bundle_etag)],
        b"",
    );
    assert_eq!(unchanged.status, 304);

    // Revalidation: the same ETag answers 304 with no body; another does not.
    let script = server.get("/assets/app.js", None);
    let etag = header(&script, "etag").to_owned();
    let again = server.request(
        "GET",
        "/assets/app.js",
        None,
        &[("If-None-Match", &etag)],
        b"",
    );
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(header(&again, "etag"), etag);
    let other = server.request(
        "GET",
        "/assets/app.js",
        None,
        &[("If-None-Match", "\"something-else\"")],
        b"",
    );
    assert_eq!(other.status, 200);

    // Anything else under /assets is the API's 404, in its JSON shape; no path escapes.
    for path in [
        "/assets/nope.js",
        "/assets/..%2F..%2FCargo.toml",
        "/assets/",
        "/assets/index.html",
    ] {
        let response = server.get(path, None);
        assert_eq!(response.status, 404, "{path}");
        assert_eq!(response.error_code(404), "not_found", "{path}");
    }
    // The API behind the page still wants a key.
    assert_eq!(server.get("/v1/documents", None).status, 401);
}

/// Installs playwright-core from the committed lockfile when it is missing or another version.
fn ensure_playwright(browser_dir: &Path) {
    let lock: serde_json::Value =
        serde_json::from_slice(&std::fs::read(browser_dir.join("package-lock.json")).unwrap())
            .unwrap();
    let wanted = lock["packages"]["node_modules/playwright-core"]["version"]
        .as_str()
        .unwrap()
        .to_owned();
    let installed = std::fs::read(browser_dir.join("node_modules/playwright-core/package.json"))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .and_then(|v| v["version"].as_str().map(str::to_owned));
    if installed.as_deref() == Some(wanted.as_str()) {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(browser_dir)
        .status()
        .expect("npm runs (scripts/ensure-system-deps installs it)");
    assert!(
        status.success(),
        "npm ci failed in {}",
        browser_dir.display()
    );
}

#[test]
fn the_dashboard_in_headless_chromium() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    assert!(
        Path::new(&chromium).exists(),
        "{chromium} is missing: run scripts/ensure-system-deps (Debian's chromium)"
    );
    let browser_dir = repo_root().join("tests/browser");
    ensure_playwright(&browser_dir);

    let dir = temp_dir("dashboard-browser");
    // The test's webhook receiver is on loopback.
    let server = Server::start_with(&dir, &["--allow-private-webhooks"]);
    let (_, key) = server.key("dashboard");
    let synth = ledgerlens([
        "synth",
        "--out",
        dir.join("pdf").to_str().unwrap(),
        "--layout",
        "ng",
        "--transactions",
        "150",
    ]);
    assert!(
        synth.status.success(),
        "{}",
        String::from_utf8_lossy(&synth.stderr)
    );
    let pdf = dir.join("pdf/ng-1.pdf");
    assert!(pdf.exists());
    let big = sample(&dir, "csv", 5000, "statement-5000.csv");
    // A few labelled personas so the list screen looks like a day's work.
    let personas = ledgerlens([
        "synth",
        "--out",
        dir.join("personas").to_str().unwrap(),
        "--persona",
        "all",
        "--country",
        "NG",
    ]);
    assert!(
        personas.status.success(),
        "{}",
        String::from_utf8_lossy(&personas.stderr)
    );
    let extra: Vec<String> = ["gambler", "multi-lender-borrower", "salaried-consumer"]
        .iter()
        .map(|name| {
            let path = dir.join(format!("personas/{name}-ng-1.xml"));
            assert!(path.exists(), "{}", path.display());
            path.to_str().unwrap().to_owned()
        })
        .collect();
    // One more, uploaded from a case's page.
    let case_file = dir.join("personas/gig-worker-ng-1.xml");
    assert!(case_file.exists(), "{}", case_file.display());
    let screenshots = if std::env::var_os("LEDGERLENS_UPDATE_SCREENSHOTS").is_some() {
        repo_root().join("docs/dashboard")
    } else {
        dir.join("screenshots")
    };

    let output = Command::new("node")
        .arg(browser_dir.join("dashboard.mjs"))
        .current_dir(&browser_dir)
        .env("LEDGERLENS_URL", format!("http://{}", server.address()))
        .env("LEDGERLENS_KEY", &key)
        .env("LEDGERLENS_PDF", &pdf)
        .env("LEDGERLENS_BIG", &big)
        .env("LEDGERLENS_EXTRA", extra.join(","))
        .env("LEDGERLENS_CASE_FILE", &case_file)
        .env("LEDGERLENS_SCREENSHOTS", &screenshots)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node runs (scripts/ensure-system-deps installs it)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The steps and the measured load time, shown with `--nocapture`.
    println!("{stdout}");
    assert!(
        output.status.success(),
        "the browser test failed:\n{stdout}\n{stderr}\nserver log: {}",
        dir.join("server.log").display()
    );
    assert!(stdout.contains("dashboard: all checks passed"), "{stdout}");
    for name in [
        "signin-desktop",
        "list-desktop",
        "upload-desktop",
        "report-desktop",
        "charts-desktop",
        "transactions-desktop",
        "settings-desktop",
        "report-phone",
        "charts-phone",
        "transactions-phone",
        "list-phone",
        "settings-phone",
        "signin-phone",
    ] {
        let png = std::fs::read(screenshots.join(format!("{name}.png"))).unwrap();
        assert_eq!(&png[1..4], b"PNG", "{name}");
    }
}
