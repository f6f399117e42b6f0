//! Lists read page by page (`…_stream`, `…_all`) against a real Directus 12.4.1: every item once,
//! in order, with the query's filter, sort, limit and offset kept, and one request per page.

use directus_client::{Client, Error, Query};
use directus_e2e::server;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

const ITEMS: i64 = 260;

/// A collection of `ITEMS` rows `{id, n, odd}` with `n` = 0, 1, … in creation order.
async fn collection(c: &Client) -> String {
    let name = format!("paging_{}", directus_e2e::random_hex(4));
    let _: Value = c
        .collections()
        .create(&json!({
            "collection": name, "schema": {}, "meta": {},
            "fields": [
                { "field": "id", "type": "integer", "schema": { "is_primary_key": true, "has_auto_increment": true } },
                { "field": "n", "type": "integer", "schema": {} },
                { "field": "odd", "type": "boolean", "schema": {} }
            ]
        }))
        .decode().await
        .expect("collection");
    let rows: Vec<Value> = (0..ITEMS).map(|n| json!({ "n": n, "odd": n % 2 == 1 })).collect();
    let made: Vec<Value> = c.items().create_many(&name, &rows).await.expect("rows");
    assert_eq!(made.len(), ITEMS as usize);
    name
}

/// Counts the list requests of a client, with the route template the hook sees.
fn counting(url: &str, token: &str, page_size: u32) -> (Client, Arc<Mutex<usize>>) {
    let seen = Arc::new(Mutex::new(0));
    let count = seen.clone();
    let client = Client::builder(url)
        .token(token)
        .page_size(page_size)
        .hook(move |a: &directus_runtime::Attempt<'_>| {
            if a.operation.id == "items.list" {
                assert_eq!(a.route, "/items/{collection}");
                *count.lock().unwrap() += 1;
            }
        })
        .build()
        .unwrap();
    (client, seen)
}

fn ns(items: &[Value]) -> Vec<i64> {
    items.iter().map(|i| i["n"].as_i64().expect("n")).collect()
}

#[tokio::test]
async fn a_stream_gives_every_item_once_in_order_one_request_per_page() {
    let s = server::shared("12.4.1");
    let admin = Client::with_token(&s.url, s.admin_token.as_str()).unwrap();
    let name = collection(&admin).await;
    let by_id = Query::new().sort(vec!["id"]).fields(vec!["id", "n"]);

    // The plain list gets Directus's default of 100.
    let first: Vec<Value> = admin.items().list(&name, &by_id).await.unwrap();
    assert_eq!(first.len(), 100, "Directus's default limit");

    // Default pages of 100: 100 + 100 + 60, three requests.
    let (c, requests) = counting(&s.url, &s.admin_token, directus_client::CallSettings::default().page_size);
    let mut stream = c.items().list(&name, &by_id).decode::<Value>().stream();
    let mut got = Vec::new();
    while let Some(item) = stream.try_next().await.expect("a page") {
        got.push(item);
    }
    assert_eq!(ns(&got), (0..ITEMS).collect::<Vec<_>>(), "each item exactly once, in order");
    assert_eq!(*requests.lock().unwrap(), 3, "pages of 100 for {ITEMS} items");
    eprintln!("{ITEMS} items streamed in pages of 100: {} requests", requests.lock().unwrap());

    // Small pages, a filter: only what matches, still once each and in order.
    let (c, requests) = counting(&s.url, &s.admin_token, 7);
    let odd = by_id.clone().filter(json!({ "odd": { "_eq": true } }));
    let all: Vec<Value> = c.items().list(&name, &odd).all().await.expect("every odd item");
    assert_eq!(ns(&all), (0..ITEMS).filter(|n| n % 2 == 1).collect::<Vec<_>>());
    assert_eq!(*requests.lock().unwrap(), (ITEMS as usize / 2).div_ceil(7), "one request per page, none after a short one");

    // A page size that divides the count: one empty page ends it.
    let (c, requests) = counting(&s.url, &s.admin_token, 65);
    assert_eq!(c.items().list(&name, &by_id).decode::<Value>().all().await.unwrap().len(), ITEMS as usize);
    assert_eq!(*requests.lock().unwrap(), 5, "four full pages and an empty one");

    // The query's limit caps the whole, its offset is where to start; descending sort kept.
    let (c, requests) = counting(&s.url, &s.admin_token, 10);
    let window = by_id.clone().limit(25).offset(5).sort(vec!["-id"]);
    let part: Vec<Value> = c.items().list(&name, &window).all().await.unwrap();
    assert_eq!(ns(&part), (0..ITEMS).rev().skip(5).take(25).collect::<Vec<_>>());
    assert_eq!(*requests.lock().unwrap(), 3, "10 + 10 + 5");

    // `limit: -1` is every item too.
    let every = by_id.clone().limit(-1);
    assert_eq!(admin.items().list(&name, &every).decode::<Value>().all().await.unwrap().len(), ITEMS as usize);

    // `page` would fight the stream's own paging: refused before sending.
    let (c, requests) = counting(&s.url, &s.admin_token, 10);
    let paged = by_id.clone().page(2);
    let err = c.items().list(&name, &paged).decode::<Value>().all().await.expect_err("page is refused");
    assert!(matches!(err, Error::InvalidInput { .. }) && err.to_string().contains("`page`"), "{err}");
    assert_eq!(*requests.lock().unwrap(), 0);

    // A failing page ends the stream with its error.
    let mut missing = admin.items().list("no_such_collection", &by_id).decode::<Value>().stream();
    assert!(missing.try_next().await.is_err());
    assert!(matches!(missing.try_next().await, Ok(None)), "nothing after the error");

    admin.collections().delete(&name).await.unwrap();
}
