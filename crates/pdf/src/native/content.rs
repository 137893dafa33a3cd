//! The content-stream interpreter: the text and image operators, the graphics state they need,
//! form XObjects (bounded depth) and inline images (skipped). One pass over each stream; the
//! operand stack and string arena are reused from operator to operator.

use std::collections::HashMap;
use std::rc::Rc;
use std::time::Instant;

use super::Decline;
use super::document::Document;
use super::fonts::Font;
use super::lexer::{Lexer, Token, is_white};
use super::object::{Dict, Object, Ref, decode_name};

/// Form XObjects are followed this deep for text (pdfium parses deeper, but statements never
/// nest forms; deeper nesting declines).
const MAX_FORM_DEPTH: usize = 12;

/// Images inside forms nested deeper than this are not reported (as the pdfium engine).
pub const MAX_IMAGE_FORM_DEPTH: usize = 4;

/// `q` nests at most this deep; deeper saves are ignored (and so are their `Q`s).
const MAX_SAVES: usize = 256;

/// Most operands kept for one operator.
const MAX_OPERANDS: usize = 4096;

/// A 2-D affine matrix `[a b c d e f]`.
pub type Matrix = [f32; 6];

/// The identity matrix.
pub const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m × n` (apply `m` first).
pub fn concat(m: &Matrix, n: &Matrix) -> Matrix {
    let [a, b, c, d, e, f] = *m;
    let [a2, b2, c2, d2, e2, f2] = *n;
    [
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    ]
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    let [a, b, c, d, e, f] = *m;
    (a * x + c * y + e, b * x + d * y + f)
}

/// The bounding box (left, bottom, right, top) of a rectangle after a matrix.
fn bounds(m: &Matrix, x0: f32, y0: f32, x1: f32, y1: f32) -> [f32; 4] {
    let corners = [
        apply(m, x0, y0),
        apply(m, x1, y0),
        apply(m, x0, y1),
        apply(m, x1, y1),
    ];
    let mut out = [
        f32::INFINITY,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NEG_INFINITY,
    ];
    for (x, y) in corners {
        out[0] = out[0].min(x);
        out[1] = out[1].min(y);
        out[2] = out[2].max(x);
        out[3] = out[3].max(y);
    }
    out
}

/// What pdfium's text page knows of one text-showing operator, for ordering objects on a line
/// and deciding where a space or a line break is generated between them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextObject {
    /// `Tm × CTM` at the start, its translation replaced by the first origin (rise included).
    pub matrix: Matrix,
    /// The font size (`Tf`).
    pub size: f32,
    /// Glyphs shown.
    pub glyphs: usize,
    /// The last glyph's origin along the text line, in text space (scaled by the size).
    pub last_origin_x: f32,
    /// Advances of the first and last glyphs, thousandths of the size.
    pub first_units: f32,
    /// See `first_units`.
    pub last_units: f32,
    /// First character of the first glyph and last of the last.
    pub first_char: char,
    /// See `first_char`.
    pub last_char: char,
    /// Union of the glyphs' loose boxes, user space (left, bottom, right, top).
    pub bbox: [f32; 4],
}

/// What the interpreter reports.
pub trait Sink {
    /// A shown character: its text, its loose box in user space (left, bottom, right, top),
    /// its effective size, and the font.
    fn glyph(
        &mut self,
        text: &[char],
        rect: [f32; 4],
        size: f32,
        font: &Rc<Font>,
    ) -> Result<(), Decline>;
    /// The end of one text-showing operator (a pdfium "text object").
    fn end_object(&mut self, object: &TextObject);
    /// An image placed at `rect` (user space), with its size in pixels when known.
    fn image(&mut self, rect: [f32; 4], pixels: Option<(u32, u32)>);
}

#[derive(Debug, Clone)]
struct State {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    scale: f32,
    leading: f32,
    rise: f32,
}

#[derive(Debug, Clone, Copy)]
enum Operand {
    Num(f32),
    Name(usize, usize),
    Str(usize, usize),
    ArrayStart,
    ArrayEnd,
    Other,
}

/// Interprets page content, caching fonts across pages.
#[derive(Debug, Default)]
pub struct Interpreter {
    fonts: HashMap<Ref, Rc<Font>>,
    operands: Vec<Operand>,
    arena: Vec<u8>,
    /// When the time budget ends: forms drawn many times over can make a small file costly.
    deadline: Option<Instant>,
    operators: u64,
}

/// The clock is read once per this many operators.
const OPERATORS_PER_CLOCK_CHECK: u64 = 4096;

struct Run<'r, 'a> {
    resources: Option<Rc<Object<'a>>>,
    state: State,
    saved: Vec<State>,
    skipped_saves: usize,
    tm: Matrix,
    tlm: Matrix,
    form_depth: usize,
    _marker: std::marker::PhantomData<&'r ()>,
}

impl Interpreter {
    /// An interpreter that stops with [`Decline::TimedOut`] after `deadline` (none: never).
    pub fn with_deadline(deadline: Option<Instant>) -> Self {
        Interpreter {
            deadline,
            ..Interpreter::default()
        }
    }

    /// Runs a page's content.
    pub fn run_page<'a>(
        &mut self,
        doc: &Document<'a>,
        content: &[u8],
        resources: Option<Rc<Object<'a>>>,
        sink: &mut dyn Sink,
    ) -> Result<(), Decline> {
        let state = State {
            ctm: IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        };
        self.run(doc, content, resources, state, 0, sink)
    }

    fn run<'a>(
        &mut self,
        doc: &Document<'a>,
        content: &[u8],
        resources: Option<Rc<Object<'a>>>,
        state: State,
        form_depth: usize,
        sink: &mut dyn Sink,
    ) -> Result<(), Decline> {
        let mut run = Run {
            resources,
            state,
            saved: Vec::new(),
            skipped_saves: 0,
            tm: IDENTITY,
            tlm: IDENTITY,
            form_depth,
            _marker: std::marker::PhantomData,
        };
        let mut lexer = Lexer::new(content, 0);
        let mut operands = std::mem::take(&mut self.operands);
        let mut arena = std::mem::take(&mut self.arena);
        operands.clear();
        arena.clear();
        let result = (|| {
            while let Some(token) = lexer.next_token() {
                match token {
                    Token::Int(i) => push(&mut operands, Operand::Num(i as f32)),
                    Token::Real(r) => push(&mut operands, Operand::Num(r as f32)),
                    Token::Name(n) => {
                        let start = arena.len();
                        arena.extend_from_slice(n);
                        push(&mut operands, Operand::Name(start, n.len()));
                    }
                    Token::Str => {
                        let start = arena.len();
                        arena.extend_from_slice(&lexer.string);
                        push(&mut operands, Operand::Str(start, lexer.string.len()));
                    }
                    Token::ArrayOpen => push(&mut operands, Operand::ArrayStart),
                    Token::ArrayClose => push(&mut operands, Operand::ArrayEnd),
                    Token::DictOpen => {
                        skip_dict(&mut lexer);
                        push(&mut operands, Operand::Other);
                    }
                    Token::DictClose => {}
                    Token::Keyword(b"BI") => {
                        self.inline_image(&mut lexer, &run, sink);
                        operands.clear();
                        arena.clear();
                    }
                    Token::Keyword(op) => {
                        self.operators = self.operators.wrapping_add(1);
                        if self.operators.is_multiple_of(OPERATORS_PER_CLOCK_CHECK)
                            && self.deadline.is_some_and(|d| Instant::now() > d)
                        {
                            return Err(Decline::TimedOut);
                        }
                        self.operator(doc, op, &operands, &arena, &mut run, sink)?;
                        operands.clear();
                        arena.clear();
                    }
                }
            }
            Ok(())
        })();
        self.operands = operands;
        self.arena = arena;
        result
    }

    #[allow(
        clippy::too_many_lines,
        reason = "one arm per operator reads best as one match"
    )]
    fn operator<'a>(
        &mut self,
        doc: &Document<'a>,
        op: &[u8],
        operands: &[Operand],
        arena: &[u8],
        run: &mut Run<'_, 'a>,
        sink: &mut dyn Sink,
    ) -> Result<(), Decline> {
        let num = || last_numbers::<1>(operands).map(|[v]| v);
        let state = &mut run.state;
        match op {
            b"q" => {
                if run.saved.len() < MAX_SAVES {
                    run.saved.push(state.clone());
                } else {
                    run.skipped_saves += 1;
                }
            }
            b"Q" => {
                if run.skipped_saves > 0 {
                    run.skipped_saves -= 1;
                } else if let Some(s) = run.saved.pop() {
                    *state = s;
                }
            }
            b"cm" => {
                if let Some(m) = last_numbers::<6>(operands) {
                    state.ctm = concat(&m, &state.ctm);
                }
            }
            b"BT" => {
                run.tm = IDENTITY;
                run.tlm = IDENTITY;
            }
            b"Tf" => {
                let name = operands.len().checked_sub(2).and_then(|i| operands.get(i));
                if let (Some(Operand::Name(s, l)), Some(size)) = (name, num()) {
                    let name = arena.get(*s..s + l).unwrap_or_default();
                    state.font = Some(self.font(doc, run.resources.as_deref(), name)?);
                    state.size = size;
                }
            }
            b"Tc" => state.char_spacing = num().unwrap_or(state.char_spacing),
            b"Tw" => state.word_spacing = num().unwrap_or(state.word_spacing),
            b"Tz" => state.scale = num().map_or(state.scale, |v| v / 100.0),
            b"TL" => state.leading = num().unwrap_or(state.leading),
            b"Ts" => state.rise = num().unwrap_or(state.rise),
            b"Td" | b"TD" => {
                if let Some([tx, ty]) = last_numbers::<2>(operands) {
                    if op == b"TD" {
                        state.leading = -ty;
                    }
                    run.tlm = concat(&[1.0, 0.0, 0.0, 1.0, tx, ty], &run.tlm);
                    run.tm = run.tlm;
                }
            }
            b"Tm" => {
                if let Some(m) = last_numbers::<6>(operands) {
                    run.tlm = m;
                    run.tm = run.tlm;
                }
            }
            b"T*" => next_line(run),
            b"Tj" | b"'" | b"\"" => {
                // `aw ac (string) "`: the spacings come before the string.
                let spacings = operands
                    .len()
                    .checked_sub(3)
                    .and_then(|i| operands.get(i..i + 2));
                if let (b"\"", Some([Operand::Num(aw), Operand::Num(ac)])) = (op, spacings) {
                    run.state.word_spacing = *aw;
                    run.state.char_spacing = *ac;
                }
                if op != b"Tj" {
                    next_line(run);
                }
                if let Some(Operand::Str(s, l)) = operands.last() {
                    let bytes = arena.get(*s..s + l).unwrap_or_default();
                    show(run, std::iter::once(Part::Text(bytes)), sink)?;
                }
            }
            b"TJ" => {
                let parts = operands.iter().filter_map(|o| match o {
                    Operand::Str(s, l) => {
                        Some(Part::Text(arena.get(*s..s + l).unwrap_or_default()))
                    }
                    Operand::Num(k) => Some(Part::Kern(*k)),
                    _ => None,
                });
                show(run, parts, sink)?;
            }
            b"Do" => {
                if let Some(Operand::Name(s, l)) = operands.last() {
                    let name = arena.get(*s..s + l).unwrap_or_default().to_vec();
                    self.xobject(doc, &name, run, sink)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn font<'a>(
        &mut self,
        doc: &Document<'a>,
        resources: Option<&Object<'a>>,
        name: &[u8],
    ) -> Result<Rc<Font>, Decline> {
        let name = decode_name(name);
        let fonts = match resources.and_then(Object::as_dict) {
            Some(r) => doc.resolve(r.get(b"Font"))?,
            None => return Err(Decline::Unsupported("a font missing from the resources")),
        };
        let entry = fonts
            .as_dict()
            .map(|d| d.get(&name).clone())
            .unwrap_or(Object::Null);
        if let Object::Ref(r) = entry
            && let Some(f) = self.fonts.get(&r)
        {
            return Ok(Rc::clone(f));
        }
        let dict = doc.resolve(&entry)?;
        let dict = dict
            .as_dict()
            .ok_or(Decline::Unsupported("a font missing from the resources"))?;
        let font = Rc::new(Font::load(doc, dict)?);
        if let Object::Ref(r) = entry {
            self.fonts.insert(r, Rc::clone(&font));
        }
        Ok(font)
    }

    fn xobject<'a>(
        &mut self,
        doc: &Document<'a>,
        name: &[u8],
        run: &mut Run<'_, 'a>,
        sink: &mut dyn Sink,
    ) -> Result<(), Decline> {
        let name = decode_name(name);
        let Some(resources) = run.resources.as_deref().and_then(Object::as_dict) else {
            return Ok(());
        };
        let xobjects = doc.resolve(resources.get(b"XObject"))?;
        let Some(entry) = xobjects.as_dict().map(|d| d.get(&name).clone()) else {
            return Ok(());
        };
        let object = doc.resolve(&entry)?;
        let Object::Stream(dict, _) = object.as_ref() else {
            return Ok(());
        };
        match dict.get(b"Subtype").as_name() {
            Some(b"Image") if run.form_depth <= MAX_IMAGE_FORM_DEPTH => {
                let rect = bounds(&run.state.ctm, 0.0, 0.0, 1.0, 1.0);
                sink.image(rect, pixel_size(doc, dict));
            }
            Some(b"Form") => {
                if run.form_depth >= MAX_FORM_DEPTH {
                    return Err(Decline::Unsupported("form XObjects nested too deeply"));
                }
                let matrix = matrix_of(doc, dict.get(b"Matrix")).unwrap_or(IDENTITY);
                let data = doc.stream_bytes(&object)?;
                let own = doc.dict(dict.get(b"Resources"))?;
                let resources = own.or_else(|| run.resources.clone());
                let mut state = run.state.clone();
                state.ctm = concat(&matrix, &state.ctm);
                self.run(doc, &data, resources, state, run.form_depth + 1, sink)?;
            }
            _ => {}
        }
        Ok(())
    }

    /// `BI … ID <data> EI`: reports the image, skips its data.
    fn inline_image(&mut self, lexer: &mut Lexer<'_>, run: &Run<'_, '_>, sink: &mut dyn Sink) {
        let mut width = None;
        let mut height = None;
        let mut key: Option<Vec<u8>> = None;
        while let Some(token) = lexer.next_token() {
            match token {
                Token::Keyword(b"ID") => break,
                Token::Name(n) if key.is_none() => key = Some(n.to_vec()),
                Token::Int(v) => {
                    match key.as_deref() {
                        Some(b"W" | b"Width") => width = u32::try_from(v).ok(),
                        Some(b"H" | b"Height") => height = u32::try_from(v).ok(),
                        _ => {}
                    }
                    key = None;
                }
                Token::ArrayOpen => {
                    while !matches!(lexer.next_token(), Some(Token::ArrayClose) | None) {}
                    key = None;
                }
                Token::DictOpen => {
                    skip_dict(lexer);
                    key = None;
                }
                _ => key = None,
            }
        }
        // The data ends at whitespace, `EI`, then whitespace or the end.
        let data = lexer.data();
        let mut at = lexer.pos();
        loop {
            let Some(found) = lexer.find(b"EI") else {
                lexer.seek(data.len());
                break;
            };
            let before = found.checked_sub(1).and_then(|i| data.get(i)).copied();
            let after = data.get(found + 2).copied();
            if before.is_some_and(is_white) && after.is_none_or(is_white) {
                lexer.seek(found + 2);
                break;
            }
            at = found + 2;
            lexer.seek(at);
        }
        let _ = at;
        if run.form_depth <= MAX_IMAGE_FORM_DEPTH {
            let rect = bounds(&run.state.ctm, 0.0, 0.0, 1.0, 1.0);
            sink.image(rect, width.zip(height));
        }
    }
}

/// The last `N` operands, when they are all numbers.
fn last_numbers<const N: usize>(operands: &[Operand]) -> Option<[f32; N]> {
    let tail = operands.get(operands.len().checked_sub(N)?..)?;
    let mut out = [0.0f32; N];
    for (slot, operand) in out.iter_mut().zip(tail) {
        match operand {
            Operand::Num(v) => *slot = *v,
            _ => return None,
        }
    }
    Some(out)
}

fn push(operands: &mut Vec<Operand>, o: Operand) {
    if operands.len() < MAX_OPERANDS {
        operands.push(o);
    }
}

fn skip_dict(lexer: &mut Lexer<'_>) {
    let mut depth = 1u32;
    while let Some(t) = lexer.next_token() {
        match t {
            Token::DictOpen => depth += 1,
            Token::DictClose => {
                depth -= 1;
                if depth == 0 {
                    return;
                }
            }
            _ => {}
        }
    }
}

fn next_line(run: &mut Run<'_, '_>) {
    run.tlm = concat(&[1.0, 0.0, 0.0, 1.0, 0.0, -run.state.leading], &run.tlm);
    run.tm = run.tlm;
}

fn matrix_of(doc: &Document<'_>, object: &Object<'_>) -> Option<Matrix> {
    let items = object.as_array()?;
    let _ = doc;
    let v: Vec<f32> = items
        .iter()
        .map(|o| o.as_f64().map(|v| v as f32))
        .collect::<Option<_>>()?;
    match v[..] {
        [a, b, c, d, e, f] => Some([a, b, c, d, e, f]),
        _ => None,
    }
}

fn pixel_size(doc: &Document<'_>, dict: &Dict<'_>) -> Option<(u32, u32)> {
    let _ = doc;
    let w = dict
        .get(b"Width")
        .as_i64()
        .and_then(|v| u32::try_from(v).ok())?;
    let h = dict
        .get(b"Height")
        .as_i64()
        .and_then(|v| u32::try_from(v).ok())?;
    Some((w, h))
}

/// A piece of a `TJ` array.
#[derive(Debug, Clone, Copy)]
enum Part<'b> {
    Text(&'b [u8]),
    Kern(f32),
}

/// Shows strings (one text object): one glyph per code, advancing the text matrix. A kerning
/// gap in a `TJ` array wide enough to read as a space gets a generated space, as pdfium's text
/// page inserts one.
fn show<'p>(
    run: &mut Run<'_, '_>,
    parts: impl Iterator<Item = Part<'p>> + Clone,
    sink: &mut dyn Sink,
) -> Result<(), Decline> {
    let Some(font) = run.state.font.clone() else {
        return Err(Decline::Unsupported("text shown without a font"));
    };
    let st = &run.state;
    let (size, scale, rise) = (st.size, st.scale, st.rise);
    let (char_spacing, word_spacing) = (st.char_spacing, st.word_spacing);
    let ctm = st.ctm;
    if size == 0.0
        && parts
            .clone()
            .any(|p| matches!(p, Part::Text(b) if !b.is_empty()))
    {
        return Err(Decline::Unsupported("text at size zero"));
    }
    let (ascent, descent) = (font.ascent / 1000.0, font.descent / 1000.0);
    let tm = run.tm;
    let start = concat(&tm, &ctm);
    // Within one text object the matrices move only along the text line: a glyph at text_x
    // has the rendering matrix `base` shifted by text_x along the line's direction.
    let base = concat(&[size * scale, 0.0, 0.0, size, 0.0, rise], &start);
    let at = |text_x: f32| -> Matrix {
        [
            base[0],
            base[1],
            base[2],
            base[3],
            base[4] + text_x * start[0],
            base[5] + text_x * start[1],
        ]
    };
    let effective = size * start[2].hypot(start[3]);
    let origin = apply(&start, 0.0, rise);
    let size_h = size * start[0].hypot(start[1]);
    let mut object = TextObject {
        matrix: [start[0], start[1], start[2], start[3], origin.0, origin.1],
        size,
        glyphs: 0,
        last_origin_x: 0.0,
        first_units: 0.0,
        last_units: 0.0,
        first_char: ' ',
        last_char: ' ',
        bbox: [
            f32::INFINITY,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NEG_INFINITY,
        ],
    };
    let mut text_x = 0.0f32;
    for part in parts {
        match part {
            Part::Kern(k) => {
                let tx = -k / 1000.0 * size * scale;
                if object.glyphs > 0 {
                    let spacing = -k * size_h / 1000.0;
                    let mut threshold = match font.space_width {
                        Some(w) => {
                            let t = size_h * w / 1000.0;
                            if t > size_h / 3.0 { 0.0 } else { t / 2.0 }
                        }
                        None => 0.0,
                    };
                    if threshold == 0.0 {
                        let widest = object.last_units.abs();
                        threshold = size_h
                            * super::spacing::normalize_threshold(widest, 300.0, 500.0, 700.0)
                            / 1000.0;
                    }
                    if threshold > 0.0 && spacing >= threshold {
                        let (x, y) = apply(&at(text_x), 0.0, 0.0);
                        sink.glyph(&[' '], [x, y, x, y], 0.0, &font)?;
                    }
                }
                text_x += tx;
            }
            Part::Text(bytes) => {
                font.each_code(bytes, |code| {
                    let text = code
                        .text
                        .ok_or(Decline::Unsupported("a character code without Unicode"))?;
                    // Text space → user space: [size·Th 0 0 size 0 rise] × Tm × CTM.
                    let advance = code.width / 1000.0;
                    let rect = bounds(&at(text_x), 0.0, descent, advance, ascent);
                    sink.glyph(text, rect, effective, &font)?;
                    if object.glyphs == 0 {
                        object.first_units = code.width;
                        object.first_char = text.first().copied().unwrap_or(' ');
                    }
                    object.glyphs += 1;
                    object.last_units = code.width;
                    object.last_char = text.last().copied().unwrap_or(' ');
                    object.last_origin_x = text_x;
                    object.bbox = [
                        object.bbox[0].min(rect[0]),
                        object.bbox[1].min(rect[1]),
                        object.bbox[2].max(rect[2]),
                        object.bbox[3].max(rect[3]),
                    ];
                    let spacing = if code.len == 1 && code.code == 32 {
                        word_spacing
                    } else {
                        0.0
                    };
                    text_x += (advance * size + char_spacing + spacing) * scale;
                    Ok(())
                })?;
            }
        }
    }
    run.tm = concat(&[1.0, 0.0, 0.0, 1.0, text_x, 0.0], &tm);
    if object.glyphs > 0 {
        sink.end_object(&object);
    }
    Ok(())
}
