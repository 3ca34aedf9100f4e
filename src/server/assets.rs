//! The compiled site's files: how long browsers and proxies may keep them, and the
//! fingerprinted names pages link to.
//!
//! `cargo leptos build --release --precompress --split` (scripts/build-site.sh) names
//! every file of `/pkg` after a hash of its content (`paddock.<hash>.wasm`, split chunks
//! named by their hash alone) and writes the main files' hashes to `hash.txt` beside the
//! server binary. A fingerprinted name never changes content, so it is cached for a year
//! without revalidation; the `.br`/`.gz` files next to it are served as they are by
//! `leptos_axum`'s file handler.

use axum::http::StatusCode;
use leptos::config::LeptosOptions;
use std::{path::PathBuf, sync::OnceLock};

/// A file whose name carries its content's hash.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// A `/pkg` file without a hash (a development build, wasm-bindgen's snippets): revalidated.
pub const REVALIDATE: &str = "public, max-age=0, must-revalidate";
/// The images, icons and fonts of `public/`: their names are stable, kept a day.
pub const STATIC_FILE: &str = "public, max-age=86400";
/// Pages and API answers carry who is logged in: never stored.
pub const NO_STORE: &str = "no-store";

/// Extensions of the files copied from `public/` to the site root.
const STATIC_EXTENSIONS: [&str; 8] = [
    "svg",
    "png",
    "jpg",
    "webp",
    "avif",
    "ico",
    "woff2",
    "webmanifest",
];

/// Length of cargo-leptos' hashes: an MD5 in unpadded URL-safe base64.
const HASH_LEN: usize = 22;

/// The `Cache-Control` of an answer to `path` with `status`, unless its handler set one.
pub fn cache_policy(path: &str, status: StatusCode) -> &'static str {
    if !(status.is_success() || status == StatusCode::NOT_MODIFIED) {
        return NO_STORE;
    }
    let file_name = path.rsplit('/').next().unwrap_or_default();
    if path.starts_with("/pkg/") {
        if is_fingerprinted(file_name) {
            IMMUTABLE
        } else {
            REVALIDATE
        }
    } else if file_name
        .rsplit_once('.')
        .is_some_and(|(_, extension)| STATIC_EXTENSIONS.contains(&extension))
    {
        STATIC_FILE
    } else {
        NO_STORE
    }
}

/// Whether a file name holds a cargo-leptos content hash: `name.<hash>.ext`, or
/// `<hash>.ext` for a split chunk (`.br`/`.gz` suffixes included).
pub fn is_fingerprinted(file_name: &str) -> bool {
    let mut parts = file_name.split('.');
    // The last part is always an extension, never the hash.
    parts.next_back();
    parts.any(|part| {
        part.len() == HASH_LEN
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            // Names of 22 plain letters (no digit, no `-`/`_`) are far likelier to be words.
            && part
                .bytes()
                .any(|b| b.is_ascii_digit() || b == b'-' || b == b'_' || b.is_ascii_uppercase())
    })
}

/// The hashes cargo-leptos wrote for the main files (`js: …`, `wasm: …`, `css: …`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Fingerprints {
    pub css: Option<String>,
    pub js: Option<String>,
    pub wasm: Option<String>,
}

impl Fingerprints {
    pub fn parse(hash_file: &str) -> Self {
        let mut fingerprints = Self::default();
        for line in hash_file.lines() {
            if let Some((kind, hash)) = line.split_once(':') {
                let hash = Some(hash.trim().to_owned());
                match kind.trim() {
                    "css" => fingerprints.css = hash,
                    "js" => fingerprints.js = hash,
                    "wasm" => fingerprints.wasm = hash,
                    _ => {}
                }
            }
        }
        fingerprints
    }
}

/// Where `leptos` looks for the hash file: beside the running binary.
fn hash_file_path(options: &LeptosOptions) -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(PathBuf::from))
        .unwrap_or_default()
        .join(options.hash_file.as_ref())
}

/// The hash file, read once: it is written with the build and never changes while the
/// server runs. Empty when hashed file names are off.
fn fingerprints(options: &LeptosOptions) -> &'static Fingerprints {
    static READ: OnceLock<Fingerprints> = OnceLock::new();
    READ.get_or_init(|| {
        options
            .hash_files
            .then(|| std::fs::read_to_string(hash_file_path(options)).ok())
            .flatten()
            .map(|text| Fingerprints::parse(&text))
            .unwrap_or_default()
    })
}

/// Checked at start: with hashed file names on, the hash file must be beside the binary
/// (the Docker image copies it), or every page would link to files that do not exist.
pub fn check_hash_file(options: &LeptosOptions) -> Result<(), String> {
    if !options.hash_files {
        return Ok(());
    }
    let path = hash_file_path(options);
    let fingerprints = std::fs::read_to_string(&path)
        .map(|text| Fingerprints::parse(&text))
        .map_err(|e| {
            format!(
                "hash-files is on but {} cannot be read ({e}): copy cargo-leptos' hash file beside the binary",
                path.display()
            )
        })?;
    if fingerprints.css.is_none() || fingerprints.js.is_none() || fingerprints.wasm.is_none() {
        return Err(format!(
            "{} must name the stylesheet, the script and the wasm",
            path.display()
        ));
    }
    Ok(())
}

/// The addresses of the stylesheet, the hydration script and the main wasm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MainFiles {
    pub stylesheet: String,
    pub script: String,
    pub wasm: String,
}

impl MainFiles {
    /// `output_name.<hash>.ext` with hashes, else the names cargo-leptos gives without:
    /// wasm-bindgen's `_bg` suffix only when the build did not name the output (a plain
    /// `cargo build`, as in tests), as `leptos::HydrationScripts` does.
    pub fn named(options: &LeptosOptions, fingerprints: &Fingerprints) -> Self {
        let name = |hash: &Option<String>, plain: &str, ext: &str| match hash {
            Some(hash) => format!(
                "/{}/{}.{hash}.{ext}",
                options.site_pkg_dir, options.output_name
            ),
            None => format!(
                "/{}/{}{plain}.{ext}",
                options.site_pkg_dir, options.output_name
            ),
        };
        let wasm_suffix = if option_env!("LEPTOS_OUTPUT_NAME").is_none() {
            "_bg"
        } else {
            ""
        };
        Self {
            stylesheet: name(&fingerprints.css, "", "css"),
            script: name(&fingerprints.js, "", "js"),
            wasm: name(&fingerprints.wasm, wasm_suffix, "wasm"),
        }
    }

    /// The running server's files.
    pub fn of(options: &LeptosOptions) -> Self {
        Self::named(options, fingerprints(options))
    }
}

/// The stylesheet's address, fingerprinted when hashed file names are on.
pub fn stylesheet_href(options: &LeptosOptions) -> String {
    MainFiles::of(options).stylesheet
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprinted_names_are_recognised() {
        assert!(is_fingerprinted("paddock.Ab3_x-9QzWvLk0PqRsTuVw.wasm"));
        assert!(is_fingerprinted("paddock.Ab3_x-9QzWvLk0PqRsTuVw.wasm.br"));
        assert!(is_fingerprinted("Ab3_x-9QzWvLk0PqRsTuVw.wasm"));
        assert!(is_fingerprinted(
            "__wasm_split.Ab3_x-9QzWvLk0PqRsTuVw.js.gz"
        ));
        assert!(!is_fingerprinted("paddock.wasm"));
        assert!(!is_fingerprinted("paddock_bg.wasm"));
        assert!(!is_fingerprinted("inline0.js"));
        // Too short, too long, or a plain word of the right length.
        assert!(!is_fingerprinted("paddock.Ab3_x-9QzWvLk0PqRsTuV.wasm"));
        assert!(!is_fingerprinted("paddock.Ab3_x-9QzWvLk0PqRsTuVwX.wasm"));
        assert!(!is_fingerprinted("abcdefghijklmnopqrstuv.js"));
        // The hash must be a part of its own, not the extension.
        assert!(!is_fingerprinted("paddock.Ab3_x-9QzWvLk0PqRsTuVw"));
    }

    #[test]
    fn each_kind_of_answer_gets_its_cache_policy() {
        let ok = StatusCode::OK;
        assert_eq!(
            cache_policy("/pkg/paddock.Ab3_x-9QzWvLk0PqRsTuVw.wasm", ok),
            IMMUTABLE
        );
        assert_eq!(
            cache_policy(
                "/pkg/paddock.Ab3_x-9QzWvLk0PqRsTuVw.js",
                StatusCode::NOT_MODIFIED
            ),
            IMMUTABLE
        );
        assert_eq!(cache_policy("/pkg/paddock.wasm", ok), REVALIDATE);
        assert_eq!(
            cache_policy("/pkg/snippets/leptos-1/inline0.js", ok),
            REVALIDATE
        );
        assert_eq!(cache_policy("/motos/ridge-900.svg", ok), STATIC_FILE);
        assert_eq!(cache_policy("/favicon.svg", ok), STATIC_FILE);
        // A missing file is not remembered, nor is any page.
        assert_eq!(
            cache_policy(
                "/pkg/paddock.Ab3_x-9QzWvLk0PqRsTuVw.wasm",
                StatusCode::NOT_FOUND
            ),
            NO_STORE
        );
        assert_eq!(cache_policy("/motos/ridge-900", ok), NO_STORE);
        assert_eq!(cache_policy("/", ok), NO_STORE);
        assert_eq!(cache_policy("/api/current_user", ok), NO_STORE);
        assert_eq!(cache_policy("/sitemap.xml", ok), NO_STORE);
    }

    #[test]
    fn the_hash_file_names_the_main_files() {
        let text = "js: AAAAAAAAAAAAAAAAAAAAA1\nwasm: BBBBBBBBBBBBBBBBBBBBB2\ncss: CCCCCCCCCCCCCCCCCCCCC3\nmanifest: x\n";
        let fingerprints = Fingerprints::parse(text);
        assert_eq!(fingerprints.css.as_deref(), Some("CCCCCCCCCCCCCCCCCCCCC3"));
        let options = LeptosOptions::builder().output_name("paddock").build();
        let files = MainFiles::named(&options, &fingerprints);
        assert_eq!(files.stylesheet, "/pkg/paddock.CCCCCCCCCCCCCCCCCCCCC3.css");
        assert_eq!(files.script, "/pkg/paddock.AAAAAAAAAAAAAAAAAAAAA1.js");
        assert_eq!(files.wasm, "/pkg/paddock.BBBBBBBBBBBBBBBBBBBBB2.wasm");
        assert_eq!(Fingerprints::parse("js: x\n").css, None);
    }

    #[test]
    fn without_hashing_the_stylesheet_keeps_its_name() {
        let options = LeptosOptions::builder().output_name("paddock").build();
        assert_eq!(stylesheet_href(&options), "/pkg/paddock.css");
    }
}
