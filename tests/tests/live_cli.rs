//! The CLI's reading of whole lists and its dry runs, against a real Directus 12.4.1.

use directus_client::Client;
use directus_e2e::server::{self, Server};
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn server() -> &'static Server {
    server::shared("12.4.1")
}

fn cli(s: &Server, args: &[&str]) -> std::process::Output {
    directus_e2e::admin_cli(env!("CARGO_BIN_EXE_directus"), s, args)
}

#[tokio::test]
async fn all_reads_every_item_once_and_dry_run_changes_nothing() {
    let s = server();
    let c = Client::with_token(&s.url, s.admin_token.as_str()).unwrap();
    let name = format!("cli_all_{}", directus_e2e::random_hex(4));
    c.collections()
        .create(&json!({ "collection": name, "schema": {},
            "fields": [{ "field": "id", "type": "integer", "schema": { "is_primary_key": true, "has_auto_increment": true } },
                       { "field": "n", "type": "integer" }] })).decode::<Value>()
        .await
        .unwrap();
    let rows: Vec<Value> = (0..260).map(|n| json!({ "n": n })).collect();
    let made: Vec<Value> = c.items().create_many(&name, &rows).await.unwrap();
    assert_eq!(made.len(), 260);

    // Without --all, Directus's default of 100; with it, every item, once, as ndjson and as JSON.
    let out = cli(s, &["items", "list", "--collection", &name, "-o", "ndjson"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 100);
    let out = cli(s, &["items", "list", "--collection", &name, "--all", "--sort", "id", "-o", "ndjson"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let ids: Vec<i64> = String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), 260);
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 260, "no item twice");
    let out = cli(s, &["items", "list", "--collection", &name, "--all", "--fields", "n", "--filter", r#"{"n":{"_gte":250}}"#]);
    let all: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(all.as_array().map(Vec::len), Some(10), "{all}");

    // A dry run of a create prints it and creates nothing.
    let out = cli(s, &["--dry-run", "items", "create", "--collection", &name, "--data", r#"{"n":999}"#]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with(&format!("POST {}/items/{name}\n", s.url)));
    let count = cli(s, &["items", "list", "--collection", &name, "--filter", r#"{"n":{"_eq":999}}"#]);
    assert_eq!(serde_json::from_slice::<Value>(&count.stdout).unwrap(), json!([]), "the dry run created an item");
    c.collections().delete(&name).await.unwrap();
}
