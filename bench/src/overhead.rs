//! Per-request cost of the generated client against raw reqwest, on the same loopback stub.
//!
//! Usage: overhead [REQUESTS] [ROUNDS]. Prints one JSON object: microseconds per request for each
//! side in each round, wall-clock and CPU time of the one thread everything runs on (the runtime
//! is single-threaded: client, hyper, reqwest and the stub), and the median of each. Within a
//! round the sides take turns in blocks of 100 requests, so the machine's noise hits both.
//!
//! Built as `overhead-tracing` (`--features tracing`), the generated client has its `tracing`
//! feature on and a subscriber is installed, by default what an application that logs at `info`
//! installs: the `tracing-subscriber` registry, its fmt layer (writing to a sink) and a filter at
//! `info`, which keeps the client's `directus.call` spans (formatting their fields as fmt does)
//! and skips its `debug` attempt events. A layer beside it counts the spans opened and closed,
//! and the JSON says how many, to show that every call paid for its span.
//! `DIRECTUS_BENCH_SUBSCRIBER=record` instead formats every field of every span and event at every level
//! (the client's `debug` attempt events too), `=registry` keeps the registry but formats no field,
//! and `=none` installs no subscriber, to tell the parts of that cost apart.
//!
//! `DIRECTUS_BENCH_SIDE=ours` (or `raw`) makes only that side's requests, for counting each side's
//! instructions under callgrind (`bench/run.py`'s `instructions` section; the stub's included).

use std::time::{Duration, Instant};

const BODY: &str = r#"{"data":{"project":{"project_name":"Directus"},"version":"12.4.1"}}"#;
/// Sent by both sides, so they send the same bytes and the stub reads the same lines.
const USER_AGENT: &str = "directus-bench";

/// The stub: answers every request on a connection with [`BODY`]. It runs as a task on the
/// client's own single-threaded runtime, so a request never waits for another thread to be
/// scheduled: with the stub on threads of its own, processes of one build (4 rounds each) on this
/// shared machine came out anywhere from 0.7 to 2.8 times raw reqwest. Its work is the same for
/// both sides.
async fn serve(stream: tokio::net::TcpStream) {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
    let (read, mut write) = stream.into_split();
    let mut reader = tokio::io::BufReader::new(read);
    let reply = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{BODY}", BODY.len());
    let mut line = String::new();
    loop {
        let mut length = 0usize;
        loop {
            line.clear();
            if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0u8; length];
        if reader.read_exact(&mut body).await.is_err() || write.write_all(reply.as_bytes()).await.is_err() {
            return;
        }
    }
}

#[cfg(feature = "tracing")]
mod traced {
    use std::fmt::Debug;
    use std::sync::atomic::{AtomicU64, Ordering};
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::subscriber::Interest;
    use tracing::{Event, Metadata, Subscriber};
    use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
    use tracing_subscriber::registry::LookupSpan;

    pub static OPENED: AtomicU64 = AtomicU64::new(0);
    pub static CLOSED: AtomicU64 = AtomicU64::new(0);
    pub static EVENTS: AtomicU64 = AtomicU64::new(0);
    pub static FIELDS: AtomicU64 = AtomicU64::new(0);

    /// A span's fields, formatted as they are recorded (what a fmt layer keeps per span).
    struct Fields(Vec<(&'static str, String)>);

    impl Visit for Fields {
        fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
            self.0.push((field.name(), format!("{value:?}")));
        }
    }

    /// `fields`: format every field (what a fmt layer does); without it the layer only counts
    /// spans and events, and what is left is the registry's own cost. `all_levels`: enable the
    /// client's spans and events at every level (and nothing else); without it the layer leaves
    /// the choice to the filter beside it.
    struct Recorder {
        fields: bool,
        all_levels: bool,
    }

    /// The client's own spans and events (target `directus`), at every level. hyper and h2 emit
    /// `trace!` events of their own that raw reqwest would pay for too; they are not the client's
    /// cost, and an application's filter (`info`, say) leaves them out.
    fn ours(metadata: &Metadata<'_>) -> bool {
        metadata.target() == "directus" || metadata.target().starts_with("directus_")
    }

    impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Recorder {
        fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
            if !self.all_levels || ours(metadata) {
                Interest::always()
            } else {
                Interest::never()
            }
        }

        fn enabled(&self, metadata: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
            !self.all_levels || ours(metadata)
        }

        fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
            if self.fields {
                let mut fields = Fields(Vec::with_capacity(8));
                attrs.record(&mut fields);
                if let Some(span) = ctx.span(id) {
                    span.extensions_mut().insert(fields);
                }
            }
            OPENED.fetch_add(1, Ordering::Relaxed);
        }

        fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
            if let Some(span) = ctx.span(id) {
                if let Some(fields) = span.extensions_mut().get_mut::<Fields>() {
                    values.record(fields);
                }
            }
        }

        fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
            if self.fields {
                let mut fields = Fields(Vec::with_capacity(8));
                event.record(&mut fields);
                std::hint::black_box(&fields);
            }
            EVENTS.fetch_add(1, Ordering::Relaxed);
        }

        fn on_close(&self, id: Id, ctx: Context<'_, S>) {
            if let Some(span) = ctx.span(&id) {
                if let Some(fields) = span.extensions_mut().remove::<Fields>() {
                    FIELDS.fetch_add(fields.0.len() as u64, Ordering::Relaxed);
                }
            }
            CLOSED.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// `fmt`: what an application that logs at `info` installs (`tracing_subscriber::fmt()` with
    /// `RUST_LOG=info`, here as the registry, the fmt layer and a `Targets` filter, writing to a
    /// sink), with a layer that counts beside it; `fmt-debug`: the same with `directus=debug`,
    /// which records the client's spans; `record`: the registry and a layer formatting
    /// every field of every span and event at every level (the client's `debug` attempt events
    /// too); `registry`: the registry and a layer that only counts; `none`: no subscriber (spans
    /// are compiled in but nobody listens).
    pub fn install(mode: &str) {
        let fields = match mode {
            "fmt" | "fmt-debug" => {
                let mut filter = tracing_subscriber::filter::Targets::new().with_default(tracing::Level::INFO);
                if mode == "fmt-debug" {
                    filter = filter.with_target("directus", tracing::Level::DEBUG);
                }
                let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::sink);
                let subscriber = tracing_subscriber::registry().with(fmt).with(Recorder { fields: false, all_levels: false }).with(filter);
                tracing::subscriber::set_global_default(subscriber).expect("install the subscriber");
                return;
            }
            "record" => true,
            "registry" => false,
            "none" => return,
            _ => panic!("DIRECTUS_BENCH_SUBSCRIBER is fmt, fmt-debug, record, registry or none, not {mode}"),
        };
        let subscriber = tracing_subscriber::registry().with(Recorder { fields, all_levels: true });
        tracing::subscriber::set_global_default(subscriber).expect("install the subscriber");
    }

    pub fn counts() -> serde_json::Value {
        serde_json::json!({
            "spans_opened": OPENED.load(Ordering::Relaxed),
            "spans_closed": CLOSED.load(Ordering::Relaxed),
            "events": EVENTS.load(Ordering::Relaxed),
            "fields_recorded": FIELDS.load(Ordering::Relaxed),
        })
    }
}

/// Requests per block: the two sides take turns block by block, so a burst of load from the
/// machine's other work falls on both rather than on one side's whole round.
const BLOCK: usize = 100;

/// CPU time of the calling thread, user and system: what the client's work took, without the
/// time it waited for a core while the machine was busy with other work.
fn thread_cpu() -> Duration {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec for the call.
    let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    Duration::new(ts.sec as u64, ts.nsec as u32)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

pub fn main() {
    let mut args = std::env::args().skip(1);
    let requests: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    #[cfg(feature = "tracing")]
    let mode = std::env::var("DIRECTUS_BENCH_SUBSCRIBER").unwrap_or_else(|_| "fmt".into());
    #[cfg(feature = "tracing")]
    traced::install(&mode);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    rt.spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream));
        }
    });
    let generated = directus_client::Client::builder(&url).token("bench-token").user_agent(USER_AGENT).build().expect("client");
    let raw = reqwest::Client::builder().user_agent(USER_AGENT).build().expect("raw client");
    // Per round and side: wall-clock and thread CPU microseconds per request.
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let (mut ours_cpu, mut theirs_cpu) = (Vec::new(), Vec::new());
    let side = std::env::var("DIRECTUS_BENCH_SIDE").unwrap_or_default();
    rt.block_on(async {
        // Warm both connection pools.
        let _: serde_json::Value = generated.server().info().decode().await.expect("warm-up");
        let _ = raw.get(format!("{url}/server/info")).send().await.expect("warm-up");
        let one_ours = || async {
            let info: serde_json::Value = generated.server().info().decode().await.expect("generated client");
            std::hint::black_box(info);
        };
        let one_raw = || async {
            let mut reply: serde_json::Value = raw
                .get(format!("{url}/server/info"))
                .bearer_auth("bench-token")
                .send()
                .await
                .expect("reqwest")
                .json()
                .await
                .expect("json");
            // Taken out, not cloned: what the client hands back is the `data` it decoded.
            std::hint::black_box(reply.get_mut("data").map(serde_json::Value::take));
        };
        let blocks = requests.div_ceil(BLOCK);
        for _ in 0..rounds {
            let (mut wall, mut cpu) = ([Duration::ZERO; 2], [Duration::ZERO; 2]);
            for block in 0..blocks {
                let n = BLOCK.min(requests - block * BLOCK);
                // Which side goes first turns every block.
                for turn in 0..2 {
                    let raw_side = (block + turn) % 2 == 1;
                    if side == if raw_side { "ours" } else { "raw" } {
                        continue;
                    }
                    let (start, start_cpu) = (Instant::now(), thread_cpu());
                    for _ in 0..n {
                        if raw_side {
                            one_raw().await
                        } else {
                            one_ours().await
                        }
                    }
                    wall[raw_side as usize] += start.elapsed();
                    cpu[raw_side as usize] += thread_cpu() - start_cpu;
                }
            }
            let per = |d: Duration| d.as_secs_f64() * 1e6 / requests as f64;
            ours.push(per(wall[0]));
            theirs.push(per(wall[1]));
            ours_cpu.push(per(cpu[0]));
            theirs_cpu.push(per(cpu[1]));
        }
    });
    let (o, t) = (median(&mut ours.clone()), median(&mut theirs.clone()));
    #[allow(unused_mut)]
    let mut out = serde_json::json!({
        "tracing": cfg!(feature = "tracing"),
        "requests": requests, "rounds": rounds, "block": BLOCK,
        "generated_us": ours, "reqwest_us": theirs,
        "generated_cpu_us": ours_cpu, "reqwest_cpu_us": theirs_cpu,
        "generated_median_us": o, "reqwest_median_us": t, "ratio": o / t,
    });
    #[cfg(feature = "tracing")]
    {
        out["subscriber"] = traced::counts();
        out["subscriber"]["mode"] = mode.into();
    }
    println!("{out}");
}
