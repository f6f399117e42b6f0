//! Per-request cost of the generated client against raw reqwest, on the same loopback stub.
//!
//! Usage: overhead [REQUESTS] [ROUNDS]. Prints one JSON object: microseconds per request for each
//! side in each round (alternating, so machine noise hits both), and the median of each.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Instant;

const BODY: &str = r#"{"data":{"project":{"project_name":"Directus"},"version":"12.4.1"}}"#;

fn serve(stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut out = stream;
    loop {
        let mut length = 0usize;
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; length];
        if std::io::Read::read_exact(&mut reader, &mut body).is_err() {
            return;
        }
        let reply = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{BODY}", BODY.len());
        if out.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let requests: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream));
        }
    });
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let generated = directus_client::Client::with_token(&url, "bench-token").expect("client");
    let raw = reqwest::Client::new();
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    rt.block_on(async {
        // Warm both connection pools.
        let _: serde_json::Value = generated.server().info().await.expect("warm-up");
        let _ = raw.get(format!("{url}/server/info")).send().await.expect("warm-up");
        for _ in 0..rounds {
            let start = Instant::now();
            for _ in 0..requests {
                let info: serde_json::Value = generated.server().info().await.expect("generated client");
                std::hint::black_box(info);
            }
            ours.push(start.elapsed().as_secs_f64() * 1e6 / requests as f64);
            let start = Instant::now();
            for _ in 0..requests {
                let reply: serde_json::Value = raw
                    .get(format!("{url}/server/info"))
                    .bearer_auth("bench-token")
                    .send()
                    .await
                    .expect("reqwest")
                    .json()
                    .await
                    .expect("json");
                std::hint::black_box(reply.get("data").cloned());
            }
            theirs.push(start.elapsed().as_secs_f64() * 1e6 / requests as f64);
        }
    });
    let (o, t) = (median(&mut ours.clone()), median(&mut theirs.clone()));
    println!(
        "{}",
        serde_json::json!({ "requests": requests, "rounds": rounds, "generated_us": ours, "reqwest_us": theirs, "generated_median_us": o, "reqwest_median_us": t, "ratio": o / t })
    );
}
