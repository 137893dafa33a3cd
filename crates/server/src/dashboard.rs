//! The web dashboard: a page and its few static files, compiled into the binary so that
//! `ledgerlens serve` is the whole deployment (no front-end server, no build step, no files to
//! lose beside the binary).
//!
//! The files are public: they hold no data. Every figure the page shows comes from the `/v1` API,
//! called by the page with the key the user typed, so the API's authentication and tenant scoping
//! are the only ones that matter. The headers are strict because the page handles that key: a
//! Content-Security-Policy that allows nothing but this origin's own scripts and styles and the
//! two inline blocks of the page named by their hashes (no other inline script, no `eval`, no
//! third-party host, no form submission that could put the key in a URL, no framing), `nosniff`,
//! and no referrer.
//!
//! File names carry no content hash (that would need a build step), so caching is by
//! revalidation: every answer has a strong `ETag` (SHA-256 of the bytes) and `no-cache`, and a
//! matching `If-None-Match` is answered 304 with no body.
//!
//! The page served at `/` carries its stylesheet and `prefetch.js` inline ([`page`]): a tab
//! opened cold on a report starts its API calls while the page is still being parsed, and waits
//! for no stylesheet. The policy still allows no inline code but exactly those two blocks, named
//! by their SHA-256 hashes. The bundle stays a file, so Chromium compiles it off the main thread
//! while it arrives; inline, it was compiled on the main thread (measured in a cold tab: first
//! screen 346–364 ms with everything inline, 327–350 ms with the bundle as a file).

use std::sync::OnceLock;

use axum::body::Body;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use crate::ApiError;

/// One embedded file.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

/// Shorthand: an embedded file of `crates/server/assets/`.
macro_rules! asset {
    ($name:literal, $content_type:expr) => {
        Asset {
            name: $name,
            content_type: $content_type,
            bytes: include_bytes!(concat!("../assets/", $name)),
        }
    };
}

const JS: &str = "text/javascript; charset=utf-8";

/// The page itself, served at `/`.
const INDEX: Asset = asset!("index.html", "text/html; charset=utf-8");

/// The files under `/assets/`. A test checks that every file of the folder is listed.
const ASSETS: [Asset; 13] = [
    asset!("app.css", "text/css; charset=utf-8"),
    asset!("app.js", JS),
    asset!("api.js", JS),
    asset!("dom.js", JS),
    asset!("format.js", JS),
    asset!("charts.js", JS),
    asset!("documents.js", JS),
    asset!("upload.js", JS),
    asset!("report.js", JS),
    asset!("settings.js", JS),
    asset!("cases.js", JS),
    asset!("prefetch.js", JS),
    asset!("icon.svg", "image/svg+xml"),
];

/// The page's one script: `app.js` and the modules it imports, joined by [`crate::bundle`].
const BUNDLE_NAME: &str = "app.bundle.js";

/// The bundle and its validator, built once from the embedded modules.
fn bundled() -> &'static Result<(Vec<u8>, String), String> {
    static BUNDLE: OnceLock<Result<(Vec<u8>, String), String>> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let sources = ASSETS
            .iter()
            .filter(|a| a.content_type == JS)
            .map(|a| {
                std::str::from_utf8(a.bytes)
                    .map(|text| (a.name, text))
                    .map_err(|e| format!("{}: {e}", a.name))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let script = crate::bundle::bundle(&sources, "app.js")?.into_bytes();
        let etag = strong_etag(&script);
        Ok((script, etag))
    })
}

fn strong_etag(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// What the page may load and do. `style-src 'self'` still lets scripts set `element.style`
/// (the CSSOM is not inline markup); the charts are SVG built with DOM calls.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; manifest-src 'self'; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The strong validator of each file (index first, then [`ASSETS`]), computed once.
fn etags() -> &'static [String] {
    static ETAGS: OnceLock<Vec<String>> = OnceLock::new();
    ETAGS.get_or_init(|| {
        std::iter::once(&INDEX)
            .chain(ASSETS.iter())
            .map(|asset| strong_etag(asset.bytes))
            .collect()
    })
}

fn respond(asset: &Asset, etag: &str, csp: &str, request: &HeaderMap) -> Response {
    let fresh = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = Body::from(asset.bytes).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(asset.content_type),
        );
        response
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(value) = HeaderValue::from_str(csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    } else {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// The page as served: `index.html` with its stylesheet and prefetch script inline, its
/// validator, and the policy that allows exactly those inline blocks.
struct Page {
    html: Vec<u8>,
    etag: String,
    policy: String,
}

/// The two tags of `index.html` that [`page`] replaces by the files' contents.
const STYLESHEET_TAG: &str = r#"<link rel="stylesheet" href="/assets/app.css">"#;
const PREFETCH_TAG: &str = r#"<script async src="/assets/prefetch.js"></script>"#;
/// The tag that loads the bundle, which the served page must keep.
const BUNDLE_TAG: &str = r#"<script type="module" src="/assets/app.bundle.js"></script>"#;

/// Builds [`Page`] once. Inline, the prefetch script runs as soon as the parser reaches it (as
/// its `async` external version did once it arrived), and the stylesheet blocks nothing. A file
/// whose text could end its own element early (`</style` in the stylesheet; `</script` or `<!--`
/// in the script) is refused: the page is an error rather than markup the browser would read
/// differently from what was hashed.
fn page() -> &'static Result<Page, String> {
    static PAGE: OnceLock<Result<Page, String>> = OnceLock::new();
    PAGE.get_or_init(|| {
        let text = |asset: &Asset| {
            std::str::from_utf8(asset.bytes).map_err(|e| format!("{}: {e}", asset.name))
        };
        let named = |name: &str| {
            ASSETS
                .iter()
                .find(|a| a.name == name)
                .ok_or_else(|| format!("{name} is not embedded"))
                .and_then(text)
        };
        let index = text(&INDEX)?;
        let css = named("app.css")?;
        let prefetch = named("prefetch.js")?;
        for (name, body, closers) in [
            ("app.css", css, &["</style"][..]),
            ("prefetch.js", prefetch, &["</script", "<!--"][..]),
        ] {
            let lower = body.to_ascii_lowercase();
            if let Some(closer) = closers.iter().find(|c| lower.contains(*c)) {
                return Err(format!("{name} holds {closer}: it cannot be inlined"));
            }
        }
        if index.matches(BUNDLE_TAG).count() != 1 {
            return Err(format!("index.html must hold {BUNDLE_TAG} exactly once"));
        }
        let mut html = index.to_owned();
        for (tag, inline) in [
            (STYLESHEET_TAG, format!("<style>{css}</style>")),
            (PREFETCH_TAG, format!("<script>{prefetch}</script>")),
        ] {
            if html.matches(tag).count() != 1 {
                return Err(format!("index.html must hold {tag} exactly once"));
            }
            html = html.replacen(tag, &inline, 1);
        }
        let hash = |body: &str| format!("'sha256-{}'", STANDARD.encode(Sha256::digest(body)));
        let policy = CONTENT_SECURITY_POLICY
            .replacen(
                "script-src 'self'",
                &format!("script-src 'self' {}", hash(prefetch)),
                1,
            )
            .replacen(
                "style-src 'self'",
                &format!("style-src 'self' {}", hash(css)),
                1,
            );
        let html = html.into_bytes();
        let etag = strong_etag(&html);
        Ok(Page { html, etag, policy })
    })
}

/// `GET /`: the dashboard page.
pub async fn index(request: HeaderMap) -> Result<Response, ApiError> {
    match page() {
        Ok(page) => {
            let asset = Asset {
                name: "index.html",
                content_type: INDEX.content_type,
                bytes: &page.html,
            };
            Ok(respond(&asset, &page.etag, &page.policy, &request))
        }
        Err(why) => Err(ApiError::internal(&format!("the dashboard page: {why}"))),
    }
}

/// `GET /assets/{file}`: a script, the stylesheet or the icon; 404 for anything else.
pub async fn asset(
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
    request: HeaderMap,
) -> Result<Response, ApiError> {
    let Ok(Path(name)) = path else {
        return Err(ApiError::not_found("asset"));
    };
    if name == BUNDLE_NAME {
        return match bundled() {
            Ok((script, etag)) => {
                let asset = Asset {
                    name: BUNDLE_NAME,
                    content_type: JS,
                    bytes: script,
                };
                Ok(respond(&asset, etag, CONTENT_SECURITY_POLICY, &request))
            }
            Err(why) => Err(ApiError::internal(&format!("the dashboard bundle: {why}"))),
        };
    }
    let found = ASSETS
        .iter()
        .zip(etags().iter().skip(1))
        .find(|(asset, _)| asset.name == name);
    match found {
        Some((asset, etag)) => Ok(respond(asset, etag, CONTENT_SECURITY_POLICY, &request)),
        None => Err(ApiError::not_found("asset")),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

    use super::*;

    #[test]
    fn every_file_of_the_assets_folder_is_served_and_typed() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name != "index.html")
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = ASSETS.iter().map(|a| a.name.to_owned()).collect();
        listed.sort();
        assert_eq!(on_disk, listed);
        for asset in &ASSETS {
            let extension = asset.name.rsplit('.').next().unwrap();
            let expected = match extension {
                "js" => JS,
                "css" => "text/css; charset=utf-8",
                "svg" => "image/svg+xml",
                other => panic!("no content type decided for .{other}"),
            };
            assert_eq!(asset.content_type, expected, "{}", asset.name);
        }
    }

    #[test]
    fn the_page_loads_only_listed_files_and_has_no_inline_script_or_style() {
        let html = std::str::from_utf8(INDEX.bytes).unwrap();
        for reference in html.split("/assets/").skip(1) {
            let name: String = reference
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
                .collect();
            assert!(
                name == BUNDLE_NAME || ASSETS.iter().any(|a| a.name == name),
                "index.html loads /assets/{name}, which is not served"
            );
        }
        assert!(!html.contains("<script>"), "inline script");
        assert!(!html.contains("style="), "inline style");
        assert!(!html.contains("<style"), "inline style");
    }

    #[test]
    fn the_served_page_inlines_its_style_and_prefetch_and_the_policy_names_exactly_them() {
        let page = page().as_ref().unwrap();
        let html = std::str::from_utf8(&page.html).unwrap();
        for tag in [STYLESHEET_TAG, PREFETCH_TAG] {
            assert!(!html.contains(tag), "{tag} left in the served page");
        }
        assert_eq!(
            html.matches(BUNDLE_TAG).count(),
            1,
            "the bundle stays a file"
        );
        let css = std::str::from_utf8(ASSETS[0].bytes).unwrap();
        assert!(html.contains(&format!("<style>{css}</style>")));
        // One hash per inline block, each that block's, and nothing that would allow others.
        let inline_scripts: Vec<&str> = html
            .split("<script>")
            .skip(1)
            .map(|s| &s[..s.find("</script>").unwrap()])
            .collect();
        assert_eq!(inline_scripts.len(), 1);
        assert!(inline_scripts[0].contains("ledgerlensPrefetched"));
        for body in inline_scripts.iter().copied().chain([css]) {
            let hash = format!("'sha256-{}'", STANDARD.encode(Sha256::digest(body)));
            assert!(page.policy.contains(&hash), "{hash} missing");
        }
        assert_eq!(page.policy.matches("'sha256-").count(), 2);
        assert!(!page.policy.contains("unsafe"));
        assert_ne!(page.etag, etags()[0]);
    }

    #[test]
    fn the_bundle_joins_every_module_the_app_imports_and_nothing_is_left_to_resolve() {
        let (script, etag) = bundled().as_ref().unwrap();
        let text = std::str::from_utf8(script).unwrap();
        for module in [
            "api.js",
            "dom.js",
            "format.js",
            "charts.js",
            "documents.js",
            "report.js",
            "upload.js",
            "settings.js",
            "cases.js",
            "app.js",
        ] {
            assert!(text.contains(&format!("// ---- {module}\n")), "{module}");
        }
        // prefetch.js is its own script, loaded beside the bundle.
        assert!(!text.contains("// ---- prefetch.js"));
        assert!(
            !text
                .lines()
                .any(|l| l.starts_with("import ") || l.starts_with("export "))
        );
        assert!(!etags().contains(etag));
    }

    #[test]
    fn validators_differ_per_file_and_match_only_themselves() {
        let tags = etags();
        assert_eq!(tags.len(), ASSETS.len() + 1);
        let mut unique = tags.to_vec();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), tags.len());
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_NONE_MATCH, tags[1].parse().unwrap());
        assert_eq!(
            respond(&ASSETS[0], &tags[1], CONTENT_SECURITY_POLICY, &headers).status(),
            StatusCode::NOT_MODIFIED
        );
        assert_eq!(
            respond(&ASSETS[1], &tags[2], CONTENT_SECURITY_POLICY, &headers).status(),
            StatusCode::OK
        );
    }
}
