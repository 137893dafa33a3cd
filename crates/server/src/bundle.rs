//! The dashboard's ES modules joined into one script, once per process, from the sources
//! compiled into the binary.
//!
//! Why: a cold tab fetched the page's twelve modules over HTTP/1.1 (six connections, two waves)
//! and compiled them one by one before any code ran; on this 2-core box that was 100–250 ms of a
//! cold report's first paint. One file arrives in one wave. Why not a JavaScript bundler: that is
//! a build step and an npm toolchain for every contributor, for a transformation this small.
//!
//! The transformation is deliberately narrow and refuses anything else, so it cannot quietly
//! change what a module means: imports are `import { a, b as c } from './x.js';` on one line,
//! exports are `export function|async function|const|let|class name`. Each module becomes a
//! function scope returning its exports, in dependency order (a cycle is refused), and the entry
//! module runs last. Top-level names stay private to their module, as with modules; the script
//! is still loaded as a module, so strict mode and deferred execution are unchanged.

use std::collections::BTreeMap;
use std::fmt::Write;

/// One `import { … } from './x.js';`: the module and the (exported, local) names.
struct Import {
    from: String,
    names: Vec<(String, String)>,
}

struct Module<'a> {
    imports: Vec<Import>,
    exports: Vec<String>,
    body: Vec<&'a str>,
}

/// A JavaScript identifier made of the characters our modules use.
fn identifier(text: &str) -> Option<&str> {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
        .unwrap_or(text.len());
    let name = &text[..end];
    (!name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit())).then_some(name)
}

fn parse_import(line: &str) -> Result<Import, String> {
    let refuse = || format!("unsupported import: {line}");
    let rest = line.strip_prefix("import {").ok_or_else(refuse)?;
    let (names, rest) = rest.split_once('}').ok_or_else(refuse)?;
    let from = rest
        .trim()
        .strip_prefix("from './")
        .and_then(|r| r.strip_suffix("';"))
        .filter(|f| f.ends_with(".js") && !f.contains('/'))
        .ok_or_else(refuse)?;
    let mut pairs = Vec::new();
    for part in names.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (exported, local) = match part.split_once(" as ") {
            Some((e, l)) => (e.trim(), l.trim()),
            None => (part, part),
        };
        if identifier(exported) != Some(exported) || identifier(local) != Some(local) {
            return Err(refuse());
        }
        pairs.push((exported.to_owned(), local.to_owned()));
    }
    Ok(Import {
        from: from.to_owned(),
        names: pairs,
    })
}

fn parse<'a>(name: &str, source: &'a str) -> Result<Module<'a>, String> {
    let mut module = Module {
        imports: Vec::new(),
        exports: Vec::new(),
        body: Vec::new(),
    };
    for line in source.lines() {
        if line.starts_with("import ") || line.starts_with("import{") {
            module.imports.push(parse_import(line)?);
        } else if let Some(rest) = line.strip_prefix("export ") {
            let declared = ["async function ", "function ", "const ", "let ", "class "]
                .iter()
                .find_map(|keyword| rest.strip_prefix(keyword))
                .and_then(identifier)
                .ok_or_else(|| format!("{name}: unsupported export: {line}"))?;
            module.exports.push(declared.to_owned());
            module.body.push(rest);
        } else if line.contains("import(") || line.contains("import.meta") {
            return Err(format!("{name}: dynamic import or import.meta: {line}"));
        } else if line.trim_start().starts_with("export ") {
            return Err(format!("{name}: nested export: {line}"));
        } else {
            module.body.push(line);
        }
    }
    Ok(module)
}

fn scope_name(module: &str) -> String {
    let stem = module.trim_end_matches(".js");
    let safe: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("__ledgerlens_{safe}")
}

/// Visits `name`'s imports before `name` (depth first), refusing cycles and unknown modules.
fn order<'a>(
    name: &'a str,
    modules: &'a BTreeMap<&'a str, Module<'a>>,
    visiting: &mut Vec<&'a str>,
    done: &mut Vec<&'a str>,
) -> Result<(), String> {
    if done.contains(&name) {
        return Ok(());
    }
    if visiting.contains(&name) {
        return Err(format!("import cycle through {name}"));
    }
    let (key, module) = modules
        .get_key_value(name)
        .ok_or_else(|| format!("no module {name}"))?;
    visiting.push(key);
    for import in &module.imports {
        let (dependency, _) = modules
            .get_key_value(import.from.as_str())
            .ok_or_else(|| format!("{name} imports unknown ./{}", import.from))?;
        order(dependency, modules, visiting, done)?;
    }
    visiting.pop();
    done.push(key);
    Ok(())
}

/// One script holding `entry` and every module it imports, from `(file name, source)` pairs.
pub(crate) fn bundle(sources: &[(&str, &str)], entry: &str) -> Result<String, String> {
    let mut modules = BTreeMap::new();
    for (name, source) in sources {
        modules.insert(*name, parse(name, source)?);
    }
    let mut done = Vec::new();
    order(entry, &modules, &mut Vec::new(), &mut done)?;
    let mut out = String::from(
        "// The ledgerlens dashboard: crates/server/assets/*.js joined by the server \
         (crates/server/src/bundle.rs).\n",
    );
    for name in done {
        let module = modules
            .get(name)
            .ok_or_else(|| format!("no module {name}"))?;
        for import in &module.imports {
            let target = modules
                .get(import.from.as_str())
                .ok_or_else(|| format!("no module {}", import.from))?;
            for (exported, _) in &import.names {
                if !target.exports.contains(exported) {
                    return Err(format!(
                        "{name} imports {exported}, which {} does not export",
                        import.from
                    ));
                }
            }
        }
        let head = if name == entry {
            String::from("(() => {\n")
        } else {
            format!("const {} = (() => {{\n", scope_name(name))
        };
        let _ = write!(out, "\n// ---- {name}\n{head}");
        for import in &module.imports {
            let fields: Vec<String> = import
                .names
                .iter()
                .map(|(e, l)| {
                    if e == l {
                        e.clone()
                    } else {
                        format!("{e}: {l}")
                    }
                })
                .collect();
            let _ = writeln!(
                out,
                "const {{ {} }} = {};",
                fields.join(", "),
                scope_name(&import.from)
            );
        }
        for line in &module.body {
            out.push_str(line);
            out.push('\n');
        }
        if name == entry {
            out.push_str("})();\n");
        } else {
            let _ = writeln!(out, "return {{ {} }};\n}})();", module.exports.join(", "));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_become_scopes_in_dependency_order() {
        let out = bundle(
            &[
                (
                    "app.js",
                    "import { b as bee } from './b.js';\nimport { a } from './a.js';\nbee(a);",
                ),
                (
                    "b.js",
                    "import { a } from './a.js';\nexport function b(x) { return x; }\nconst hidden = 1;",
                ),
                ("a.js", "export const a = 2;"),
            ],
            "app.js",
        )
        .unwrap();
        let a = out.find("// ---- a.js").unwrap();
        let b = out.find("// ---- b.js").unwrap();
        let app = out.find("// ---- app.js").unwrap();
        assert!(a < b && b < app);
        assert!(out.contains("const { b: bee } = __ledgerlens_b;"));
        assert!(out.contains("return { b };"));
        assert!(out.contains("return { a };"));
        assert!(!out.contains("export "));
        assert!(!out.contains("import "));
    }

    #[test]
    fn anything_else_is_refused() {
        let refused = |app: &str| {
            bundle(
                &[("app.js", app), ("a.js", "export const a = 1;")],
                "app.js",
            )
        };
        assert!(refused("import * as all from './a.js';").is_err());
        assert!(refused("import a from './a.js';").is_err());
        assert!(refused("import { a } from 'https://cdn.example/a.js';").is_err());
        assert!(refused("import { nope } from './a.js';").is_err());
        assert!(refused("import { a } from './missing.js';").is_err());
        assert!(refused("export default 1;").is_err());
        assert!(refused("const m = import('./a.js');").is_err());
        assert!(
            bundle(
                &[
                    ("app.js", "import { a } from './a.js';"),
                    ("a.js", "import { b } from './b.js';\nexport const a = 1;"),
                    ("b.js", "import { a } from './a.js';\nexport const b = 1;"),
                ],
                "app.js"
            )
            .is_err(),
            "a cycle"
        );
    }
}
