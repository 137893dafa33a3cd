//! The page tree: leaves in order, with inherited `/Resources`, `/MediaBox`, `/CropBox` and
//! `/Rotate`.

use std::collections::HashSet;
use std::rc::Rc;

use super::Decline;
use super::document::Document;
use super::object::{Object, Ref};
use crate::frame::Frame;

/// The tree nests at most this deep.
const MAX_DEPTH: usize = 64;

/// One page, its inherited attributes resolved.
#[derive(Debug)]
pub struct PageNode<'a> {
    /// The page dictionary.
    pub dict: Rc<Object<'a>>,
    /// Its resources (own or inherited).
    pub resources: Option<Rc<Object<'a>>>,
    /// The visible box and rotation.
    pub frame: Frame,
}

#[derive(Clone)]
struct Inherited<'a> {
    resources: Option<Rc<Object<'a>>>,
    media: Option<[f32; 4]>,
    crop: Option<[f32; 4]>,
    rotate: Option<i64>,
}

/// Every page of the document, in order. `limit` bounds how many are collected; the count of
/// all of them comes from the root's `/Count`, which must agree with the tree.
pub fn pages<'a>(doc: &Document<'a>, catalog: &Object<'a>) -> Result<Vec<PageNode<'a>>, Decline> {
    let catalog = catalog
        .as_dict()
        .ok_or(Decline::Malformed("the catalog is not a dictionary"))?;
    let root_ref = catalog.get(b"Pages").clone();
    let root = doc
        .dict(&root_ref)?
        .ok_or(Decline::Malformed("no page tree"))?;
    let count = root
        .as_dict()
        .and_then(|d| d.get(b"Count").as_i64())
        .ok_or(Decline::Malformed("a page tree without /Count"))?;
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    if let Object::Ref(r) = root_ref {
        seen.insert(r);
    }
    let inherited = Inherited {
        resources: None,
        media: None,
        crop: None,
        rotate: None,
    };
    walk(doc, root, inherited, 0, &mut seen, &mut out)?;
    if i64::try_from(out.len()).ok() != Some(count) {
        return Err(Decline::Unsupported(
            "a page tree whose /Count disagrees with its pages",
        ));
    }
    Ok(out)
}

fn walk<'a>(
    doc: &Document<'a>,
    node: Rc<Object<'a>>,
    mut inherited: Inherited<'a>,
    depth: usize,
    seen: &mut HashSet<Ref>,
    out: &mut Vec<PageNode<'a>>,
) -> Result<(), Decline> {
    if depth > MAX_DEPTH {
        return Err(Decline::Unsupported("a page tree nested too deeply"));
    }
    let dict = node
        .as_dict()
        .ok_or(Decline::Malformed("a page node is not a dictionary"))?;
    if let Some(r) = doc.dict(dict.get(b"Resources"))? {
        inherited.resources = Some(r);
    }
    if let Some(b) = rect(doc, dict.get(b"MediaBox"))? {
        inherited.media = Some(b);
    }
    if let Some(b) = rect(doc, dict.get(b"CropBox"))? {
        inherited.crop = Some(b);
    }
    if let Some(r) = doc.resolve(dict.get(b"Rotate"))?.as_i64() {
        inherited.rotate = Some(r);
    }
    let kids = doc.resolve(dict.get(b"Kids"))?;
    if let Some(kids) = kids.as_array() {
        if dict.get(b"Type").as_name() == Some(b"Page") {
            return Err(Decline::Unsupported("a page with kids"));
        }
        for kid in kids {
            if let Object::Ref(r) = kid
                && !seen.insert(*r)
            {
                return Err(Decline::Unsupported("a page tree with a cycle"));
            }
            let child = doc
                .dict(kid)?
                .ok_or(Decline::Malformed("a page node is not a dictionary"))?;
            walk(doc, child, inherited.clone(), depth + 1, seen, out)?;
        }
        return Ok(());
    }
    if !matches!(dict.get(b"Type").as_name(), Some(b"Page") | None) {
        return Err(Decline::Unsupported("an odd page tree node"));
    }
    let media = inherited
        .media
        .ok_or(Decline::Unsupported("a page without a MediaBox"))?;
    let visible = match inherited.crop {
        Some([c0, c1, c2, c3]) => {
            let [m0, m1, m2, m3] = media;
            [m0.max(c0), m1.max(c1), m2.min(c2), m3.min(c3)]
        }
        None => media,
    };
    let [left, bottom, right, top] = visible;
    if right <= left || top <= bottom {
        return Err(Decline::Unsupported("a page whose visible box is empty"));
    }
    let rotate = inherited.rotate.unwrap_or(0);
    if rotate % 90 != 0 {
        return Err(Decline::Unsupported(
            "a rotation that is not a quarter turn",
        ));
    }
    let quarter_turns = u8::try_from(rotate.rem_euclid(360) / 90).unwrap_or(0);
    out.push(PageNode {
        dict: node.clone(),
        resources: inherited.resources.clone(),
        frame: Frame {
            left,
            bottom,
            right,
            top,
            quarter_turns,
        },
    });
    Ok(())
}

/// A rectangle, normalised (left < right, bottom < top).
fn rect<'a>(doc: &Document<'a>, object: &Object<'a>) -> Result<Option<[f32; 4]>, Decline> {
    if matches!(object, Object::Null) {
        return Ok(None);
    }
    let resolved = doc.resolve(object)?;
    let Some(items) = resolved.as_array() else {
        return Ok(None);
    };
    let mut v = [0f32; 4];
    if items.len() != 4 {
        return Err(Decline::Unsupported("a page box that is not four numbers"));
    }
    for (slot, item) in v.iter_mut().zip(items) {
        *slot = doc
            .resolve(item)?
            .as_f64()
            .ok_or(Decline::Unsupported("a page box that is not four numbers"))?
            as f32;
    }
    let [x0, y0, x1, y1] = v;
    Ok(Some([x0.min(x1), y0.min(y1), x0.max(x1), y0.max(y1)]))
}
