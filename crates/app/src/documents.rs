//! Reading an uploaded document (a CV or a vacancy as PDF, DOCX or text) into text, off the
//! async workers and within the extractor's size limit; what is wrong with a file is said in
//! the catalogue's words.

use crate::words::Message;
use crate::{App, AppError, ErrorKind};
use openpes_extract::document::{document_text, DocumentError, DocumentFormat};

/// The text of an uploaded file, or a problem that says what is wrong with the file.
pub async fn file_text<B: AsRef<[u8]> + Send + 'static>(
    state: &App,
    bytes: B,
) -> Result<(DocumentFormat, String), AppError> {
    let (_, extractor) = state.extraction();
    let limit = extractor.max_bytes();
    let read = tokio::task::spawn_blocking(move || document_text(bytes.as_ref(), limit))
        .await
        .map_err(|e| AppError::internal(&e))?;
    read.map_err(|e| match e {
        DocumentError::Empty | DocumentError::NoText => {
            AppError::new(ErrorKind::Invalid, Message::NoTextInFile)
        }
        DocumentError::Unsupported(kind) => AppError::new(
            ErrorKind::UnsupportedFormat,
            Message::UnsupportedFile { kind: kind.into() },
        ),
        DocumentError::NotUtf8 { offset } => {
            AppError::new(ErrorKind::Invalid, Message::FileNotUtf8 { offset })
        }
        DocumentError::Pdf(detail) => AppError::new(
            ErrorKind::Invalid,
            Message::UnreadableFile {
                format: "PDF",
                detail,
            },
        ),
        // A PDF over a bound of what reading it may cost (see openpes_extract::pdf_guard).
        e @ (DocumentError::PdfInflatesTooMuch { .. } | DocumentError::PdfTooComplex(_)) => {
            AppError::new(
                ErrorKind::Invalid,
                Message::UnreadableFile {
                    format: "PDF",
                    detail: e.to_string(),
                },
            )
        }
        DocumentError::Docx(detail) => AppError::new(
            ErrorKind::Invalid,
            Message::UnreadableFile {
                format: "DOCX",
                detail,
            },
        ),
        DocumentError::TooLarge { limit } => {
            AppError::new(ErrorKind::TooLarge, Message::TextTooLarge { limit })
        }
    })
}
