//! Uploaded files (a CV, a vacancy) to plain text, before extraction reads them.
//!
//! - **Plain text**: UTF-8, with or without a byte-order mark; UTF-16 with a byte-order mark.
//! - **PDF**: the text layer, read by the `pdf-extract` crate. A scanned PDF has no text layer
//!   and gets [`DocumentError::NoText`] (there is no OCR). The crate may panic on malformed
//!   files; that is caught and reported as [`DocumentError::Pdf`]. Nothing in it bounds what a
//!   file may inflate to or make it do, so [`crate::pdf_guard`] checks the file first
//!   (decompressed size, pages, forms, fonts; see there) and the text written is capped as it
//!   is written.
//! - **DOCX**: the paragraphs, tabs and line breaks of `word/document.xml`, read with the `zip`
//!   and `quick-xml` crates. Decompression stops at a limit, so a zip bomb costs nothing.
//!
//! The format is recognised from the bytes themselves, never from a file name. Old Word (`.doc`)
//! and other formats are refused with a message that says what to send instead.

use std::io::Read;

/// The formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentFormat {
    Text,
    Pdf,
    Docx,
}

impl DocumentFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentFormat::Text => "text",
            DocumentFormat::Pdf => "pdf",
            DocumentFormat::Docx => "docx",
        }
    }
}

/// Why a file gave no text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("the file is empty")]
    Empty,
    #[error("{0} files are not read; send a PDF, a DOCX or plain text")]
    Unsupported(&'static str),
    #[error("the text is not UTF-8 (invalid byte at offset {offset})")]
    NotUtf8 { offset: usize },
    #[error("the PDF cannot be read: {0}")]
    Pdf(String),
    /// The PDF's streams decode to more than [`crate::pdf_guard::MAX_INFLATED_BYTES`].
    #[error("the PDF's content inflates past the limit of {limit_mib} MiB")]
    PdfInflatesTooMuch { limit_mib: usize },
    /// Another bound of [`crate::pdf_guard`] was passed (pages, forms, work, encryption).
    #[error("the PDF is not read: {0}")]
    PdfTooComplex(String),
    #[error("the DOCX cannot be read: {0}")]
    Docx(String),
    #[error("the file has no text (a scanned document needs to be typed in or read by OCR first)")]
    NoText,
    #[error("the file's text is longer than the limit of {limit} bytes")]
    TooLarge { limit: usize },
}

/// The format of `bytes`, from their first bytes.
pub fn detect(bytes: &[u8]) -> Result<DocumentFormat, DocumentError> {
    let start = &bytes[..bytes.len().min(1024)];
    if bytes.is_empty() {
        Err(DocumentError::Empty)
    } else if start.windows(5).any(|w| w == b"%PDF-") {
        Ok(DocumentFormat::Pdf)
    } else if bytes.starts_with(b"PK\x03\x04") {
        Ok(DocumentFormat::Docx)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Err(DocumentError::Unsupported("Word 97–2003 (.doc)"))
    } else if bytes.starts_with(b"{\\rtf") {
        Err(DocumentError::Unsupported("RTF"))
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G']) || bytes.starts_with(&[0xFF, 0xD8]) {
        Err(DocumentError::Unsupported("Image"))
    } else {
        Ok(DocumentFormat::Text)
    }
}

/// The text of a file, with whitespace tidied (runs of spaces and blank lines shortened,
/// control characters dropped); at most `max_text_bytes` of it.
pub fn document_text(
    bytes: &[u8],
    max_text_bytes: usize,
) -> Result<(DocumentFormat, String), DocumentError> {
    let format = detect(bytes)?;
    let raw = match format {
        DocumentFormat::Text => plain_text(bytes)?,
        DocumentFormat::Pdf => pdf_text(bytes, max_text_bytes)?,
        DocumentFormat::Docx => docx_text(bytes, max_text_bytes.saturating_mul(8))?,
    };
    let text = tidy(&raw);
    if text.is_empty() {
        return Err(DocumentError::NoText);
    }
    if text.len() > max_text_bytes {
        return Err(DocumentError::TooLarge {
            limit: max_text_bytes,
        });
    }
    Ok((format, text))
}

fn plain_text(bytes: &[u8]) -> Result<String, DocumentError> {
    let utf16 = |bytes: &[u8], little: bool| {
        let units = bytes.chunks_exact(2).map(|pair| {
            if little {
                u16::from_le_bytes([pair[0], pair[1]])
            } else {
                u16::from_be_bytes([pair[0], pair[1]])
            }
        });
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect::<String>()
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return Ok(utf16(rest, true));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return Ok(utf16(rest, false));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    std::str::from_utf8(bytes)
        .map(str::to_string)
        .map_err(|e| DocumentError::NotUtf8 {
            offset: e.valid_up_to(),
        })
}

/// The text layer of a PDF, refused when reading it would cost too much (see
/// [`crate::pdf_guard`]) or write more than `max_text_bytes` (with room for the spaces and
/// blank lines that [`tidy`] removes).
fn pdf_text(bytes: &[u8], max_text_bytes: usize) -> Result<String, DocumentError> {
    crate::pdf_guard::check_raw(bytes)?;
    let limit = max_text_bytes.saturating_mul(4).saturating_add(4096);
    let mut text = CappedText {
        bytes: Vec::new(),
        limit,
        overflowed: false,
    };
    // The crates index and unwrap freely on malformed files: a panic is a bad file here.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let doc =
            lopdf::Document::load_mem(bytes).map_err(|e| DocumentError::Pdf(e.to_string()))?;
        crate::pdf_guard::check_document(&doc)?;
        let sink: &mut dyn std::io::Write = &mut text;
        let mut output = pdf_extract::PlainTextOutput::new(sink);
        pdf_extract::output_doc(&doc, &mut output).map_err(|e| DocumentError::Pdf(e.to_string()))
    }));
    match outcome {
        _ if text.overflowed => Err(DocumentError::TooLarge {
            limit: max_text_bytes,
        }),
        Ok(Ok(())) => Ok(String::from_utf8_lossy(&text.bytes).into_owned()),
        Ok(Err(error)) => Err(error),
        Err(_) => Err(DocumentError::Pdf("malformed file".into())),
    }
}

/// Where a PDF's text is written: refuses to grow past `limit` bytes, so that a small file
/// cannot write gigabytes (a font may map one character code to a long string).
struct CappedText {
    bytes: Vec<u8>,
    limit: usize,
    overflowed: bool,
}

impl std::io::Write for CappedText {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > self.limit {
            self.overflowed = true;
            return Err(std::io::Error::other("the text is over the limit"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The text of `word/document.xml`, reading at most `max_xml_bytes` of it.
fn docx_text(bytes: &[u8], max_xml_bytes: usize) -> Result<String, DocumentError> {
    let docx = |e: &dyn std::fmt::Display| DocumentError::Docx(e.to_string());
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| docx(&e))?;
    let entry = archive
        .by_name("word/document.xml")
        .map_err(|_| DocumentError::Docx("no word/document.xml (not a Word document)".into()))?;
    let mut xml = Vec::new();
    entry
        .take(max_xml_bytes as u64 + 1)
        .read_to_end(&mut xml)
        .map_err(|e| docx(&e))?;
    if xml.len() > max_xml_bytes {
        return Err(DocumentError::TooLarge {
            limit: max_xml_bytes / 8,
        });
    }
    wordml_text(&xml).map_err(|e| docx(&e))
}

/// Paragraph text of WordprocessingML: `w:t` runs, `w:tab`, `w:br`/`w:cr`, and a line break
/// after each paragraph and table cell.
fn wordml_text(xml: &[u8]) -> Result<String, quick_xml::Error> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut out = String::new();
    let mut in_text = false;
    let mut buffer = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer)? {
            Event::Start(e) => in_text = e.local_name().into_inner() == "t",
            Event::Empty(e) => match e.local_name().into_inner() {
                "tab" => out.push('\t'),
                "br" | "cr" | "p" => out.push('\n'),
                _ => {}
            },
            Event::End(e) => match e.local_name().into_inner() {
                "t" => in_text = false,
                "p" | "tc" => out.push('\n'),
                _ => {}
            },
            Event::Text(text) if in_text => out.push_str(&text.xml10_content()),
            Event::GeneralRef(reference) if in_text => {
                // `&amp;`, `&#x4E2D;` and the like arrive as their own events.
                let entity = format!("&{};", reference.into_inner());
                let resolved =
                    quick_xml::escape::unescape(&entity).map_err(quick_xml::Error::Escape)?;
                out.push_str(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    Ok(out)
}

/// Drops control characters (but tabs and line breaks), shortens runs of spaces to one and of
/// blank lines to one, and trims each line's end.
fn tidy(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut blank_lines = 0;
    for line in raw.lines() {
        let mut cleaned = String::with_capacity(line.len());
        let mut last_space = false;
        for c in line.chars() {
            let c = if c == '\t' || c == '\u{a0}' { ' ' } else { c };
            if c.is_control() || c == '\u{feff}' {
                continue;
            }
            if c == ' ' {
                if !last_space && !cleaned.is_empty() {
                    cleaned.push(' ');
                }
                last_space = true;
            } else {
                cleaned.push(c);
                last_space = false;
            }
        }
        let cleaned = cleaned.trim_end();
        if cleaned.is_empty() {
            blank_lines += 1;
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if blank_lines > 0 {
                out.push('\n');
            }
        }
        blank_lines = 0;
        out.push_str(cleaned);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A DOCX with the given `word/document.xml` body.
    pub(crate) fn docx(body: &str) -> Vec<u8> {
        let xml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
             <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
             <w:body>{body}</w:body></w:document>"
        );
        let mut out = std::io::Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut out);
            let options = zip::write::SimpleFileOptions::default();
            let _ = zip.start_file("[Content_Types].xml", options);
            let _ = zip.write_all(b"<Types/>");
            let _ = zip.start_file("word/document.xml", options);
            let _ = zip.write_all(xml.as_bytes());
            let _ = zip.finish();
        }
        out.into_inner()
    }

    #[test]
    fn docx_paragraphs_tabs_and_entities_become_lines() {
        let bytes = docx(
            "<w:p><w:r><w:t>陳怡君</w:t></w:r></w:p>\
             <w:p><w:r><w:t xml:space=\"preserve\">Skills: </w:t></w:r><w:r><w:t>POS &amp; cash</w:t></w:r><w:r><w:tab/><w:t>forklift</w:t></w:r></w:p>\
             <w:p/><w:p/>\
             <w:tbl><w:tr><w:tc><w:p><w:r><w:t>2019–2023</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
        );
        let (format, text) = document_text(&bytes, 10_000).expect("readable");
        assert_eq!(format, DocumentFormat::Docx);
        assert_eq!(text, "陳怡君\nSkills: POS & cash forklift\n\n2019–2023");
    }

    /// A one-page CV written by us with lopdf: three lines in a Type0 (Identity-H) font whose
    /// characters are known only through its ToUnicode map, as in PDFs exported by word
    /// processors, and one English line in Helvetica.
    const CV_PDF: &[u8] = include_bytes!("../tests/fixtures/cv-zh.pdf");

    #[test]
    fn pdf_text_layer_in_chinese_and_english() {
        let (format, text) = document_text(CV_PDF, 10_000).expect("readable");
        assert_eq!(format, DocumentFormat::Pdf);
        assert_eq!(
            text,
            "陳怡君\n收銀員三年經驗\n堆高機操作\n\nSkills: cash handling, customer service, forklift operation."
        );
        // A cut-off file is an error, never a panic.
        for cut in [10, CV_PDF.len() / 2, CV_PDF.len() - 40] {
            assert!(
                document_text(&CV_PDF[..cut], 10_000).is_err(),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn plain_text_in_utf8_and_utf16() {
        let (format, text) =
            document_text("\u{feff}收銀  員\r\n\r\n\r\nPOS".as_bytes(), 100).expect("text");
        assert_eq!(
            (format, text.as_str()),
            (DocumentFormat::Text, "收銀 員\n\nPOS")
        );
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("堆高機".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(document_text(&utf16, 100).map(|r| r.1), Ok("堆高機".into()));
        assert_eq!(
            document_text(&[b'a', 0xFF, b'b'], 100),
            Err(DocumentError::NotUtf8 { offset: 1 })
        );
    }

    #[test]
    fn other_formats_and_bad_files_get_clear_errors() {
        assert_eq!(document_text(b"", 100), Err(DocumentError::Empty));
        assert_eq!(document_text(b"   \n\t ", 100), Err(DocumentError::NoText));
        assert!(matches!(
            document_text(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0], 100),
            Err(DocumentError::Unsupported(_))
        ));
        assert!(matches!(
            document_text(b"PK\x03\x04 not really a zip", 100),
            Err(DocumentError::Docx(_))
        ));
        assert!(matches!(
            document_text(b"%PDF-1.7\n garbage", 100),
            Err(DocumentError::Pdf(_))
        ));
        assert_eq!(
            document_text("word ".repeat(50).as_bytes(), 100),
            Err(DocumentError::TooLarge { limit: 100 })
        );
    }

    #[test]
    fn a_docx_that_inflates_past_the_limit_is_refused() {
        let body = "<w:p><w:r><w:t>aaaaaaaaaaaaaaaa</w:t></w:r></w:p>".repeat(20_000);
        let bytes = docx(&body);
        assert!(bytes.len() < 100_000, "compresses well: {}", bytes.len());
        assert!(matches!(
            document_text(&bytes, 10_000),
            Err(DocumentError::TooLarge { .. })
        ));
    }

    /// A PDF made of `objects` (numbered from 1; the first is the catalog), with a correct
    /// cross-reference table.
    fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
        let mut out = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for offset in offsets {
            out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }

    /// A stream object: `dict` entries, the data compressed with zlib, `/Length`.
    fn flate_stream(dict: &str, data: &mut dyn FnMut(&mut dyn Write)) -> Vec<u8> {
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        data(&mut encoder);
        let compressed = encoder.finish().unwrap_or_default();
        let mut out = format!("<< {dict} /Length {} >>\nstream\n", compressed.len()).into_bytes();
        out.extend_from_slice(&compressed);
        out.extend_from_slice(b"\nendstream");
        out
    }

    /// Catalog, one page tree of `pages` pages that all show content object 4 (with font 3
    /// as /F1, and `resources` added to their resources), then `rest` from object 4 on.
    fn document(pages: usize, resources: &str, rest: Vec<Vec<u8>>) -> Vec<u8> {
        let first_page = 4 + rest.len();
        let kids: Vec<String> = (0..pages)
            .map(|i| format!("{} 0 R", first_page + i))
            .collect();
        let mut objects = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            format!(
                "<< /Type /Pages /Kids [{}] /Count {pages} >>",
                kids.join(" ")
            )
            .into_bytes(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        ];
        objects.extend(rest);
        for _ in 0..pages {
            objects.push(
                format!(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
                     /Resources << /Font << /F1 3 0 R >> {resources} >> >>"
                )
                .into_bytes(),
            );
        }
        pdf(&objects)
    }

    fn repeated(piece: &'static [u8], bytes: usize) -> impl FnMut(&mut dyn Write) {
        move |out: &mut dyn Write| {
            let chunk = piece.repeat((64 << 10) / piece.len());
            for _ in 0..bytes / chunk.len() {
                let _ = out.write_all(&chunk);
            }
        }
    }

    #[test]
    fn a_small_pdf_of_ours_is_read() {
        let content = flate_stream("/Filter /FlateDecode", &mut |out: &mut dyn Write| {
            let _ = out.write_all(b"BT /F1 12 Tf 72 700 Td (Forklift operation) Tj ET");
        });
        let bytes = document(1, "", vec![content]);
        assert_eq!(
            document_text(&bytes, 10_000),
            Ok((DocumentFormat::Pdf, "Forklift operation".to_string()))
        );
    }

    #[test]
    fn a_pdf_that_inflates_to_100_mb_is_refused_quickly() {
        let content = flate_stream("/Filter /FlateDecode", &mut repeated(b" ", 100 << 20));
        assert!(content.len() < 200_000, "{}", content.len());
        let bytes = document(1, "", vec![content]);
        let started = std::time::Instant::now();
        let result = document_text(&bytes, 1 << 20);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(
            result,
            Err(DocumentError::PdfInflatesTooMuch { limit_mib: 64 })
        );
    }

    #[test]
    fn hidden_and_chained_filters_are_seen() {
        // An escaped filter name, the data 200 KB after it, and an object stream.
        let padding = "0 ".repeat(100_000);
        let content = flate_stream(
            &format!("/Filter /Fl#61teDecode /Padding [{padding}]"),
            &mut repeated(b"q Q ", 100 << 20),
        );
        let bytes = document(1, "", vec![content]);
        assert!(matches!(
            document_text(&bytes, 1 << 20),
            Err(DocumentError::PdfInflatesTooMuch { .. })
        ));
        let objects = flate_stream(
            "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
            &mut repeated(b"6 0 ", 100 << 20),
        );
        let bytes = document(1, "", vec![b"<< >>".to_vec(), objects]);
        assert!(matches!(
            document_text(&bytes, 1 << 20),
            Err(DocumentError::PdfInflatesTooMuch { .. })
        ));
    }

    #[test]
    fn a_form_that_draws_itself_is_refused() {
        // Object 4: the page content draws /X, object 5: form /X draws itself (it aborted the
        // process with a stack overflow).
        let content = flate_stream("/Filter /FlateDecode", &mut |out: &mut dyn Write| {
            let _ = out.write_all(b"/X Do");
        });
        let form = flate_stream(
            "/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Filter /FlateDecode",
            &mut |out: &mut dyn Write| {
                let _ = out.write_all(b"BT /F1 12 Tf (loop) Tj ET /X Do");
            },
        );
        let bytes = document(1, "/XObject << /X 5 0 R >>", vec![content, form]);
        assert!(
            matches!(
                document_text(&bytes, 10_000),
                Err(DocumentError::PdfTooComplex(_))
            ),
            "{:?}",
            document_text(&bytes, 10_000)
        );
    }

    #[test]
    fn content_read_again_on_every_page_counts_every_time() {
        // 300 pages show one content stream of 1 MiB: 300 MiB to interpret.
        let content = flate_stream("/Filter /FlateDecode", &mut repeated(b"q Q ", 1 << 20));
        let bytes = document(300, "", vec![content]);
        let started = std::time::Instant::now();
        let result = document_text(&bytes, 1 << 20);
        assert!(
            matches!(&result, Err(DocumentError::PdfTooComplex(why)) if why.contains("interpreting")),
            "{result:?}"
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(3));
    }

    #[test]
    fn a_to_unicode_map_of_four_billion_codes_is_refused() {
        let cmap = flate_stream("/Filter /FlateDecode", &mut |out: &mut dyn Write| {
            let _ = out.write_all(
                b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
                  1 begincodespacerange <00000000> <FFFFFFFF> endcodespacerange\n\
                  1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange\n\
                  endcmap CMapName currentdict /CMap defineresource pop end end",
            );
        });
        let content = flate_stream("/Filter /FlateDecode", &mut |out: &mut dyn Write| {
            let _ = out.write_all(b"BT /F2 12 Tf 72 700 Td (A) Tj ET");
        });
        let font =
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 5 0 R >>".to_vec();
        let bytes = document(1, "/Font << /F2 6 0 R >>", vec![content, cmap, font]);
        let result = document_text(&bytes, 10_000);
        assert!(
            matches!(&result, Err(DocumentError::PdfTooComplex(why)) if why.contains("interpreting")),
            "{result:?}"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        /// Damaged files (bytes flipped anywhere in a real PDF or DOCX) and random bytes give
        /// text or an error, never a panic or a hang.
        #[test]
        fn damaged_files_never_panic(
            which in 0usize..3,
            flips in proptest::collection::vec((0usize..1_000_000, proptest::prelude::any::<u8>()), 1..8),
            random in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
        ) {
            let mut bytes = match which {
                0 => CV_PDF.to_vec(),
                1 => docx("<w:p><w:r><w:t>收銀員 cashier</w:t></w:r></w:p>"),
                _ => random,
            };
            if !bytes.is_empty() {
                let len = bytes.len();
                for (at, value) in flips {
                    bytes[at % len] = value;
                }
            }
            if let Ok((_, text)) = document_text(&bytes, 10_000) {
                proptest::prop_assert!(!text.is_empty() && text.len() <= 10_000);
            }
        }
    }
}
