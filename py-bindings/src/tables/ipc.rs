//! Tables as Arrow IPC stream bytes, for pickling.

use std::io::Cursor;

use arrow_array::RecordBatch;
use arrow_ipc::reader::StreamReader;
use arrow_ipc::writer::StreamWriter;
use arrow_schema::{ArrowError, SchemaRef};

/// Writes `batches` as an Arrow IPC stream.
///
/// # Errors
///
/// Returns Arrow's error when a batch does not match `schema`.
pub fn to_bytes(schema: &SchemaRef, batches: &[RecordBatch]) -> Result<Vec<u8>, ArrowError> {
    let mut writer = StreamWriter::try_new(Vec::new(), schema)?;
    for batch in batches {
        writer.write(batch)?;
    }
    writer.into_inner()
}

/// Reads an Arrow IPC stream.
///
/// # Errors
///
/// Returns Arrow's error when the bytes are not an IPC stream.
pub fn from_bytes(bytes: &[u8]) -> Result<(SchemaRef, Vec<RecordBatch>), ArrowError> {
    let reader = StreamReader::try_new(Cursor::new(bytes), None)?;
    let schema = reader.schema();
    let batches = reader.collect::<Result<Vec<_>, _>>()?;
    Ok((schema, batches))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::{schema, write_rows};

    #[test]
    fn round_trip_keeps_schema_and_rows() {
        let problems = schema("problems").unwrap();
        let row = serde_json::json!({
            "code": "required", "path": ["scans", 0, "learner_id"], "source": "scans",
            "index": 0, "field": "learner_id", "message": "learner_id is required",
            "params": {"field": "learner_id"},
        });
        let batch = write_rows(problems, [row]).unwrap();
        let bytes = to_bytes(&problems.arrow(), std::slice::from_ref(&batch)).unwrap();
        let (schema, batches) = from_bytes(&bytes).unwrap();
        assert_eq!(schema, problems.arrow());
        assert_eq!(batches, vec![batch]);
    }
}
