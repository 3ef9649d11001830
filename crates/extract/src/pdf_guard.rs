//! Bounds on what reading a PDF may cost, checked before `pdf-extract` reads it.
//!
//! A PDF is small on the wire and large in memory: its streams are compressed (a 100 KB
//! FlateDecode stream inflates to 100 MB, and filters chain), `lopdf` inflates object streams
//! while it loads a file, and `pdf-extract` inflates every page's content again, draws form
//! XObjects recursively (one that draws itself recurses until the stack overflows, which
//! aborts the process), re-reads each page's fonts, and expands each ToUnicode range
//! (`<00000000> <FFFFFFFF>` is four billion map entries). None of it is bounded there: a
//! 107 KB file took 6.6 GB. So, in order:
//!
//! 1. [`check_raw`], on the bytes, before `lopdf` parses anything: every stream that names a
//!    filter `lopdf` decodes (FlateDecode, LZWDecode, ASCII85Decode, in a chain) is decoded
//!    with a bounded decoder, reading from its start to the end of the file (these decoders
//!    stop at their own end marker, so this is at least what `lopdf` inflates whatever length
//!    it takes), and all streams together must stay under [`MAX_INFLATED_BYTES`]. Every
//!    `/Filter` near a stream counts (the largest decoding wins), so a name hidden by escapes
//!    (`/Fl#61teDecode`) or padding is still seen. PNG predictors' row buffers count too.
//!    Encrypted files are refused: their streams cannot be measured before `lopdf` decrypts
//!    and inflates them while loading.
//! 2. [`check_document`], on the loaded document, walks what `pdf-extract` will do: pages
//!    (at most [`MAX_PAGES`]), each page's content streams, the form XObjects they draw (at
//!    most [`MAX_FORM_DEPTH`] deep, so a loop is refused), and the streams reachable from each
//!    page's fonts with their ToUnicode ranges; the bytes interpreted, counted every time they
//!    are read, must stay under [`MAX_WORK_BYTES`].
//! 3. The text written is capped by the caller (see [`crate::document`]).

use crate::document::DocumentError;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use std::collections::{HashMap, HashSet};
use std::io::Read;

/// Most bytes all the streams of a PDF may decode to, together (intermediate results of
/// filter chains included).
pub const MAX_INFLATED_BYTES: usize = 64 << 20;
/// Most bytes `pdf-extract` may interpret, counted each time it reads them: page contents,
/// forms each time they are drawn, fonts once per page that uses them.
pub const MAX_WORK_BYTES: usize = 256 << 20;
/// Most pages read.
pub const MAX_PAGES: usize = 2_000;
/// Most objects in a document.
pub const MAX_OBJECTS: usize = 500_000;
/// Deepest nesting of form XObjects (a form drawing a form …).
pub const MAX_FORM_DEPTH: usize = 16;
/// What a stream read, a form drawn or an object visited costs besides its bytes (so that
/// many empty ones are not free).
const OVERHEAD: usize = 256;
/// What one ToUnicode map entry costs (its share of a hash map entry).
const CMAP_ENTRY_BYTES: usize = 32;
/// Most filters in one stream's chain (real files use one or two).
pub const MAX_FILTER_CHAIN: usize = 8;
/// Deepest nesting followed from a page's fonts to the streams they use.
const MAX_FONT_DEPTH: usize = 8;
/// Longest chain of `/Parent` links from a page (page trees are a few levels deep).
const MAX_PARENT_CHAIN: usize = 64;

/// A limit was passed: the PDF is refused with this message.
fn refused(what: String) -> DocumentError {
    DocumentError::PdfTooComplex(what)
}

fn inflates_too_much() -> DocumentError {
    DocumentError::PdfInflatesTooMuch {
        limit_mib: MAX_INFLATED_BYTES >> 20,
    }
}

/// A filter `lopdf` can decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    Flate,
    Lzw,
    Ascii85,
}

impl Filter {
    /// `lopdf` decodes these names only (after `#xx` escapes are resolved), and fails on any
    /// other filter of a chain, leaving the stream as it is.
    fn from_name(name: &[u8]) -> Option<Filter> {
        match name {
            b"FlateDecode" => Some(Filter::Flate),
            b"LZWDecode" => Some(Filter::Lzw),
            b"ASCII85Decode" => Some(Filter::Ascii85),
            _ => None,
        }
    }
}

/// A decoded stream ran past the budget.
#[derive(Debug)]
struct Exceeded;

/// Decodes `data` through `filters` as `lopdf` does, giving up once more than `budget` bytes
/// (all stages together) have been produced. `None` when a filter is one `lopdf` does not
/// decode (it then keeps the stream as it is).
fn decode(data: &[u8], filters: &[Filter], budget: usize) -> Result<Option<Vec<u8>>, Exceeded> {
    let mut spent = 0usize;
    let mut current: Option<Vec<u8>> = None;
    for filter in filters {
        let input = current.as_deref().unwrap_or(data);
        let left = budget.checked_sub(spent).ok_or(Exceeded)?;
        let output = match filter {
            Filter::Flate => inflate(input, left)?,
            Filter::Lzw => lzw(input, left)?,
            Filter::Ascii85 => ascii85(input, left)?,
        };
        spent += output.len();
        current = Some(output);
    }
    Ok(current)
}

/// Reads `reader` to its end or its first error, as `lopdf` does (it keeps what came before
/// an error); more than `limit` bytes is [`Exceeded`].
fn read_bounded(mut reader: impl Read, limit: usize) -> Result<Vec<u8>, Exceeded> {
    let mut out = Vec::new();
    let mut buffer = [0u8; 32 << 10];
    loop {
        match reader.read(&mut buffer) {
            Ok(0) | Err(_) => return Ok(out),
            Ok(n) => {
                if out.len() + n > limit {
                    return Err(Exceeded);
                }
                out.extend_from_slice(&buffer[..n]);
            }
        }
    }
}

/// FlateDecode as `lopdf` reads it: zlib, and when that gives nothing, raw deflate after the
/// two header bytes.
fn inflate(data: &[u8], limit: usize) -> Result<Vec<u8>, Exceeded> {
    let out = read_bounded(flate2::read::ZlibDecoder::new(data), limit)?;
    if out.is_empty() && data.len() > 2 {
        return read_bounded(flate2::read::DeflateDecoder::new(&data[2..]), limit);
    }
    Ok(out)
}

/// LZWDecode, both with and without the early code-size change (`lopdf` picks one from
/// `/EarlyChange`): the larger of the two.
fn lzw(data: &[u8], limit: usize) -> Result<Vec<u8>, Exceeded> {
    use weezl::{decode::Decoder, BitOrder};
    let run = |mut decoder: Decoder| -> Result<Vec<u8>, Exceeded> {
        let mut out = Vec::new();
        let mut buffer = [0u8; 32 << 10];
        let mut input = data;
        loop {
            let result = decoder.decode_bytes(input, &mut buffer);
            input = &input[result.consumed_in..];
            if out.len() + result.consumed_out > limit {
                return Err(Exceeded);
            }
            out.extend_from_slice(&buffer[..result.consumed_out]);
            match result.status {
                Ok(weezl::LzwStatus::Ok) => {}
                _ => return Ok(out),
            }
        }
    };
    let early = run(Decoder::with_tiff_size_switch(BitOrder::Msb, 8))?;
    let late = run(Decoder::new(BitOrder::Msb, 8))?;
    Ok(if early.len() >= late.len() {
        early
    } else {
        late
    })
}

/// ASCII85Decode as `lopdf` reads it (to the first character outside the alphabet).
fn ascii85(data: &[u8], limit: usize) -> Result<Vec<u8>, Exceeded> {
    let mut out = Vec::new();
    let mut group: u32 = 0;
    let mut count = 0;
    for &c in data {
        if c.is_ascii_whitespace() {
            continue;
        }
        if c == b'z' && count == 0 {
            out.extend_from_slice(&[0; 4]);
        } else if (b'!'..=b'u').contains(&c) {
            group = group.wrapping_mul(85).wrapping_add(u32::from(c - b'!'));
            count += 1;
            if count == 5 {
                out.extend_from_slice(&group.to_be_bytes());
                (group, count) = (0, 0);
            }
        } else {
            break;
        }
        if out.len() > limit {
            return Err(Exceeded);
        }
    }
    if count > 0 {
        out.extend_from_slice(&[0; 4][..count - 1]);
    }
    if out.len() > limit {
        return Err(Exceeded);
    }
    Ok(out)
}

/// One token of PDF syntax, as far as the raw check needs: names (escapes resolved), integers
/// and array brackets.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Name(Vec<u8>),
    Integer(i64),
    Open,
    Close,
    Other,
}

fn is_delimiter(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// The tokens of `bytes` (a dictionary and whatever surrounds it).
fn tokens(bytes: &[u8]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'/' {
            i += 1;
            let mut name = Vec::new();
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !is_delimiter(bytes[i]) {
                let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
                match (bytes[i], hex(i + 1), hex(i + 2)) {
                    (b'#', Some(high), Some(low)) => {
                        name.push((high * 16 + low) as u8);
                        i += 3;
                    }
                    (other, _, _) => {
                        name.push(other);
                        i += 1;
                    }
                }
            }
            out.push(Token::Name(name));
        } else if c == b'[' {
            out.push(Token::Open);
            i += 1;
        } else if c == b']' {
            out.push(Token::Close);
            i += 1;
        } else if c.is_ascii_digit() || c == b'-' || c == b'+' {
            let start = i;
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let text = std::str::from_utf8(&bytes[start..i]).unwrap_or("");
            out.push(text.parse().map_or(Token::Other, Token::Integer));
        } else {
            // (Runs of other bytes, such as a stream's binary data, are one token.)
            if out.last() != Some(&Token::Other) {
                out.push(Token::Other);
            }
            i += 1;
        }
    }
    out
}

/// Every filter chain named after a `/Filter` key among `tokens`; a chain of over
/// [`MAX_FILTER_CHAIN`] filters refuses the file (each could multiply the size again).
fn filter_chains(tokens: &[Token]) -> Result<Vec<Vec<Filter>>, DocumentError> {
    let mut chains = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        if *token != Token::Name(b"Filter".to_vec()) {
            continue;
        }
        let names: Vec<&[u8]> = match tokens.get(i + 1) {
            Some(Token::Name(name)) => vec![name.as_slice()],
            // An array of names (`lopdf` decodes nothing if an item is not a name); looking
            // no further than the longest chain allowed keeps this linear.
            Some(Token::Open) => tokens[i + 2..]
                .iter()
                .take(MAX_FILTER_CHAIN + 1)
                .map_while(|t| match t {
                    Token::Name(name) => Some(name.as_slice()),
                    _ => None,
                })
                .collect(),
            _ => continue,
        };
        if names.len() > MAX_FILTER_CHAIN {
            return Err(refused(format!(
                "a stream of the PDF has over {MAX_FILTER_CHAIN} filters"
            )));
        }
        // `lopdf` decodes a chain only when it knows every filter of it; up to the first
        // unknown one is what it inflates before it gives up.
        let chain: Vec<Filter> = names.iter().map_while(|n| Filter::from_name(n)).collect();
        if !chain.is_empty() {
            chains.push(chain);
        }
    }
    Ok(chains)
}

/// The largest integer following the name `key` among `tokens`.
fn largest_after(tokens: &[Token], key: &[u8]) -> Option<i64> {
    tokens
        .windows(2)
        .filter_map(|pair| match pair {
            [Token::Name(name), Token::Integer(value)] if name == key => Some(*value),
            _ => None,
        })
        .max()
}

/// The row buffers a PNG predictor allocates (two rows; `lopdf` reserves them whatever the
/// data's length).
fn predictor_bytes(tokens: &[Token]) -> usize {
    if largest_after(tokens, b"Predictor").unwrap_or(1) < 10 {
        return 0;
    }
    let get = |key: &[u8], least: i64| largest_after(tokens, key).unwrap_or(least).max(least);
    let colors = get(b"Colors", 1) as u64;
    let bits = get(b"BitsPerComponent", 8) as u64;
    let columns = get(b"Columns", 1) as u64;
    let row = colors
        .saturating_mul(bits)
        .checked_div(8)
        .unwrap_or(0)
        .saturating_mul(columns);
    usize::try_from(row.saturating_mul(2)).unwrap_or(usize::MAX)
}

/// Where `needle` occurs in `haystack`.
fn find_all<'a>(haystack: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    haystack
        .windows(needle.len())
        .enumerate()
        .filter(move |(_, w)| *w == needle)
        .map(|(i, _)| i)
}

/// The raw check (see the module documentation): refuses encrypted files and files whose
/// streams decode past [`MAX_INFLATED_BYTES`], without parsing the file with `lopdf`.
pub fn check_raw(bytes: &[u8]) -> Result<(), DocumentError> {
    let mut spent = 0usize;
    // Each stream's dictionary lies between the previous stream keyword and its own.
    let mut region_start = 0;
    for at in find_all(bytes, b"stream") {
        if at >= 3 && &bytes[at - 3..at] == b"end" {
            continue;
        }
        let region = tokens(&bytes[region_start..at]);
        region_start = at + b"stream".len();
        if region
            .iter()
            .any(|t| *t == Token::Name(b"Encrypt".to_vec()))
        {
            return Err(refused(
                "the PDF is encrypted; save or print it again without protection".into(),
            ));
        }
        let chains = filter_chains(&region)?;
        if chains.is_empty() {
            continue;
        }
        spent = spent.saturating_add(predictor_bytes(&region));
        // The data starts after the keyword, optional blanks and one end of line.
        let mut data = region_start;
        while bytes.get(data).is_some_and(|c| *c == b' ' || *c == b'\t') {
            data += 1;
        }
        if bytes.get(data..data + 2) == Some(b"\r\n") {
            data += 2;
        } else if bytes.get(data).is_some_and(|c| *c == b'\n' || *c == b'\r') {
            data += 1;
        }
        let data = bytes.get(data..).unwrap_or(&[]);
        let mut largest = 0usize;
        for chain in chains {
            let left = MAX_INFLATED_BYTES.saturating_sub(spent);
            // (Every stage is held in memory at some point: they all count.)
            let cost = match decode(data, &chain, left) {
                Ok(Some(decoded)) => decoded.len(),
                Ok(None) => 0,
                Err(Exceeded) => return Err(inflates_too_much()),
            };
            largest = largest.max(cost);
        }
        spent = spent.saturating_add(largest);
        if spent > MAX_INFLATED_BYTES {
            return Err(inflates_too_much());
        }
    }
    // The trailer (after the last stream) may name the encryption dictionary too.
    if tokens(&bytes[region_start.min(bytes.len())..])
        .iter()
        .any(|t| *t == Token::Name(b"Encrypt".to_vec()))
    {
        return Err(refused(
            "the PDF is encrypted; save or print it again without protection".into(),
        ));
    }
    Ok(())
}

/// What the walk knows about one stream.
struct StreamInfo {
    /// Its length as `pdf-extract` reads it (decoded, or raw when `lopdf` cannot decode it).
    len: usize,
    /// The entries its `bfrange`/`cidrange` sections would expand to, read as a CMap.
    cmap_entries: usize,
    /// The names its `Do` operators draw, read as a content stream.
    draws: Vec<Vec<u8>>,
}

/// The walk over a loaded document (see [`check_document`]).
struct Walk<'a> {
    doc: &'a Document,
    spent: usize,
    streams: HashMap<ObjectId, StreamInfo>,
}

impl<'a> Walk<'a> {
    fn charge(&mut self, bytes: usize) -> Result<(), DocumentError> {
        self.spent = self.spent.saturating_add(bytes);
        if self.spent > MAX_WORK_BYTES {
            return Err(refused(format!(
                "reading the PDF means interpreting over {} MiB of content (pages, forms and \
                 fonts read again and again)",
                MAX_WORK_BYTES >> 20
            )));
        }
        Ok(())
    }

    /// What stream `id` is, worked out once.
    fn stream(&mut self, id: ObjectId) -> Option<&StreamInfo> {
        if !self.streams.contains_key(&id) {
            let stream = self.doc.get_object(id).ok()?.as_stream().ok()?;
            self.streams.insert(id, stream_info(stream));
        }
        self.streams.get(&id)
    }

    /// Charges reading a content stream or form (`object`: a reference to it, or the stream
    /// itself) with `resources`, and the forms it draws, `depth` forms deep.
    fn content<'o>(
        &mut self,
        object: &'o Object,
        resources: Option<&'o Dictionary>,
        depth: usize,
    ) -> Result<(), DocumentError>
    where
        'a: 'o,
    {
        if depth > MAX_FORM_DEPTH {
            return Err(refused(format!(
                "the PDF's forms are nested over {MAX_FORM_DEPTH} deep (or draw themselves)"
            )));
        }
        let doc: &'o Document = self.doc;
        let (stream, info) = match object {
            Object::Reference(id) => {
                let Ok(stream) = doc.get_object(*id).and_then(Object::as_stream) else {
                    return Ok(());
                };
                let Some(info) = self.stream(*id) else {
                    return Ok(());
                };
                (stream, (info.len, info.draws.clone()))
            }
            // (Not valid PDF, but `lopdf` reads it, and `pdf-extract` draws it.)
            Object::Stream(stream) => {
                let info = stream_info(stream);
                (stream, (info.len, info.draws))
            }
            _ => return Ok(()),
        };
        let (len, draws) = info;
        self.charge(len + OVERHEAD)?;
        // A form's resources are its own, else those it was drawn with.
        let resources = stream
            .dict
            .get_deref(b"Resources", doc)
            .ok()
            .and_then(|r| r.as_dict().ok())
            .filter(|_| depth > 0)
            .or(resources);
        let xobjects = resources
            .and_then(|r| r.get_deref(b"XObject", doc).ok())
            .and_then(|x| x.as_dict().ok());
        for name in draws {
            self.charge(OVERHEAD)?;
            if let Some(form) = xobjects.and_then(|x| x.get(&name).ok()) {
                self.content(form, resources, depth + 1)?;
            }
        }
        Ok(())
    }

    /// Charges the streams reachable from `object` (a page's fonts), each once per page.
    fn fonts(
        &mut self,
        object: &'a Object,
        seen: &mut HashSet<ObjectId>,
        depth: usize,
    ) -> Result<(), DocumentError> {
        self.charge(OVERHEAD / 4)?;
        if depth > MAX_FONT_DEPTH {
            return Ok(());
        }
        match object {
            Object::Reference(id) => {
                if !seen.insert(*id) {
                    return Ok(());
                }
                if let Some(info) = self.stream(*id) {
                    let cost = info.len + info.cmap_entries.saturating_mul(CMAP_ENTRY_BYTES);
                    self.charge(cost)?;
                }
                if let Ok(target) = self.doc.get_object(*id) {
                    self.fonts(target, seen, depth + 1)?;
                }
            }
            Object::Array(items) => {
                for item in items {
                    self.fonts(item, seen, depth + 1)?;
                }
            }
            Object::Dictionary(dict) => {
                for (_, value) in dict.iter() {
                    self.fonts(value, seen, depth + 1)?;
                }
            }
            Object::Stream(stream) => {
                for (_, value) in stream.dict.iter() {
                    self.fonts(value, seen, depth + 1)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// What a stream is, as `pdf-extract` reads it.
fn stream_info(stream: &Stream) -> StreamInfo {
    let filters: Option<Vec<Filter>> = stream.filters().ok().map(|names| {
        names
            .iter()
            .map(|n| Filter::from_name(n))
            .collect::<Option<Vec<Filter>>>()
            .unwrap_or_default()
    });
    // `check_raw` has bounded every decoding already; this one is bounded as well.
    let decoded = match filters {
        Some(chain) if !chain.is_empty() => decode(&stream.content, &chain, MAX_INFLATED_BYTES)
            .ok()
            .flatten(),
        _ => None,
    };
    let content = decoded.as_deref().unwrap_or(&stream.content);
    StreamInfo {
        len: content.len(),
        cmap_entries: cmap_entries(content),
        draws: drawn_names(content),
    }
}

/// The names drawn by `Do` in `content`, read as a content stream (nothing if it is not one).
fn drawn_names(content: &[u8]) -> Vec<Vec<u8>> {
    if !find_all(content, b"Do").any(|_| true) {
        return Vec::new();
    }
    let Ok(parsed) = lopdf::content::Content::decode(content) else {
        return Vec::new();
    };
    parsed
        .operations
        .into_iter()
        .filter(|op| op.operator == "Do")
        .filter_map(|op| op.operands.first()?.as_name().ok().map(<[u8]>::to_vec))
        .collect()
}

/// How many entries the `bfrange` and `cidrange` sections of `content` expand to, were it a
/// CMap: each range maps every code from its first to its last (codes of up to four bytes,
/// as `adobe-cmap-parser` reads them).
fn cmap_entries(content: &[u8]) -> usize {
    // A section runs from its begin marker to the next marker of any kind (one pass over the
    // markers: sections never overlap, so this stays linear however many there are).
    // (Position, and for a begin marker its length; 0 for an end marker.)
    let mut markers: Vec<(usize, usize)> = Vec::new();
    for (marker, begins) in [
        (&b"beginbfrange"[..], true),
        (b"begincidrange", true),
        (b"endbfrange", false),
        (b"endcidrange", false),
    ] {
        let len = if begins { marker.len() } else { 0 };
        markers.extend(find_all(content, marker).map(|at| (at, len)));
    }
    if markers.is_empty() {
        return 0;
    }
    markers.sort_unstable();
    let mut total = 0usize;
    for (i, (at, len)) in markers.iter().enumerate() {
        if *len == 0 {
            continue;
        }
        let end = markers.get(i + 1).map_or(content.len(), |(next, _)| *next);
        let start = (at + len).min(end);
        total = total.saturating_add(range_entries(&content[start..end]));
    }
    total
}

/// The entries of the ranges `<lo> <hi> destination` in `body`.
fn range_entries(body: &[u8]) -> usize {
    // The hex strings and arrays in order; a range is two hex strings and what follows.
    let mut items: Vec<Option<u64>> = Vec::new();
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'<' => {
                let end = body[i..]
                    .iter()
                    .position(|c| *c == b'>')
                    .map_or(body.len(), |n| i + n);
                let digits: Vec<u32> = body[i + 1..end]
                    .iter()
                    .filter_map(|c| (*c as char).to_digit(16))
                    .collect();
                // Two hex digits a byte, a lone last digit padded; bytes shifted into a u32.
                let code = digits.chunks(2).fold(0u32, |code, pair| {
                    let byte = pair[0] * 16 + pair.get(1).copied().unwrap_or(0);
                    code.wrapping_shl(8) | byte
                });
                items.push(Some(u64::from(code)));
                i = end + 1;
            }
            b'[' => {
                i += body[i..]
                    .iter()
                    .position(|c| *c == b']')
                    .map_or(body.len(), |n| n + 1);
                items.push(None);
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                while i < body.len()
                    && !body[i].is_ascii_whitespace()
                    && !matches!(body[i], b'<' | b'[')
                {
                    i += 1;
                }
                items.push(None);
            }
        }
    }
    items
        .chunks(3)
        .filter_map(|range| match range {
            [Some(lo), Some(hi), ..] if hi >= lo => Some(hi - lo + 1),
            _ => None,
        })
        .fold(0usize, |total, n| {
            total.saturating_add(usize::try_from(n).unwrap_or(usize::MAX))
        })
}

/// The walk (see the module documentation): refuses documents with too many objects or
/// pages, looping page trees, forms nested too deep, or more than [`MAX_WORK_BYTES`] to
/// interpret.
pub fn check_document(doc: &Document) -> Result<(), DocumentError> {
    if doc.objects.len() > MAX_OBJECTS {
        return Err(refused(format!("the PDF has over {MAX_OBJECTS} objects")));
    }
    let pages = doc.get_pages();
    if pages.len() > MAX_PAGES {
        return Err(refused(format!("the PDF has over {MAX_PAGES} pages")));
    }
    let mut walk = Walk {
        doc,
        spent: 0,
        streams: HashMap::new(),
    };
    for page_id in pages.into_values() {
        let Ok(page) = doc.get_dictionary(page_id) else {
            continue;
        };
        // `pdf-extract` looks up inherited keys through `/Parent` without end: a loop would
        // never return.
        let mut resources: Option<&Dictionary> = None;
        let mut node = page;
        let mut chain = HashSet::new();
        loop {
            if resources.is_none() {
                resources = node
                    .get_deref(b"Resources", doc)
                    .ok()
                    .and_then(|r| r.as_dict().ok());
            }
            let Ok(parent) = node.get(b"Parent").and_then(Object::as_reference) else {
                break;
            };
            if !chain.insert(parent) || chain.len() > MAX_PARENT_CHAIN {
                return Err(refused("the PDF's page tree loops".into()));
            }
            let Ok(next) = doc.get_dictionary(parent) else {
                break;
            };
            node = next;
        }
        walk.charge(OVERHEAD)?;
        let contents: Vec<Object> = doc
            .get_page_contents(page_id)
            .into_iter()
            .map(Object::Reference)
            .collect();
        for content in &contents {
            walk.content(content, resources, 0)?;
        }
        if let Some(fonts) = resources.and_then(|r| r.get(b"Font").ok()) {
            walk.fonts(fonts, &mut HashSet::new(), 0)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_with_escapes_and_filters_in_chains() {
        let tokens = tokens(b"<< /Length 12 /Filter [/Fl#61teDecode /ASCII85Decode] >>");
        assert_eq!(
            filter_chains(&tokens).ok(),
            Some(vec![vec![Filter::Flate, Filter::Ascii85]])
        );
        assert_eq!(largest_after(&tokens, b"Length"), Some(12));
        // A chain is decoded up to its first filter lopdf does not know.
        let tokens = super::tokens(b"/Filter [/FlateDecode /DCTDecode /FlateDecode]");
        assert_eq!(filter_chains(&tokens).ok(), Some(vec![vec![Filter::Flate]]));
        let nine = super::tokens(format!("/Filter [{}]", "/FlateDecode ".repeat(9)).as_bytes());
        assert!(filter_chains(&nine).is_err());
    }

    #[test]
    fn ranges_of_cmaps_are_counted() {
        let cmap =
            b"2 beginbfrange\n<0000> <00FF> <0020>\n<0100> <0101> [<0041> <0042>]\nendbfrange\n\
                     1 begincidrange <00000000> <FFFFFFFF> 0 endcidrange";
        assert_eq!(cmap_entries(cmap), 256 + 2 + (1 << 32));
    }

    #[test]
    fn scans_stay_linear_on_repeated_markers() {
        let started = std::time::Instant::now();
        assert_eq!(cmap_entries(&b"beginbfrange <00> ".repeat(200_000)), 0);
        let mut file = b"%PDF-1.7\n".to_vec();
        file.extend_from_slice(&b"/Filter [ ".repeat(200_000));
        file.extend_from_slice(b"stream\nx\nendstream");
        assert!(check_raw(&file).is_ok());
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn ascii85_matches_the_reference() {
        assert_eq!(
            ascii85(b"87cURD]i,\"Ebo80~>", 100).ok(),
            Some(b"Hello World!".to_vec())
        );
        assert!(ascii85(&b"z".repeat(100), 100).is_err());
    }

    #[test]
    fn predictor_rows_count() {
        let tokens = tokens(b"/DecodeParms << /Predictor 12 /Columns 1000000000 /Colors 4 >>");
        assert_eq!(predictor_bytes(&tokens), 8_000_000_000);
        assert_eq!(predictor_bytes(&super::tokens(b"/Columns 5")), 0);
    }
}
