//! Times reading small PDFs built to cost a lot (see `openpes_extract::pdf_guard`), with the
//! bounds (`guarded`) or with `pdf-extract` alone as before them (`unguarded`), and prints
//! the peak memory of the process. One case per run, since peak memory is per process:
//!
//! `cargo run --release -p openpes-extract --example pdf_bombs -- <inflate|pages> <guarded|unguarded>`

use std::io::Write;
use std::time::Instant;

/// A PDF of `objects` (numbered from 1; the first is the catalog) with a correct xref table.
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

/// A FlateDecode stream of `piece` repeated to `bytes` bytes.
fn flate(piece: &[u8], bytes: usize) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = piece.repeat((64 << 10) / piece.len());
    for _ in 0..bytes / chunk.len() {
        let _ = encoder.write_all(&chunk);
    }
    let data = encoder.finish().unwrap_or_default();
    let mut out = format!(
        "<< /Filter /FlateDecode /Length {} >>\nstream\n",
        data.len()
    )
    .into_bytes();
    out.extend_from_slice(&data);
    out.extend_from_slice(b"\nendstream");
    out
}

/// `pages` pages showing one content stream of `content_bytes` of text-showing operators.
fn document(pages: usize, content_bytes: usize) -> Vec<u8> {
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", 5 + i)).collect();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        )
        .into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        flate(
            b"BT /F1 12 Tf 72 700 Td (forklift operation) Tj ET\n",
            content_bytes,
        ),
    ];
    for _ in 0..pages {
        objects.push(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
              /Resources << /Font << /F1 3 0 R >> >> >>"
                .to_vec(),
        );
    }
    pdf(&objects)
}

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmHWM"))
        .unwrap_or("VmHWM: ?")
        .split_whitespace()
        .skip(1)
        .collect::<Vec<_>>()
        .join(" ")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let case = args.get(1).map_or("inflate", String::as_str);
    let guarded = args.get(2).is_none_or(|m| m == "guarded");
    let bytes = match case {
        // One page whose content inflates to 100 MB.
        "inflate" => document(1, 100 << 20),
        // 300 pages showing one content stream of 1 MiB.
        _ => document(300, 1 << 20),
    };
    println!(
        "{case}: {} KB file, peak before reading {}",
        bytes.len() >> 10,
        peak_memory()
    );
    let started = Instant::now();
    let outcome = if guarded {
        openpes_extract::document::document_text(&bytes, 1 << 20)
            .map(|(_, text)| text.len())
            .map_err(|e| e.to_string())
    } else {
        pdf_extract::extract_text_from_mem(&bytes)
            .map(|text| text.len())
            .map_err(|e| e.to_string())
    };
    println!(
        "{} {case}: {:.2} s, peak memory {}, {:?}",
        if guarded { "guarded" } else { "unguarded" },
        started.elapsed().as_secs_f64(),
        peak_memory(),
        outcome
    );
}
