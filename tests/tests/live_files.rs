//! Folders, files and assets against a real Directus 12.4.1: uploads streamed from disk, downloads
//! streamed to disk, transformations, and an import the server fetches from a loopback server.

use directus_client::{Client, ErrorCode, Query};
use directus_e2e::server::{self, Server};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::process::Command;

fn server() -> &'static Server {
    server::shared("12.4.1")
}

fn admin(s: &Server) -> Client {
    Client::with_token(&s.url, s.admin_token.as_str()).expect("client")
}

/// A 1x1 PNG.
const PNG_HEX: &str = "89504e470d0a1a0a0000000d4948445200000001000000010804000000b51c0c020000000b4944415478da6364600000000600023081d02f0000000049454e44ae426082";

fn png() -> Vec<u8> {
    (0..PNG_HEX.len()).step_by(2).map(|i| u8::from_str_radix(&PNG_HEX[i..i + 2], 16).unwrap()).collect()
}

#[tokio::test]
async fn folders_crud_and_batch() {
    let s = server();
    let c = admin(s);
    let f = c.folders();
    let docs: Value = f.create(&json!({ "name": "docs" })).decode().await.unwrap();
    let id = docs["id"].as_str().unwrap().to_owned();
    let more: Vec<Value> = f.create_many(&[json!({ "name": "a", "parent": id }), json!({ "name": "b", "parent": id })]).decode().await.unwrap();
    assert_eq!(more.len(), 2);
    let got: Value = f.get(&id, &Query::default()).decode().await.unwrap();
    assert_eq!(got["name"], "docs");
    let children: Vec<Value> = f.list(&Query::new().filter(json!({ "parent": { "_eq": id } }))).decode().await.unwrap();
    assert_eq!(children.len(), 2);
    let renamed: Value = f.update(&id, &json!({ "name": "documents" })).decode().await.unwrap();
    assert_eq!(renamed["name"], "documents");
    let keys: Vec<&str> = more.iter().filter_map(|m| m["id"].as_str()).collect();
    let moved: Vec<Value> = f.update_many(&keys, &json!({ "parent": null })).decode().await.unwrap();
    assert!(moved.iter().all(|m| m["parent"].is_null()));
    let via_cli = directus_e2e::admin_cli(env!("CARGO_BIN_EXE_directus"), s, &["folders", "list", "--filter", &format!(r#"{{"id":{{"_eq":"{id}"}}}}"#), "--fields", "name"]);
    assert!(via_cli.status.success(), "{}", String::from_utf8_lossy(&via_cli.stderr));
    assert_eq!(serde_json::from_slice::<Value>(&via_cli.stdout).unwrap(), json!([{ "name": "documents" }]));
    f.delete_many(&keys).await.unwrap();
    f.delete(&id).await.unwrap();
    for key in keys.iter().copied().chain([id.as_str()]) {
        let err = f.get(key, &Query::default()).decode::<Value>().await.expect_err("deleted folder");
        assert_eq!(err.code(), Some(&ErrorCode::Forbidden));
    }
}

#[tokio::test]
async fn files_upload_read_update_download_delete() {
    let s = server();
    let c = admin(s);
    let dir = directus_e2e::temp_dir("files");
    let text = dir.join("hello.txt");
    std::fs::write(&text, "hello, directus\n").unwrap();

    let folder: Value = c.folders().create(&json!({ "name": "uploads" })).decode().await.unwrap();
    let folder_id = folder["id"].as_str().unwrap();
    let opts = directus_client::files::CreateOptions::default().title("Hello").folder(folder_id);
    let file: Value = c.files().create(&text, &opts).decode().await.unwrap();
    assert_eq!(file["title"], "Hello", "metadata sent before the file is kept");
    assert_eq!(file["folder"], folder_id);
    assert_eq!(file["filesize"].as_i64().or_else(|| file["filesize"].as_str().and_then(|v| v.parse().ok())), Some(16));
    assert_eq!(file["type"], "text/plain");
    let id = file["id"].as_str().unwrap().to_owned();

    let got: Value = c.files().get(&id, &Query::default()).decode().await.unwrap();
    assert_eq!(got["filename_download"], "hello.txt");
    let listed: Vec<Value> = c.files().list(&Query::new().filter(json!({ "folder": { "_eq": folder_id } }))).decode().await.unwrap();
    assert_eq!(listed.len(), 1);
    let renamed: Value = c.files().update(&id, &json!({ "title": "Hello renamed" })).decode().await.unwrap();
    assert_eq!(renamed["title"], "Hello renamed");

    // Replace the bytes, keep the id; then put the original back.
    let other = dir.join("other.txt");
    std::fs::write(&other, "replaced!").unwrap();
    let replaced: Value = c.files().replace(&id, &other, &directus_client::files::ReplaceOptions::default().title("Replaced")).decode().await.unwrap();
    assert_eq!(replaced["id"], id.as_str());
    assert_eq!(replaced["title"], "Replaced");
    assert_eq!(c.assets().get(&id, &Default::default()).await.unwrap().bytes().await.unwrap(), b"replaced!");
    // The same body as a stream of pieces and as an AsyncRead.
    {
        use directus_runtime::Stream as _;
        let mut pieces = c.assets().get(&id, &Default::default()).await.unwrap().into_stream();
        let mut streamed = Vec::new();
        while let Some(piece) = std::future::poll_fn(|cx| std::pin::Pin::new(&mut pieces).poll_next(cx)).await {
            streamed.extend_from_slice(&piece.unwrap());
        }
        assert_eq!(streamed, b"replaced!");
        let mut reader = c.assets().get(&id, &Default::default()).await.unwrap().into_reader();
        let mut read = Vec::new();
        tokio::io::AsyncReadExt::read_to_end(&mut reader, &mut read).await.unwrap();
        assert_eq!(read, b"replaced!");
    }
    let back: Value = c.files().replace(&id, &text, &directus_client::files::ReplaceOptions::default().title("Hello renamed")).decode().await.unwrap();
    assert_eq!(back["filename_download"], "hello.txt");

    // Download: streamed to a file, with the name from Content-Disposition.
    let download = c.assets().get(&id, &Default::default()).await.unwrap();
    assert_eq!(download.filename(), Some("hello.txt"));
    assert!(download.content_type().is_some_and(|t| t.starts_with("text/plain")));
    let out = dir.join("out.txt");
    assert_eq!(download.save(&out).await.unwrap(), 16);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "hello, directus\n");

    // A transformation: PNG in, WebP out.
    let png_path = dir.join("dot.png");
    std::fs::write(&png_path, png()).unwrap();
    let image: Value = c.files().create(&png_path, &Default::default()).decode().await.unwrap();
    let image_id = image["id"].as_str().unwrap().to_owned();
    let opts = directus_client::assets::GetOptions::default().width(8).height(8).format("webp");
    let webp = c.assets().get(&image_id, &opts).await.unwrap();
    assert_eq!(webp.content_type(), Some("image/webp"));
    let bytes = webp.bytes().await.unwrap();
    assert_eq!(&bytes[..4], b"RIFF");
    assert_eq!(&bytes[8..12], b"WEBP");
    // The same with the enums of the values Directus accepts; a string converts into them, and one
    // the spec does not list is sent as it is (Directus refuses this one).
    use directus_client::assets::{Fit, Format};
    assert_eq!(Format::from("webp"), Format::Webp);
    let typed = directus_client::assets::GetOptions::default().width(8).height(8).fit(Fit::Cover).format(Format::Png);
    assert_eq!(c.assets().get(&image_id, &typed).await.unwrap().content_type(), Some("image/png"));
    let unknown = directus_client::assets::GetOptions::default().format(Format::Other("bmp".into()));
    let err = c.assets().get(&image_id, &unknown).await.expect_err("bmp is not a format Directus writes");
    assert_eq!(err.status(), Some(400), "{err}");

    // Batch update, then the CLI downloads to a file and lists.
    let both = [id.as_str(), image_id.as_str()];
    let tagged: Vec<Value> = c.files().update_many(both, &json!({ "tags": ["ci"] })).decode().await.unwrap();
    assert_eq!(tagged.len(), 2);
    let cli_out = dir.join("cli.txt");
    let run = directus_e2e::admin_cli(env!("CARGO_BIN_EXE_directus"), s, &["assets", "get", &id, "--output-file", cli_out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(std::fs::read_to_string(&cli_out).unwrap(), "hello, directus\n");
    let run = directus_e2e::admin_cli(env!("CARGO_BIN_EXE_directus"), s, &["files", "create", "--file", text.to_str().unwrap(), "--title", "From CLI"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let from_cli: Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(from_cli["title"], "From CLI");

    c.files().delete(&id).await.unwrap();
    let err = c.files().get(&id, &Query::default()).decode::<Value>().await.expect_err("deleted file");
    assert_eq!(err.code(), Some(&ErrorCode::Forbidden));
    let rest = [image_id.as_str(), from_cli["id"].as_str().unwrap()];
    c.files().delete_many(&rest).await.unwrap();
    for key in rest {
        assert!(c.files().get(key, &Query::default()).decode::<Value>().await.is_err());
    }
    c.folders().delete(folder_id).await.unwrap();
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn uploads_from_bytes_and_from_a_reader_keep_their_name_and_type() {
    use directus_client::Upload;
    let s = server();
    let c = admin(s);
    // Bytes, the type guessed from the name.
    let png_bytes = png();
    let from_bytes = c.files().create(Upload::bytes("dot.png", png_bytes.clone()), &Default::default()).await.unwrap();
    assert_eq!(from_bytes.filename_download.as_deref(), Some("dot.png"));
    assert_eq!(from_bytes.r#type.as_deref(), Some("image/png"));
    assert_eq!(from_bytes.filesize, Some(png_bytes.len() as i64));
    // A reader of unknown length, with a type of the caller's.
    let text = "one,two\n1,2\n".repeat(1000);
    let reader = std::io::Cursor::new(text.clone().into_bytes());
    let upload = Upload::reader("table.dat", reader, None).content_type("text/csv");
    let from_reader = c.files().create(upload, &directus_client::files::CreateOptions::default().title("Streamed")).await.unwrap();
    assert_eq!(from_reader.filename_download.as_deref(), Some("table.dat"));
    assert_eq!(from_reader.r#type.as_deref(), Some("text/csv"));
    assert_eq!(from_reader.title.as_deref(), Some("Streamed"));
    assert_eq!(from_reader.filesize, Some(text.len() as i64));
    // What was stored is what was sent.
    let id = from_reader.id.clone().unwrap();
    let saved = directus_e2e::temp_dir("upload-reader").join("back.csv");
    c.assets().get(&id, &Default::default()).await.unwrap().save(&saved).await.unwrap();
    assert_eq!(std::fs::read_to_string(&saved).unwrap(), text);
    // A name that would break the part's header is refused before anything is sent.
    let err = c.files().create(Upload::bytes("evil\r\nX-Injected: 1.txt", "x"), &Default::default()).await.expect_err("refused");
    assert!(matches!(err, directus_client::Error::InvalidInput { .. }), "{err:?}");
}

#[tokio::test]
async fn cli_upload_shows_progress_on_a_terminal() {
    let s = server();
    let dir = directus_e2e::temp_dir("progress");
    let big = dir.join("big.bin");
    std::fs::write(&big, vec![7u8; 3 * 1024 * 1024]).unwrap();
    // `script` gives the CLI a pseudo-terminal, as a person at a shell would have.
    let cmd = format!("{} files create --file {} --title big", env!("CARGO_BIN_EXE_directus"), big.display());
    let out = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env("DIRECTUS_URL", &s.url)
        .env("DIRECTUS_TOKEN", &s.admin_token)
        .output()
        .expect("script(1) from util-linux");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}");
    assert!(shown.contains("uploading big.bin: 3.0 of 3.0 MiB (100%)"), "{shown}");
    let id = shown.split("\"id\": \"").nth(1).and_then(|r| r.split('"').next()).expect("the file record, pretty-printed on a terminal").to_owned();
    let c = admin(s);
    let file: Value = c.files().get(&id, &Query::default()).decode().await.unwrap();
    assert_eq!(file["filesize"].as_i64().or_else(|| file["filesize"].as_str().and_then(|v| v.parse().ok())), Some(3 * 1024 * 1024));
    c.files().delete(&id).await.unwrap();
    std::fs::remove_dir_all(dir).ok();
}

/// Serves `body` once per connection on a loopback port, for the server to import from.
fn serve_file(body: &'static [u8]) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/data.txt", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 8192];
            let _ = stream.read(&mut buf);
            let head = format!("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body);
        }
    });
    url
}

#[tokio::test]
async fn files_import_from_a_loopback_server() {
    let s = server();
    let c = admin(s);
    let url = serve_file(b"imported bytes");
    let file: Value = c.files().import(&url, &directus_client::files::ImportOptions::default().data(json!({ "title": "Imported" }))).decode().await.unwrap();
    assert_eq!(file["title"], "Imported");
    let id = file["id"].as_str().unwrap();
    let bytes = c.assets().get(id, &Default::default()).await.unwrap().bytes().await.unwrap();
    assert_eq!(bytes, b"imported bytes");
    c.files().delete(id).await.unwrap();
}

/// A Directus 12.4.1 with resumable uploads on (`TUS_ENABLED`), for this binary.
fn tus_server() -> &'static Server {
    static SERVER: std::sync::OnceLock<Result<Server, String>> = std::sync::OnceLock::new();
    SERVER
        .get_or_init(|| server::start_with("12.4.1", &[("TUS_ENABLED", "true")]))
        .as_ref()
        .unwrap_or_else(|reason| panic!("this test needs a real Directus 12.4.1 with TUS_ENABLED, which could not be started:\n{reason}"))
}

/// An admin client of `s` through `url` (a proxy's), sending 1 MiB chunks, `attempts` in a row.
fn chunked_client(url: &str, s: &Server, attempts: u32) -> Client {
    Client::builder(url)
        .token(s.admin_token.as_str())
        .upload_chunk_size(1 << 20)
        .retry(directus_client::RetryPolicy::attempts(attempts))
        .build()
        .expect("client")
}

/// `len` bytes that differ from one chunk to the next, so a chunk sent twice or skipped shows.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| ((i / 1000) as u8).wrapping_mul(31).wrapping_add(i as u8)).collect()
}

async fn stored_bytes(c: &Client, id: &str) -> Vec<u8> {
    c.assets().get(id, &Default::default()).await.unwrap().bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn a_resumable_upload_survives_a_dropped_connection() {
    let s = tus_server();
    let data = pattern((5 << 20) + 12_345);
    let path = directus_e2e::temp_dir("tus").join("big.bin");
    std::fs::write(&path, &data).unwrap();
    // Cut half-way through the third chunk: the server has two chunks and part of a third.
    let proxy = directus_e2e::proxy::CutProxy::start(&s.url, (2 << 20) + 500_000);
    let c = chunked_client(&proxy.url, s, 5);
    let opts = directus_client::files::UploadResumableOptions::default().title("Big").description("sent in chunks");
    let done = c.files().upload_resumable(&path, &opts).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(proxy.cuts(), 1, "the connection was cut once, mid-upload");
    assert_eq!(done.size, data.len() as u64);

    let direct = admin(s);
    let record: Value = direct.files().get(&done.file_id, &Query::default()).decode().await.unwrap();
    assert_eq!(record["title"], "Big", "metadata became the record's fields");
    assert_eq!(record["description"], "sent in chunks");
    assert_eq!(record["filename_download"], "big.bin");
    assert_eq!(record["type"], "application/octet-stream");
    assert_eq!(record["filesize"].as_i64().or_else(|| record["filesize"].as_str().and_then(|v| v.parse().ok())), Some(data.len() as i64));
    assert!(record["tus_id"].is_null(), "the upload is finished: {record}");
    assert!(stored_bytes(&direct, &done.file_id).await == data, "the stored file is the one sent, byte for byte");

    // From a reader: its length is announced first, so a reader without one is refused up front.
    let reader = directus_client::Upload::reader("streamed.bin", std::io::Cursor::new(data.clone()), Some(data.len() as u64));
    let streamed = chunked_client(&s.url, s, 3).files().upload_resumable(reader, &Default::default()).await.unwrap();
    assert!(stored_bytes(&direct, &streamed.file_id).await == data);
    let no_length = directus_client::Upload::reader("unsized.bin", std::io::Cursor::new(vec![1u8; 10]), None);
    let err = direct.files().upload_resumable(no_length, &Default::default()).await.expect_err("no length");
    assert!(matches!(err, directus_client::Error::InvalidInput { .. }) && err.to_string().contains("length"), "{err}");

    // The CLI, straight to the server: the finished upload as JSON.
    let out = directus_e2e::admin_cli(env!("CARGO_BIN_EXE_directus"), s, &["files", "upload-resumable", "--file", path.to_str().unwrap(), "--title", "Via CLI"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let via_cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(via_cli["size"], data.len());
    let record: Value = direct.files().get(via_cli["file_id"].as_str().unwrap(), &Query::default()).decode().await.unwrap();
    assert_eq!(record["title"], "Via CLI");
    assert!(stored_bytes(&direct, via_cli["file_id"].as_str().unwrap()).await == data);
}

#[tokio::test]
async fn an_upload_that_stops_is_resumed_by_its_id_or_cancelled() {
    let s = tus_server();
    let dir = directus_e2e::temp_dir("tus-resume");
    let data = pattern((3 << 20) + 7);
    let path = dir.join("resume.bin");
    std::fs::write(&path, &data).unwrap();
    // No retries: the cut ends the call, with what is needed to go on.
    let proxy = directus_e2e::proxy::CutProxy::start(&s.url, (1 << 20) + 300_000);
    let c = chunked_client(&proxy.url, s, 1);
    let err = c.files().upload_resumable(&path, &Default::default()).await.expect_err("the connection was cut");
    let directus_client::Error::ResumableInterrupted { upload_id, offset, size, .. } = &err else { panic!("{err:?}") };
    assert_eq!(*size, data.len() as u64);
    assert!(*offset >= 1 << 20 && *offset < 3 << 20, "at least the first chunk arrived: {offset}");
    assert!(err.to_string().contains(upload_id.as_str()) && err.to_string().contains("resume"), "{err}");

    // Through the CLI, without the proxy: the rest of the file, from where the server has it.
    let out = directus_e2e::admin_cli(env!("CARGO_BIN_EXE_directus"), s, &["files", "resume-upload", upload_id, "--file", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let done: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(done["upload_id"], upload_id.as_str());
    assert_eq!(done["size"], data.len());
    let direct = admin(s);
    let file_id = done["file_id"].as_str().unwrap();
    assert!(stored_bytes(&direct, file_id).await == data, "resumed to the same bytes");

    // A different file cannot resume an upload (its size is checked first).
    let other = dir.join("other.bin");
    std::fs::write(&other, b"short").unwrap();
    proxy.cut_again_after((1 << 20) + 100);
    let err = c.files().upload_resumable(&path, &Default::default()).await.expect_err("cut again");
    let directus_client::Error::ResumableInterrupted { upload_id, .. } = &err else { panic!("{err:?}") };
    let wrong = admin(s).files().resume_upload(upload_id, &other).await.expect_err("not the same file");
    assert!(wrong.to_string().contains("same file"), "{wrong}");

    // Cancelled: the server forgets the upload (Directus hides unfinished uploads' records from
    // reads, so the upload's own address is what shows it: known above, 404 after).
    direct.files().cancel_upload(upload_id).await.unwrap();
    let gone = direct.files().resume_upload(upload_id, &path).await.expect_err("cancelled");
    assert_eq!(gone.status(), Some(404), "{gone}");
}

#[tokio::test]
async fn resumable_uploads_need_the_server_to_have_them_on() {
    // The shared server has TUS_ENABLED off, as Directus does by default.
    let s = server();
    let dir = directus_e2e::temp_dir("tus-off");
    let path = dir.join("a.txt");
    std::fs::write(&path, "abc").unwrap();
    let err = admin(s).files().upload_resumable(&path, &Default::default()).await.expect_err("no tus route");
    assert_eq!(err.code(), Some(&ErrorCode::RouteNotFound), "{err}");
}

/// Every metadata field Directus reads from an upload's form goes with the file: what was sent
/// is what the file record holds, on create and on replace (tags as JSON, read back as a list).
#[tokio::test]
async fn an_upload_carries_every_metadata_field() {
    let s = server();
    let c = admin(s);
    let dir = directus_e2e::temp_dir("files-metadata");
    let path = dir.join("report-2026.txt");
    std::fs::write(&path, "quarterly numbers\n").unwrap();
    let folder: Value = c.folders().create(&json!({ "name": "metadata" })).decode().await.unwrap();
    let folder_id = folder["id"].as_str().unwrap().to_owned();
    let opts = directus_client::files::CreateOptions::default()
        .title("Report")
        .description("The numbers of the quarter")
        .tags(json!(["ci", "rust"]))
        .location("Lisbon")
        .filename_download("q4.txt")
        .folder(folder_id.as_str());
    let made: Value = c.files().create(&path, &opts).decode().await.unwrap();
    let id = made["id"].as_str().unwrap().to_owned();
    let got: Value = c.files().get(&id, &Query::default()).decode().await.unwrap();
    assert_eq!(
        (&got["title"], &got["description"], &got["tags"], &got["location"], &got["filename_download"], &got["folder"]),
        (&json!("Report"), &json!("The numbers of the quarter"), &json!(["ci", "rust"]), &json!("Lisbon"), &json!("q4.txt"), &json!(folder_id)),
        "{got}"
    );
    assert_eq!(c.assets().get(&id, &Default::default()).await.unwrap().filename(), Some("q4.txt"));

    // Replacing the bytes takes the same fields.
    let root: Value = c.folders().create(&json!({ "name": "metadata moved" })).decode().await.unwrap();
    let ropts = directus_client::files::ReplaceOptions::default()
        .description("Corrected")
        .tags(json!(["fixed"]))
        .location("Porto")
        .filename_download("q4-fixed.txt")
        .folder(root["id"].as_str().unwrap());
    let _: Value = c.files().replace(&id, &path, &ropts).decode().await.unwrap();
    let got: Value = c.files().get(&id, &Query::default()).decode().await.unwrap();
    assert_eq!(
        (&got["description"], &got["tags"], &got["location"], &got["filename_download"], &got["folder"]),
        (&json!("Corrected"), &json!(["fixed"]), &json!("Porto"), &json!("q4-fixed.txt"), &root["id"]),
        "{got}"
    );
    c.files().delete(&id).await.unwrap();
    c.folders().delete_many([folder_id.as_str(), root["id"].as_str().unwrap()]).await.unwrap();
}
