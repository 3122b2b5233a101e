//! Import speed on the real datasets kept beside the repository in
//! `../shared/data`. The benchmark imports the whole Open University Learning
//! Analytics Dataset (239,326 rows in five files) and the whole Toronto
//! drop-in schedule (32,069 rows) from memory, so disk speed does not
//! count. Without `../shared/data` it prints a message and measures nothing.

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use xuetong::bundle::MemoryBundle;
use xuetong::import::{Format, import};

fn dataset(name: &str) -> Option<MemoryBundle> {
    let folder: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("..")
        .join("shared")
        .join("data")
        .join(name);
    let Ok(entries) = std::fs::read_dir(&folder) else {
        eprintln!(
            "skipped: {} is absent; the datasets live beside the repository in ../shared/data",
            folder.display()
        );
        return None;
    };
    let mut files = MemoryBundle::new();
    for entry in entries.flatten() {
        if let Ok(bytes) = std::fs::read(entry.path()) {
            files.insert(entry.file_name().to_string_lossy().into_owned(), bytes);
        }
    }
    Some(files)
}

fn bench_import(c: &mut Criterion) {
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    for (name, format) in [
        ("oulad", Format::Oulad),
        ("toronto-dropin", Format::TorontoDropin),
    ] {
        let Some(source) = dataset(name) else {
            continue;
        };
        group.bench_function(name, |b| {
            b.iter(|| import(format, &source).map(|imported| imported.report.rows_read()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_import);
criterion_main!(benches);
