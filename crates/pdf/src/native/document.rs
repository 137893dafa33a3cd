//! A parsed PDF file: objects resolved lazily through the cross-reference, each parsed once.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::Decline;
use super::filters::{Budget, decode};
use super::lexer::{Lexer, Token, memfind};
use super::object::{Dict, Object, Ref, detach, parse_dict_body, parse_from};
use super::xref::{self, Entry, Xref, object_header, stream_data};

/// References are followed at most this many times in a row (`1 0 R` pointing at `2 0 R` …).
const MAX_CHAIN: usize = 16;

/// Most objects one object stream may declare.
const MAX_STREAM_OBJECTS: usize = 1 << 20;

/// An object stream, decoded: its data and where each member starts.
#[derive(Debug)]
struct ObjectStream {
    data: Vec<u8>,
    members: Vec<(u32, usize)>,
}

/// The file.
#[derive(Debug)]
pub struct Document<'a> {
    bytes: &'a [u8],
    xref: RefCell<Xref>,
    rebuilt: RefCell<bool>,
    cache: RefCell<HashMap<u32, Rc<Object<'a>>>>,
    streams: RefCell<HashMap<u32, Rc<ObjectStream>>>,
    /// Decompressed bytes still allowed.
    pub budget: Budget,
    /// Nesting of resolutions in progress (a `/Length` resolved while parsing a stream …).
    depth: RefCell<u32>,
}

impl<'a> Document<'a> {
    /// Opens a file: finds the header and the cross-reference (rebuilt when damaged).
    pub fn open(bytes: &'a [u8], budget: Budget) -> Result<Self, Decline> {
        let head = bytes.get(..bytes.len().min(1024)).unwrap_or_default();
        let base = memfind(head, b"%PDF-").ok_or(Decline::Malformed("no %PDF- header"))?;
        let (xref, rebuilt) = match xref::load(bytes, base, &budget) {
            Ok(x) => (x, false),
            Err(Decline::TooLarge) => return Err(Decline::TooLarge),
            Err(_) => (xref::reconstruct(bytes, &budget)?, true),
        };
        Ok(Document {
            bytes,
            xref: RefCell::new(xref),
            rebuilt: RefCell::new(rebuilt),
            cache: RefCell::new(HashMap::new()),
            streams: RefCell::new(HashMap::new()),
            budget,
            depth: RefCell::new(0),
        })
    }

    /// The trailer dictionary.
    pub fn trailer(&self) -> Dict<'static> {
        self.xref.borrow().trailer.clone()
    }

    /// The object a value stands for: itself, or what its reference points at (a missing
    /// object is `null`, as the PDF reference says).
    pub fn resolve(&self, object: &Object<'a>) -> Result<Rc<Object<'a>>, Decline> {
        let mut current = match object {
            Object::Ref(r) => self.get(*r)?,
            other => return Ok(Rc::new(other.clone())),
        };
        for _ in 0..MAX_CHAIN {
            let next = match current.as_ref() {
                Object::Ref(r) => self.get(*r)?,
                _ => return Ok(current),
            };
            current = next;
        }
        Err(Decline::Malformed(
            "a chain of references that does not end",
        ))
    }

    /// A dictionary value resolved, `None` when it is not a dictionary (or a stream's).
    pub fn dict(&self, object: &Object<'a>) -> Result<Option<Rc<Object<'a>>>, Decline> {
        let resolved = self.resolve(object)?;
        Ok(resolved.as_dict().is_some().then_some(resolved))
    }

    /// The decoded data of a stream object.
    pub fn stream_bytes(&self, object: &Object<'a>) -> Result<Vec<u8>, Decline> {
        match object {
            Object::Stream(dict, raw) => decode(dict, raw, &self.budget, &|o| self.owned(o)),
            _ => Err(Decline::Malformed("a stream was expected")),
        }
    }

    /// A resolved copy that borrows nothing, for filter parameters.
    fn owned(&self, object: &Object<'_>) -> Option<Object<'static>> {
        match object {
            Object::Ref(r) => self.get(*r).ok().and_then(|o| detach(&o)),
            other => detach(other),
        }
    }

    /// The object `r` (cached).
    pub fn get(&self, r: Ref) -> Result<Rc<Object<'a>>, Decline> {
        if let Some(o) = self.cache.borrow().get(&r.num) {
            return Ok(Rc::clone(o));
        }
        {
            let mut depth = self.depth.borrow_mut();
            if *depth > 8 {
                return Err(Decline::Malformed(
                    "objects refer to each other while being read",
                ));
            }
            *depth += 1;
        }
        let loaded = self.load(r.num);
        *self.depth.borrow_mut() -= 1;
        let object = match loaded {
            Ok(o) => o,
            Err(Decline::Malformed(_)) if !*self.rebuilt.borrow() => {
                // An offset that does not lead to its object: the table is wrong, rebuild it.
                *self.rebuilt.borrow_mut() = true;
                let rebuilt = xref::reconstruct(self.bytes, &self.budget)?;
                *self.xref.borrow_mut() = rebuilt;
                self.cache.borrow_mut().clear();
                return self.get(r);
            }
            Err(e) => return Err(e),
        };
        let object = Rc::new(object);
        self.cache.borrow_mut().insert(r.num, Rc::clone(&object));
        Ok(object)
    }

    fn load(&self, num: u32) -> Result<Object<'a>, Decline> {
        let entry = self.xref.borrow().entries.get(&num).copied();
        match entry {
            None | Some(Entry::Free) => Ok(Object::Null),
            Some(Entry::At(offset)) => self.load_at(num, offset),
            Some(Entry::InStream { stream, index }) => self.load_in_stream(num, stream, index),
        }
    }

    fn load_at(&self, num: u32, offset: usize) -> Result<Object<'a>, Decline> {
        let (found, mut lexer) = object_header(self.bytes, offset)
            .ok_or(Decline::Malformed("an xref offset that is not an object"))?;
        if found != num {
            return Err(Decline::Malformed(
                "an xref offset pointing at another object",
            ));
        }
        let token = lexer
            .next_token()
            .ok_or(Decline::Malformed("an empty object"))?;
        if token != Token::DictOpen {
            let object = parse_from(&mut lexer, token, 0)?;
            return Ok(object);
        }
        let dict = parse_dict_body(&mut lexer, 0)?;
        let save = lexer.pos();
        if lexer.next_token() != Some(Token::Keyword(b"stream")) {
            lexer.seek(save);
            return Ok(Object::Dict(dict));
        }
        lexer.skip_stream_eol();
        let start = lexer.pos();
        let length = match dict.get(b"Length") {
            Object::Ref(r) => self.get(*r).ok().and_then(|o| o.as_i64()),
            other => other.as_i64(),
        };
        let raw = stream_data(
            self.bytes,
            start,
            length.and_then(|l| usize::try_from(l).ok()),
        );
        Ok(Object::Stream(dict, raw))
    }

    fn load_in_stream(&self, num: u32, stream: u32, index: u32) -> Result<Object<'a>, Decline> {
        let objects = self.object_stream(stream)?;
        let index = usize::try_from(index).unwrap_or(usize::MAX);
        // The index usually points straight at the member; a writer that got it wrong is
        // forgiven when the number appears elsewhere in the stream.
        let offset = match objects.members.get(index) {
            Some((n, off)) if *n == num => *off,
            _ => objects
                .members
                .iter()
                .find(|(n, _)| *n == num)
                .map(|(_, off)| *off)
                .ok_or(Decline::Malformed(
                    "an object missing from its object stream",
                ))?,
        };
        let mut lexer = Lexer::new(&objects.data, offset);
        let token = lexer
            .next_token()
            .ok_or(Decline::Malformed("an empty object"))?;
        let object = parse_from(&mut lexer, token, 0)?;
        detach(&object).ok_or(Decline::Malformed("a stream inside an object stream"))
    }

    fn object_stream(&self, num: u32) -> Result<Rc<ObjectStream>, Decline> {
        if let Some(s) = self.streams.borrow().get(&num) {
            return Ok(Rc::clone(s));
        }
        let object = self.get(Ref { num, generation: 0 })?;
        let Object::Stream(dict, _) = object.as_ref() else {
            return Err(Decline::Malformed("an object stream that is not a stream"));
        };
        let count = dict
            .get(b"N")
            .as_i64()
            .and_then(|n| usize::try_from(n).ok())
            .filter(|&n| n <= MAX_STREAM_OBJECTS)
            .ok_or(Decline::Malformed("an object stream without /N"))?;
        let first = dict
            .get(b"First")
            .as_i64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or(Decline::Malformed("an object stream without /First"))?;
        let data = self.stream_bytes(&object)?;
        let mut members = Vec::with_capacity(count.min(4096));
        let mut lexer = Lexer::new(&data, 0);
        for _ in 0..count {
            let (Some(Token::Int(n)), Some(Token::Int(off))) =
                (lexer.next_token(), lexer.next_token())
            else {
                break;
            };
            let (Ok(n), Some(off)) = (
                u32::try_from(n),
                usize::try_from(off).ok().and_then(|o| o.checked_add(first)),
            ) else {
                break;
            };
            members.push((n, off));
        }
        let stream = Rc::new(ObjectStream { data, members });
        self.streams.borrow_mut().insert(num, Rc::clone(&stream));
        Ok(stream)
    }
}
