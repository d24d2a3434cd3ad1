//! Reading microdata: CSV in parallel chunks, XLSX row by row; validation, classification and
//! aggregation or per-enterprise output.
//!
//! CSV: one reader thread cuts the input into chunks at record boundaries (a newline outside
//! quotes); worker threads split quote-free lines on commas in place and hand records with quotes
//! to csv-core (no per-row allocation for valid rows), validate, classify and add into their own
//! [`Accumulator`]; the calling thread writes per-chunk outputs (rejects, review list, per-row
//! classification) in input order. Rejected records are copied into a `csv::ByteRecord`. Chunk
//! buffers are recycled through a bounded pool, so memory is `in_flight × chunk size` plus the
//! accumulators, whatever the file size.

use std::collections::BTreeMap;
use std::io::{Read, Seek, Write};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Mutex;

use csv::ByteRecord;
use digecon_core::Located;

use crate::aggregate::Accumulator;
use crate::error::Error;
use crate::money::float_cell_text;
use crate::record::{parse_row, Columns, Row};
use crate::regions::Regions;
use crate::rules::{Classifier, Decision, Outcome};
use crate::va::VaRates;

/// Reference data for a run.
pub struct Engine {
    pub classifier: Classifier,
    pub regions: Regions,
    pub va_rates: VaRates,
    /// VA rate per classification slot.
    pub slot_rates: Vec<Option<f64>>,
}

impl Engine {
    pub fn new(classifier: Classifier, regions: Regions, va_rates: VaRates) -> Self {
        let slot_rates = va_rates.per_slot(&classifier.table);
        Self { classifier, regions, va_rates, slot_rates }
    }

    /// Shipped NBS 2021 table and rules, the project's regions, shipped VA rates.
    pub fn shipped() -> Self {
        Self::new(Classifier::nbs2021(), Regions::jiangxi(), VaRates::shipped())
    }

    pub fn new_accumulator(&self, top_n: usize) -> Accumulator {
        Accumulator::new(self.regions.counties.len(), self.classifier.table.slots.len(), top_n)
    }
}

/// Tuning.
#[derive(Debug, Clone)]
pub struct Options {
    /// Worker threads for CSV (0 = available parallelism).
    pub threads: usize,
    /// Target chunk size in bytes.
    pub chunk_bytes: usize,
    /// Top-N enterprises kept per county and year.
    pub top_n: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self { threads: 0, chunk_bytes: 4 << 20, top_n: 10 }
    }
}

/// What to produce per row.
pub enum Task<'a> {
    /// Per-enterprise classification CSV (`CLASSIFY_HEADER`).
    Classify { out: &'a mut dyn Write },
    /// Aggregate; enterprises needing review are listed in `review` (`REVIEW_HEADER`).
    Aggregate { review: &'a mut dyn Write },
}

/// Per-enterprise output columns (issue 5).
pub const CLASSIFY_HEADER: [&str; 9] =
    ["uscc", "year", "industry_code", "small_class", "medium_class", "major_class", "core", "reason", "needs_review"];
/// Review list columns.
pub const REVIEW_HEADER: [&str; 8] = ["line", "uscc", "name", "region_code", "industry_code", "year", "revenue", "reason"];

/// Something the caller may show: every rejected row, every warning, progress.
pub enum Event<'a> {
    /// A row kept out of the results; `message` is `file:line: …`.
    Reject { line: u64, message: &'a str },
    /// A row kept in the results with a caveat.
    Warning { line: u64, message: &'a str },
    /// Bytes (CSV) or rows (XLSX) done so far.
    Progress { done: u64 },
}

/// Where rejects and events go.
pub struct Sinks<'a> {
    /// Rejects CSV: `file,line,message,` + the input's own columns.
    pub rejects: &'a mut dyn Write,
    pub on_event: &'a mut dyn FnMut(Event<'_>),
}

/// Counts of a run. `rows = valid + rejected`; `valid = core + non_core + needs_review`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub rows: u64,
    pub valid: u64,
    pub rejected: u64,
    pub core: u64,
    pub non_core: u64,
    pub needs_review: u64,
    pub warnings: u64,
    pub ignored_columns: Vec<String>,
}

impl Summary {
    fn add(&mut self, o: &Summary) {
        self.rows += o.rows;
        self.valid += o.valid;
        self.rejected += o.rejected;
        self.core += o.core;
        self.non_core += o.non_core;
        self.needs_review += o.needs_review;
        self.warnings += o.warnings;
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Classify,
    Aggregate,
}

/// Output of one chunk, written by the calling thread in input order.
struct ChunkOut {
    seq: u64,
    done: u64,
    counts: Summary,
    rejects: Vec<(u64, String, ByteRecord)>,
    warnings: Vec<(u64, String)>,
    records: Vec<u8>,
    review: Vec<u8>,
    buf: Vec<u8>,
}

impl ChunkOut {
    fn new(seq: u64, buf: Vec<u8>) -> Self {
        Self {
            seq,
            done: 0,
            counts: Summary::default(),
            rejects: Vec::new(),
            warnings: Vec::new(),
            records: Vec::new(),
            review: Vec::new(),
            buf,
        }
    }
}

struct Ctx<'a> {
    engine: &'a Engine,
    cols: &'a Columns,
    mode: Mode,
}

impl Ctx<'_> {
    /// Validates, classifies and routes one record.
    #[inline]
    fn handle(&self, rec: &[&[u8]], line: u64, pre_errors: &[String], acc: &mut Accumulator, out: &mut ChunkOut) {
        out.counts.rows += 1;
        let table = &self.engine.classifier.table;
        let parsed = parse_row(rec, self.cols, &self.engine.regions, table);
        let row = match (parsed, pre_errors.is_empty()) {
            (Ok(row), true) => row,
            (res, _) => {
                let mut msgs: Vec<String> = pre_errors.to_vec();
                if let Err(e) = res {
                    msgs.push(e);
                }
                out.counts.rejected += 1;
                out.rejects.push((line, msgs.join("；"), rec.iter().collect()));
                return;
            }
        };
        out.counts.valid += 1;
        let d = self.engine.classifier.classify(row.industry_code, row.business_scope);
        match d.outcome {
            Outcome::Core(_) => out.counts.core += 1,
            Outcome::NonCore => out.counts.non_core += 1,
            Outcome::Review => out.counts.needs_review += 1,
        }
        if row.income_incomplete {
            out.counts.warnings += 1;
            out.warnings.push((
                line,
                "收入法四项未填全，该企业不计入收入法增加值 / income-approach components incomplete; row kept, its income-approach VA not computed".into(),
            ));
        }
        match self.mode {
            Mode::Aggregate => {
                acc.add(&row, d.outcome);
                if d.outcome == Outcome::Review {
                    self.write_review(&row, line, &d, &mut out.review);
                }
            }
            Mode::Classify => self.write_classified(&row, &d, &mut out.records),
        }
    }

    fn write_classified(&self, row: &Row, d: &Decision, out: &mut Vec<u8>) {
        let c = &self.engine.classifier;
        let (small, medium, major, core) = match d.outcome {
            Outcome::Core(s) => {
                let (sm, me, ma) = c.table.slot_classes(s);
                (sm.code.as_str(), me.code.as_str(), ma.code.as_str(), "true")
            }
            Outcome::NonCore => ("", "", "", "false"),
            // Not decided: core is unknown, so left empty rather than guessed.
            Outcome::Review => ("", "", "", ""),
        };
        let reason = c.reason_text(row.industry_code, d);
        let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(out);
        let year = row.year.to_string();
        let code = format!("{:04}", row.industry_code);
        let review = if d.outcome == Outcome::Review { "true" } else { "false" };
        w.write_record([row.uscc, year.as_bytes(), code.as_bytes(), small.as_bytes(), medium.as_bytes(), major.as_bytes(), core.as_bytes(), reason.as_bytes(), review.as_bytes()])
            .expect("writing to a Vec cannot fail");
        w.flush().expect("writing to a Vec cannot fail");
    }

    fn write_review(&self, row: &Row, line: u64, d: &Decision, out: &mut Vec<u8>) {
        let c = &self.engine.classifier;
        let region = &self.engine.regions.regions[self.engine.regions.counties[row.county as usize]].code;
        let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(out);
        w.write_record([
            line.to_string().as_bytes(),
            row.uscc,
            row.name.as_bytes(),
            region.as_bytes(),
            format!("{:04}", row.industry_code).as_bytes(),
            row.year.to_string().as_bytes(),
            crate::money::format_micro(i128::from(row.revenue)).as_bytes(),
            c.reason_text(row.industry_code, d).as_bytes(),
        ])
        .expect("writing to a Vec cannot fail");
        w.flush().expect("writing to a Vec cannot fail");
    }

    /// Parses a chunk that starts at a record boundary. A physical line without `"` or an inner
    /// `\r` is a whole record and is split on commas in place (the common case, no copy); any
    /// other record is parsed by csv-core (RFC 4180 quoting, embedded newlines).
    fn process_chunk(&self, data: &[u8], first_line: u64, acc: &mut Accumulator, out: &mut ChunkOut) -> Result<(), String> {
        let mut fields: Vec<&[u8]> = Vec::with_capacity(32);
        let mut quoted = QuotedParser::default();
        let mut pos = 0usize;
        let mut line = first_line;
        while pos < data.len() {
            let rest = &data[pos..];
            let (end, next) = match memchr::memchr(b'\n', rest) {
                Some(p) => (p, p + 1),
                None => (rest.len(), rest.len()),
            };
            let mut l = &rest[..end];
            if let [head @ .., b'\r'] = l {
                l = head;
            }
            if memchr::memchr2(b'"', b'\r', l).is_none() {
                if !l.is_empty() {
                    fields.clear();
                    let mut start = 0;
                    for c in memchr::memchr_iter(b',', l) {
                        fields.push(&l[start..c]);
                        start = c + 1;
                    }
                    fields.push(&l[start..]);
                    self.handle(&fields, line, &[], acc, out);
                }
                pos += next;
                line += u64::from(next > end);
                continue;
            }
            let used = quoted.read(rest)?;
            let q = quoted.fields();
            if !(q.len() == 1 && q[0].is_empty()) {
                self.handle(&q, line, &[], acc, out);
            }
            line += memchr::memchr_iter(b'\n', &rest[..used]).count() as u64;
            pos += used;
        }
        Ok(())
    }
}

/// csv-core state for records that need real CSV parsing; buffers are reused.
#[derive(Default)]
struct QuotedParser {
    out: Vec<u8>,
    ends: Vec<usize>,
    n_fields: usize,
}

impl QuotedParser {
    /// Parses one record at the start of `input`; returns the bytes consumed (through the
    /// terminator when there is one).
    fn read(&mut self, input: &[u8]) -> Result<usize, String> {
        use csv_core::ReadRecordResult as R;
        let mut rdr = csv_core::Reader::new();
        if self.out.len() < input.len().min(1 << 16) + 64 {
            self.out.resize(input.len().min(1 << 16) + 64, 0);
        }
        if self.ends.len() < 64 {
            self.ends.resize(64, 0);
        }
        let (mut nin, mut nout, mut nend) = (0, 0, 0);
        loop {
            let (res, i, o, e) = rdr.read_record(&input[nin..], &mut self.out[nout..], &mut self.ends[nend..]);
            nin += i;
            nout += o;
            nend += e;
            match res {
                R::InputEmpty => {
                    if nin >= input.len() {
                        // End of the chunk: finish the last record.
                        let (res, _, o, e) = rdr.read_record(&[], &mut self.out[nout..], &mut self.ends[nend..]);
                        nout += o;
                        nend += e;
                        if matches!(res, R::OutputFull | R::OutputEndsFull) {
                            return Err("CSV record too large".into());
                        }
                        break;
                    }
                }
                R::OutputFull => {
                    let n = self.out.len() * 2;
                    self.out.resize(n, 0);
                }
                R::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                R::Record | R::End => break,
            }
        }
        self.n_fields = nend;
        // csv-core reports field ends relative to the output start.
        let _ = nout;
        Ok(nin)
    }

    fn fields(&self) -> Vec<&[u8]> {
        let mut v = Vec::with_capacity(self.n_fields);
        let mut start = 0;
        for &e in &self.ends[..self.n_fields] {
            v.push(&self.out[start..e]);
            start = e;
        }
        v
    }
}

/// Writes one finished chunk's outputs, in order.
struct Writer<'a, 's, 'r> {
    label: &'a str,
    rejects: csv::Writer<&'s mut dyn Write>,
    records: Option<&'r mut dyn Write>,
    on_event: &'s mut dyn FnMut(Event<'_>),
    summary: Summary,
    done: u64,
}

impl<'a, 's, 'r> Writer<'a, 's, 'r> {
    fn new(label: &'a str, cols: &Columns, sinks: Sinks<'s>, records: &'r mut dyn Write, header: &[&str]) -> Result<Self, Error> {
        let werr = |e: std::io::Error| Error::Write { file: label.to_string(), source: e };
        let mut rejects = csv::WriterBuilder::new().flexible(true).from_writer(sinks.rejects);
        let mut h = vec!["file".to_string(), "line".into(), "message".into()];
        h.extend(cols.header.iter().cloned());
        rejects.write_record(&h).map_err(|e| werr(e.into()))?;
        let mut w = csv::WriterBuilder::new().from_writer(&mut *records);
        w.write_record(header).map_err(|e| werr(e.into()))?;
        w.flush().map_err(werr)?;
        drop(w);
        Ok(Self {
            label,
            rejects,
            records: Some(records),
            on_event: sinks.on_event,
            summary: Summary { ignored_columns: cols.ignored.clone(), ..Default::default() },
            done: 0,
        })
    }

    fn write(&mut self, o: &ChunkOut) -> Result<(), Error> {
        let werr = |e: std::io::Error| Error::Write { file: self.label.to_string(), source: e };
        for (line, msg, rec) in &o.rejects {
            let message = format!("{}:{line}: {msg}", self.label);
            (self.on_event)(Event::Reject { line: *line, message: &message });
            let mut row: Vec<&[u8]> = vec![self.label.as_bytes()];
            let l = line.to_string();
            row.push(l.as_bytes());
            row.push(msg.as_bytes());
            row.extend(rec.iter());
            self.rejects.write_record(row).map_err(|e| werr(e.into()))?;
        }
        for (line, msg) in &o.warnings {
            let message = format!("{}:{line}: 警告 / warning: {msg}", self.label);
            (self.on_event)(Event::Warning { line: *line, message: &message });
        }
        let rec = self.records.as_mut().expect("set");
        rec.write_all(&o.records).map_err(werr)?;
        rec.write_all(&o.review).map_err(werr)?;
        self.summary.add(&o.counts);
        self.done += o.done;
        (self.on_event)(Event::Progress { done: self.done });
        Ok(())
    }

    fn finish(mut self) -> Result<Summary, Error> {
        let label = self.label.to_string();
        let werr = |e: std::io::Error| Error::Write { file: label.clone(), source: e };
        self.rejects.flush().map_err(werr)?;
        if let Some(r) = self.records.as_mut() {
            r.flush().map_err(werr)?;
        }
        Ok(self.summary)
    }
}

/// Index just past the last record terminator (`\n` outside quotes) in `buf`, which starts at a
/// record boundary.
fn split_point(buf: &[u8]) -> Option<usize> {
    if memchr::memchr(b'"', buf).is_none() {
        return memchr::memrchr(b'\n', buf).map(|p| p + 1);
    }
    let mut in_quotes = false;
    let mut last = None;
    for p in memchr::memchr2_iter(b'"', b'\n', buf) {
        if buf[p] == b'"' {
            in_quotes = !in_quotes; // "" inside a quoted field toggles twice: still inside
        } else if !in_quotes {
            last = Some(p + 1);
        }
    }
    last
}

struct Chunk {
    seq: u64,
    first_line: u64,
    buf: Vec<u8>,
}

fn split_task(task: Task<'_>) -> (Mode, &mut dyn Write, &'static [&'static str]) {
    match task {
        Task::Classify { out } => (Mode::Classify, out, &CLASSIFY_HEADER),
        Task::Aggregate { review } => (Mode::Aggregate, review, &REVIEW_HEADER),
    }
}

/// Reads a CSV input. `label` names the input in messages (`label:line: …`).
pub fn run_csv<'t, 's, R: Read + Send>(
    engine: &Engine,
    mut input: R,
    label: &str,
    opts: &Options,
    task: Task<'t>,
    sinks: Sinks<'s>,
) -> Result<(Summary, Accumulator), Error> {
    let rerr = |e: std::io::Error| Error::Io { file: label.to_string(), source: e };
    let chunk_bytes = opts.chunk_bytes.max(1024);
    // Header: read a first block and parse its first record.
    let mut first = Vec::with_capacity(chunk_bytes);
    input.by_ref().take(chunk_bytes as u64).read_to_end(&mut first).map_err(rerr)?;
    let mut hdr_rdr = csv::ReaderBuilder::new().has_headers(false).from_reader(&first[..]);
    let mut hrec = ByteRecord::new();
    let has_header = hdr_rdr.read_byte_record(&mut hrec).map_err(|e| Error::Data(Located::at(label, 1, e.to_string())))?;
    if !has_header {
        return Err(Error::Data(Located::at(label, 1, "文件为空，缺少表头 / empty file, no header")));
    }
    let pos = hdr_rdr.position().clone();
    if pos.byte() as usize >= first.len() && first.len() == chunk_bytes {
        return Err(Error::Data(Located::at(label, 1, "表头过长 / header line too long")));
    }
    let header: Vec<&str> = hrec
        .iter()
        .map(std::str::from_utf8)
        .collect::<Result<_, _>>()
        .map_err(|_| Error::Data(Located::at(label, 1, "表头不是 UTF-8 编码（GBK 文件请先转为 UTF-8）/ header is not UTF-8 (convert GBK files to UTF-8)")))?;
    let cols = Columns::from_header(header).map_err(|m| Error::Data(Located::at(label, 1, m)))?;
    let carry0 = first[pos.byte() as usize..].to_vec();
    let first_data_line = pos.line();
    let header_bytes = pos.byte();
    drop(first);

    let (mode, records, out_header) = split_task(task);
    let mut writer = Writer::new(label, &cols, sinks, records, out_header)?;
    writer.done = header_bytes;
    let ctx = Ctx { engine, cols: &cols, mode };
    let threads = if opts.threads == 0 { std::thread::available_parallelism().map_or(2, |n| n.get()) } else { opts.threads };
    let in_flight = threads * 3;

    let (chunk_tx, chunk_rx) = sync_channel::<Chunk>(in_flight);
    let chunk_rx = Mutex::new(chunk_rx);
    let (res_tx, res_rx) = sync_channel::<Result<ChunkOut, Error>>(in_flight);
    let (free_tx, free_rx) = sync_channel::<Vec<u8>>(in_flight);
    std::thread::scope(|s| -> Result<(Summary, Accumulator), Error> {
        for _ in 0..in_flight {
            free_tx.send(Vec::with_capacity(chunk_bytes + chunk_bytes / 8)).expect("pool has room");
        }

        let reader = s.spawn(move || -> Result<(), Error> {
            reader_loop(&mut input, carry0, first_data_line, chunk_bytes, free_rx, chunk_tx).map_err(rerr)
        });
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let res_tx = res_tx.clone();
                let chunk_rx = &chunk_rx;
                let ctx = &ctx;
                s.spawn(move || {
                    let mut acc = engine.new_accumulator(opts.top_n);
                    loop {
                        let next = chunk_rx.lock().expect("no panics while holding the lock").recv();
                        let Ok(chunk) = next else { break };
                        let mut out = ChunkOut::new(chunk.seq, Vec::new());
                        let res = ctx.process_chunk(&chunk.buf, chunk.first_line, &mut acc, &mut out);
                        out.done = chunk.buf.len() as u64;
                        out.buf = chunk.buf;
                        let msg = res.map(|()| out).map_err(|e| Error::Data(Located::at(label, chunk.first_line, e)));
                        if res_tx.send(msg).is_err() {
                            break; // the writer stopped on an error
                        }
                    }
                    acc
                })
            })
            .collect();
        drop(res_tx);

        // Write in input order.
        let write_result = (|| -> Result<(), Error> {
            let mut pending: BTreeMap<u64, ChunkOut> = BTreeMap::new();
            let mut next = 0u64;
            for msg in res_rx.iter() {
                let out = msg?;
                pending.insert(out.seq, out);
                while let Some(mut o) = pending.remove(&next) {
                    writer.write(&o)?;
                    let mut buf = std::mem::take(&mut o.buf);
                    buf.clear();
                    let _ = free_tx.send(buf); // the reader may have finished
                    next += 1;
                }
            }
            Ok(())
        })();
        // On a write error, dropping these unblocks the reader and the workers.
        drop(free_tx);
        drop(res_rx);
        let read_result = reader.join().expect("reader thread does not panic");
        let mut acc = engine.new_accumulator(opts.top_n);
        for w in workers {
            acc.merge(w.join().expect("worker thread does not panic"));
        }
        write_result?;
        read_result?;
        Ok((writer.finish()?, acc))
    })
}

fn reader_loop<R: Read>(
    input: &mut R,
    mut carry: Vec<u8>,
    mut line: u64,
    chunk_bytes: usize,
    free: Receiver<Vec<u8>>,
    tx: std::sync::mpsc::SyncSender<Chunk>,
) -> std::io::Result<()> {
    let mut seq = 0u64;
    let mut eof = false;
    while !eof || !carry.is_empty() {
        let Ok(mut buf) = free.recv() else { return Ok(()) }; // writer stopped
        buf.clear();
        buf.append(&mut carry);
        let mut target = chunk_bytes;
        let cut = loop {
            if !eof && buf.len() < target {
                let want = (target - buf.len()) as u64;
                let got = input.by_ref().take(want).read_to_end(&mut buf)?;
                if (got as u64) < want {
                    eof = true;
                }
            }
            if eof {
                break buf.len(); // the rest is the last record(s), with or without a final newline
            }
            match split_point(&buf) {
                Some(p) => break p,
                None => target += chunk_bytes, // one record longer than a chunk: read more
            }
        };
        carry.extend_from_slice(&buf[cut..]);
        buf.truncate(cut);
        if buf.is_empty() {
            break;
        }
        let lines = memchr::memchr_iter(b'\n', &buf).count() as u64;
        let first_line = line;
        line += lines;
        if tx.send(Chunk { seq, first_line, buf }).is_err() {
            return Ok(());
        }
        seq += 1;
    }
    Ok(())
}

/// Converts spreadsheet cells to the text the CSV path sees; problems that text cannot show
/// (a USCC stored as a number, error cells, dates) become row errors.
fn xlsx_cell_text(cell: &calamine::DataRef<'_>, column: &str, is_uscc: bool, errs: &mut Vec<String>) -> String {
    use calamine::DataRef as D;
    match cell {
        D::Empty => String::new(),
        D::String(s) => s.clone(),
        D::SharedString(s) => (*s).to_string(),
        D::Int(i) if is_uscc => {
            errs.push(format!("统一社会信用代码以数字存储，请设为文本 / USCC stored as a number, format the column as text: {i}"));
            i.to_string()
        }
        D::Int(i) => i.to_string(),
        D::Float(f) if is_uscc => {
            errs.push(format!("统一社会信用代码以数字存储（精度已丢失），请设为文本 / USCC stored as a number (precision lost), format the column as text: {f}"));
            float_cell_text(*f)
        }
        D::Float(f) => float_cell_text(*f),
        D::Bool(b) => b.to_string(),
        D::DateTime(d) => {
            errs.push(format!("列 {column} 为日期单元格 / column {column} holds a date cell: {}", d.as_f64()));
            String::new()
        }
        D::DateTimeIso(s) | D::DurationIso(s) => s.clone(),
        D::Error(e) => {
            errs.push(format!("列 {column} 单元格错误值 / column {column} holds an error cell: {e:?}"));
            String::new()
        }
    }
}

/// Reads the first worksheet of an XLSX workbook (streaming cell reader; line numbers are Excel
/// row numbers).
pub fn run_xlsx<'t, 's, RS: Read + Seek>(
    engine: &Engine,
    input: RS,
    label: &str,
    opts: &Options,
    task: Task<'t>,
    sinks: Sinks<'s>,
) -> Result<(Summary, Accumulator), Error> {
    use calamine::Reader;
    let xerr = |e: calamine::XlsxError| Error::Xlsx { file: label.to_string(), message: e.to_string() };
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(input).map_err(xerr)?;
    let sheet = wb.sheet_names().first().cloned().ok_or_else(|| Error::Xlsx { file: label.to_string(), message: "没有工作表 / no worksheet".into() })?;
    let mut cells = wb.worksheet_cells_reader(&sheet).map_err(xerr)?;

    // Collect cells of one row at a time.
    let mut cur_row: Option<u32> = None;
    let mut cur: Vec<(u32, calamine::DataRef<'_>)> = Vec::new();
    let mut rows_done: Vec<(u32, Vec<(u32, calamine::DataRef<'_>)>)> = Vec::new();
    let mut header: Option<(u32, Columns)> = None;
    let (mode, records, out_header) = split_task(task);
    let mut sinks = Some(sinks);
    let mut records = Some(records);
    let mut writer: Option<Writer<'_, '_, '_>> = None;
    let mut acc = engine.new_accumulator(opts.top_n);
    let mut out = ChunkOut::new(0, Vec::new());
    let mut finished = false;
    loop {
        let next = if finished { None } else { cells.next_cell().map_err(xerr)? };
        if next.is_none() {
            finished = true;
        }
        // Flush the current row when the row changes or at the end.
        let new_row = next.as_ref().map(|c| c.get_position().0);
        if let Some(r) = cur_row.filter(|_| new_row != cur_row) {
            rows_done.push((r, std::mem::take(&mut cur)));
        }
        if let Some(c) = next {
            let (r, col) = c.get_position();
            cur_row = Some(r);
            cur.push((col, c.get_value().clone()));
        }
        for (r, row_cells) in rows_done.drain(..) {
            if row_cells.iter().all(|(_, v)| matches!(v, calamine::DataRef::Empty)) {
                continue;
            }
            match &header {
                None => {
                    let width = row_cells.iter().map(|(c, _)| *c + 1).max().unwrap_or(0) as usize;
                    let mut names = vec![String::new(); width];
                    for (c, v) in &row_cells {
                        names[*c as usize] = xlsx_cell_text(v, "header", false, &mut Vec::new());
                    }
                    let cols = Columns::from_header(names.iter().map(String::as_str))
                        .map_err(|m| Error::Data(Located::at(label, u64::from(r) + 1, m)))?;
                    writer = Some(Writer::new(label, &cols, sinks.take().expect("once"), records.take().expect("once"), out_header)?);
                    header = Some((r, cols));
                }
                Some((_, cols)) => {
                    let width = cols.header.len();
                    let mut fields = vec![String::new(); width];
                    let mut errs = Vec::new();
                    for (c, v) in &row_cells {
                        let c = *c as usize;
                        if c >= width {
                            if !matches!(v, calamine::DataRef::Empty) {
                                errs.push(format!("第 {} 列超出表头 / cell in column {} beyond the header", c + 1, c + 1));
                            }
                            continue;
                        }
                        fields[c] = xlsx_cell_text(v, &cols.header[c], c == cols.uscc, &mut errs);
                    }
                    let rec: Vec<&[u8]> = fields.iter().map(String::as_bytes).collect();
                    let ctx = Ctx { engine, cols, mode };
                    ctx.handle(&rec, u64::from(r) + 1, &errs, &mut acc, &mut out);
                    out.done += 1;
                    if out.counts.rows.is_multiple_of(8192) {
                        let w = writer.as_mut().expect("header seen");
                        w.write(&out)?;
                        out = ChunkOut::new(0, Vec::new());
                    }
                }
            }
        }
        if finished {
            break;
        }
    }
    let Some(mut w) = writer else {
        return Err(Error::Data(Located::at(label, 1, "工作表为空，缺少表头 / empty worksheet, no header")));
    };
    w.write(&out)?;
    Ok((w.finish()?, acc))
}
