//! `generator models` against a real Directus 12.4.1: the fixture schema
//! (tests/fixtures/models/snapshot.json) applied with schema diff + apply to this binary's fresh
//! server; the models generated from the server (`--url`, the token on stdin or in
//! DIRECTUS_TOKEN, never an argument) are those generated from the file; and a typed create →
//! get → update → list (`fields=*.*`) → delete round trip through the committed models crate
//! (tests/golden/models/fixture-models) for every collection, values read back equal to values
//! written.
//!
//! One difference is expected and checked: SQLite has no decimal column, so Directus creates
//! `articles.price` as a float and its snapshot says `float`; the fixture says `decimal`, as
//! PostgreSQL and MySQL report it. Decimals therefore round-trip here through a float column:
//! exact for values a float holds to their last digit (the value below has 10 significant digits).
//! And SQLite without SpatiaLite cannot store a geometry (Directus fails with `no such function:
//! st_geomfromtext`) nor read one (`st_astext`): the fixture keeps its geometry in a collection of
//! its own, `places`, whose round trip here checks that this is still the reason; its GeoJSON
//! decoding is checked without a server in models.rs.

use directus_client::{Client, Query};
use directus_e2e::repo_root;
use directus_e2e::server::{self, Server};
use directus_runtime::{BigInt, Decimal, Geometry, Related};
use fixture_models::*;
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

// The README's "Typed items" example, compiled and run here (models.rs checks that the README
// shows this file).
#[path = "support/typed_items.rs"]
mod typed_items;

fn server() -> &'static Server {
    server::shared("12.4.1")
}

fn admin(s: &Server) -> Client {
    Client::with_token(&s.url, s.admin_token.as_str()).expect("client")
}

fn fixture() -> Value {
    serde_json::from_str(&std::fs::read_to_string(repo_root().join("tests/fixtures/models/snapshot.json")).unwrap()).unwrap()
}

/// The fixture schema on the server, once per test binary (the tests share the server).
async fn applied(s: &Server) {
    static DONE: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    DONE.get_or_init(|| async {
        let c = admin(s);
        let diff: Value = c.schema().diff(&fixture(), &Default::default()).decode().await.expect("schema diff of the fixture");
        c.schema().apply(&diff, &Default::default()).await.expect("schema apply of the fixture");
    })
    .await;
}

const ARGS: &[&str] = &["--crate", "fixture-models", "--runtime-path", "../../../../runtime", "--client-path", "../../../../generated/directus-client"];

fn generator(args: &[&str], out: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_generator-under-test"));
    cmd.arg("models").args(args).arg("--out").arg(out).args(ARGS).env_remove("DIRECTUS_TOKEN");
    cmd
}

fn ok(out: std::process::Output, what: &str) {
    assert!(out.status.success(), "{what}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

/// The files of a generated crate without their two-line provenance header (which names the
/// snapshot file or the live server).
fn bodies(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for sub in ["", "src"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else { continue };
        for e in entries.flatten().filter(|e| e.path().is_file()) {
            let text = std::fs::read_to_string(e.path()).unwrap();
            let body: String = text.lines().skip_while(|l| l.contains("@generated") || l.contains("Do not edit")).collect::<Vec<_>>().join("\n");
            out.push((format!("{sub}/{}", e.file_name().to_string_lossy()), body));
        }
    }
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn models_from_the_live_server_are_those_from_the_file() {
    let s = server();
    applied(s).await;
    let dir = directus_e2e::temp_dir("live-models");
    // The fixture as SQLite keeps it: its decimal is a float there.
    let mut sqlite = fixture();
    for f in sqlite["fields"].as_array_mut().unwrap().iter_mut().filter(|f| f["collection"] == "articles" && f["field"] == "price") {
        f["type"] = "float".into();
    }
    let file = dir.join("snapshot.json");
    std::fs::write(&file, serde_json::to_string(&sqlite).unwrap()).unwrap();
    let from_file = dir.join("from-file");
    ok(generator(&["--snapshot", file.to_str().unwrap()], &from_file).output().unwrap(), "models --snapshot");

    // The token on stdin…
    let from_url = dir.join("from-url");
    let mut child = generator(&["--url", &s.url, "--token-stdin"], &from_url).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(s.admin_token.as_bytes()).unwrap();
    ok(child.wait_with_output().unwrap(), "models --url --token-stdin");
    same(&bodies(&from_url), &bodies(&from_file), "the live server's models and the file's");
    // …or in DIRECTUS_TOKEN; without one the server refuses the snapshot, and the error says so.
    let from_env = dir.join("from-env");
    ok(generator(&["--url", &s.url], &from_env).env("DIRECTUS_TOKEN", &s.admin_token).output().unwrap(), "models --url with DIRECTUS_TOKEN");
    same(&bodies(&from_env), &bodies(&from_file), "the models with DIRECTUS_TOKEN and the file's");
    let refused = generator(&["--url", &s.url], &dir.join("anonymous")).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("/schema/snapshot") && stderr.contains("FORBIDDEN"), "{stderr}");

    // The only difference to the committed crate is that decimal.
    let golden = bodies(&repo_root().join("tests/golden/models/fixture-models"));
    let live = bodies(&from_url);
    let differ: Vec<&str> = golden.iter().zip(&live).filter(|(g, l)| g != l).map(|(g, _)| g.0.as_str()).collect();
    assert_eq!(differ, ["src/articles.rs"]);
    let articles = &live.iter().find(|(p, _)| p == "src/articles.rs").unwrap().1;
    assert!(articles.contains("pub price: Option<Option<f64>>"), "SQLite's float");
}

/// Fails naming the first file and line where two generated crates differ.
fn same(a: &[(String, String)], b: &[(String, String)], what: &str) {
    let names = |x: &[(String, String)]| x.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(a), names(b), "{what}: other files");
    for ((path, x), (_, y)) in a.iter().zip(b) {
        if let Some((l, r)) = x.lines().zip(y.lines()).find(|(l, r)| l != r) {
            panic!("{what} differ in {path}:\n  {l}\n  {r}");
        }
        assert_eq!(x.lines().count(), y.lines().count(), "{what}: {path} has another length");
    }
}

/// Updates the item with `patch`, checks the reply and a fresh read hold what was written, and
/// that a list with `fields=*.*` filtered by the key finds it.
async fn changed_and_listed<M>(c: &Client, key: &M::Key, patch: &M)
where
    M: directus_runtime::Item + std::fmt::Debug,
    M::Key: serde::Serialize,
{
    let what = <M as directus_runtime::Item>::COLLECTION;
    let items = c.collection::<M>();
    let updated = items.update(key, patch).await.unwrap_or_else(|e| panic!("update {what}: {e}"));
    written_keys_equal(patch, &updated, &format!("{what} (update)"));
    written_keys_equal(patch, &items.get(key, &Query::new()).await.unwrap(), what);
    let by_key = json!({ <M as directus_runtime::Item>::PRIMARY_KEY: { "_eq": key } });
    let listed = items.list(&Query::new().fields(["*.*"]).filter(by_key)).await.unwrap_or_else(|e| panic!("list {what}: {e}"));
    assert_eq!(listed.len(), 1, "{what}: {listed:?}");
    assert_eq!(listed[0].key().map(|k| serde_json::to_value(k).unwrap()), Some(serde_json::to_value(key).unwrap()), "{what}");
}

fn written_keys_equal<T: serde::Serialize>(written: &T, read: &T, what: &str) {
    let (w, r) = (serde_json::to_value(written).unwrap(), serde_json::to_value(read).unwrap());
    for (k, v) in w.as_object().unwrap() {
        assert_eq!(Some(v), r.get(k), "{what}: `{k}` was written as {v} and read back as {:?}", r.get(k));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn typed_round_trip_through_every_collection() {
    let s = server();
    applied(s).await;
    let c = admin(s);
    let all = Query::new().fields(["*.*"]);

    // authors: an integer key, a required string, a hash.
    let mut author = Authors::default();
    author.name = Some("Ada Lovelace".into());
    author.email = Some(Some("ada@example.com".into()));
    author.bio = Some(Some("Wrote the first program.".into()));
    author.api_secret = Some(Some("not-stored-as-such".into()));
    let made = c.collection::<Authors>().create(&author).await.expect("create an author");
    let author_id = made.id.expect("the key comes back");
    assert_ne!(made.api_secret, author.api_secret, "a hash field is stored hashed");
    author.api_secret = None;
    let got = c.collection::<Authors>().get(&author_id, &Query::new()).await.unwrap();
    written_keys_equal(&author, &got, "authors");

    // categories: a string key the caller chooses.
    let mut category = Categories::default();
    category.slug = Some(format!("rust-{}", directus_e2e::random_hex(3)));
    category.label = Some(Some("Rust".into()));
    let slug = c.collection::<Categories>().create(&category).await.unwrap().slug.unwrap();
    written_keys_equal(&category, &c.collection::<Categories>().get(&slug, &Query::new()).await.unwrap(), "categories");

    // counters: a bigInteger key the caller chooses (2^53 - 1: what SQLite's driver in Node
    // returns exactly), and a many-to-one to it.
    let mut counter = Counters::default();
    counter.code = Some(BigInt(9_007_199_254_740_991));
    counter.label = Some(Some("visits".into()));
    let code = c.collection::<Counters>().create(&counter).await.unwrap().code.expect("the key comes back");
    assert_eq!(code, BigInt(9_007_199_254_740_991));
    written_keys_equal(&counter, &c.collection::<Counters>().get(&code, &Query::new()).await.unwrap(), "counters");

    let mut quote = Quotes::default();
    quote.text = Some(Some("The Analytical Engine weaves algebraic patterns.".into()));
    quote.counter = Some(Some(Related::Key(code)));
    let quote_id = c.collection::<Quotes>().create(&quote).await.unwrap().id.unwrap();
    let quote_back = c.collection::<Quotes>().get(&quote_id, &all).await.unwrap();
    let expanded_counter = quote_back.counter.flatten().and_then(|r| r.record().cloned()).expect("the counter, expanded");
    assert_eq!((expanded_counter.code, expanded_counter.label), (Some(code), counter.label.clone()));

    // articles: every field type, a UUID key the server makes, a many-to-one.
    let mut link = ArticlesLinksItem::default();
    link.label = Some("Docs".into());
    link.url = Some("https://example.com/docs".into());
    link.weight = Some(3);
    let mut article = Articles::default();
    article.title = Some("Notes on the engine".into());
    article.body = Some(Some("# Notes".into()));
    article.status = Some(ArticlesStatus::InReview);
    article.layout = Some(Some(ArticlesLayout::Right));
    article.rating = Some(Some(-7));
    article.views = Some(Some(BigInt(9_007_199_254_740_991)));
    article.score = Some(Some(0.1));
    article.price = Some(Some("12345678.91".parse::<Decimal>().unwrap()));
    article.featured = Some(true);
    article.publish_date = Some(Some("2024-05-01".into()));
    article.publish_time = Some(Some("13:45:00".into()));
    article.published_at = Some(Some("2024-05-01T13:45:00".into()));
    article.metadata = Some(Some(json!({"draft": 3, "flags": [true, null]})));
    article.tags = Some(Some(vec!["math".into(), "engines".into()]));
    article.links = Some(Some(vec![link]));
    article.author = Some(Some(Related::Key(author_id)));
    // A many-to-one to a system collection: the client's own User when expanded.
    let me = c.users().me(&Query::new()).await.unwrap();
    article.reviewer = Some(Some(Related::Key(me.id.clone().expect("the admin's id"))));
    let made = c.collection::<Articles>().create(&article).await.expect("create an article");
    let article_id = made.id.clone().expect("a UUID key");
    written_keys_equal(&article, &made, "articles (create's reply)");
    let got = c.collection::<Articles>().get(&article_id, &Query::new()).await.unwrap();
    written_keys_equal(&article, &got, "articles");
    assert!(matches!(got.updated_at, Some(None)), "not updated yet");

    // places: a geometry, which this SQLite cannot store or read.
    let mut place = Places::default();
    place.name = Some(Some("Paris".into()));
    place.location = Some(Some(Geometry(json!({"type": "Point", "coordinates": [2.35, 48.85]}))));
    let err = c.collection::<Places>().create(&place).await.expect_err("no SpatiaLite");
    assert!(err.to_string().contains("st_geomfromtext"), "{err}");
    let err = c.collection::<Places>().list(&Query::new()).await.expect_err("no SpatiaLite");
    assert!(err.to_string().contains("st_astext"), "{err}");

    // Junctions: many-to-many and many-to-any.
    let mut pair = ArticlesCategories::default();
    pair.articles_id = Some(Some(Related::Key(article_id.clone())));
    pair.categories_slug = Some(Some(Related::Key(slug.clone())));
    let pair_id = c.collection::<ArticlesCategories>().create(&pair).await.unwrap().id.unwrap();
    let mut block = ArticlesBlocks::default();
    block.articles_id = Some(Some(Related::Key(article_id.clone())));
    block.item = Some(Some(Related::Key(quote_id.to_string())));
    block.collection = Some(Some(<Quotes as directus_runtime::Item>::COLLECTION.into()));
    let block_id = c.collection::<ArticlesBlocks>().create(&block).await.unwrap().id.unwrap();

    // update: a changed value, a choice the schema does not list, and a null.
    let mut patch = Articles::default();
    patch.title = Some("Notes on the Analytical Engine".into());
    patch.status = Some(ArticlesStatus::Unknown("archived".into()));
    patch.rating = Some(None);
    let updated = c.collection::<Articles>().update(&article_id, &patch).await.unwrap();
    written_keys_equal(&patch, &updated, "articles (update)");
    assert!(matches!(updated.updated_at, Some(Some(_))), "date-updated is set by the server");

    // list with fields=*.*: relations come back as records.
    // A filter of typed field names and values: the key, and the choice the schema did not list.
    let typed_filter = all_of([ArticlesField::Id.equals(&article_id), ArticlesField::Status.equals(&patch.status), ArticlesField::Rating.is_null()]);
    let filter = Query::new().fields(["*.*"]).filter(typed_filter);
    let listed = c.collection::<Articles>().list(&filter).await.unwrap();
    assert_eq!(listed.len(), 1);
    let a = &listed[0];
    assert_eq!(a.title, patch.title);
    let expanded_author = a.author.as_ref().and_then(|x| x.as_ref()).and_then(Related::record).expect("the author, expanded");
    assert_eq!(expanded_author.name.as_deref(), Some("Ada Lovelace"));
    let reviewer = a.reviewer.as_ref().and_then(|x| x.as_ref()).and_then(Related::record).expect("the reviewer, expanded");
    assert_eq!(reviewer.email.as_deref(), Some(s.admin_email.as_str()));
    let cats = a.categories.as_ref().expect("the m2m");
    assert_eq!(cats.len(), 1);
    let junction = cats[0].record().expect("the junction row, expanded");
    assert_eq!(junction.categories_slug.as_ref().and_then(|x| x.as_ref()).and_then(Related::key), Some(&slug));
    let blocks = a.blocks.as_ref().expect("the m2a");
    let b = blocks[0].record().expect("the junction row, expanded");
    assert_eq!(b.collection, Some(Some("quotes".to_owned())));
    assert_eq!(b.item.as_ref().and_then(|x| x.as_ref()).and_then(Related::key), Some(&quote_id.to_string()));
    // The many-to-any item itself, expanded through its collection.
    let deep = Query::new().fields(["blocks.item:quotes.*"]).filter(json!({ "id": { "_eq": article_id } }));
    let with_item = c.collection::<Articles>().list(&deep).await.unwrap();
    let expanded_block = with_item[0].blocks.as_ref().unwrap()[0].record().unwrap();
    let item = expanded_block.item.clone().unwrap().unwrap();
    assert_eq!(item.record().and_then(|q| q.get("text")), Some(&json!("The Analytical Engine weaves algebraic patterns.")));
    // Typed by the collection the junction names (the deep selection left `collection` out).
    assert_eq!(expanded_block.item_record().map(|r| r.is_ok()), None, "no collection name, no type");
    let typed = Query::new().fields(["blocks.collection", "blocks.item:quotes.*"]).filter(json!({ "id": { "_eq": article_id } }));
    let with_name = c.collection::<Articles>().list(&typed).await.unwrap();
    match with_name[0].blocks.as_ref().unwrap()[0].record().unwrap().item_record() {
        Some(Ok(ArticlesBlocksItem::Quotes(q))) => assert_eq!(q.text, quote.text),
        other => panic!("the quote, typed: {other:?}"),
    }
    // The author's one-to-many, as keys and as records; the stream reads the same items.
    let author_back = c.collection::<Authors>().get(&author_id, &Query::new()).await.unwrap();
    assert_eq!(author_back.articles.unwrap().iter().filter_map(Related::key).collect::<Vec<_>>(), [&article_id]);
    let author_all = c.collection::<Authors>().get(&author_id, &all).await.unwrap();
    assert_eq!(author_all.articles.unwrap()[0].record().and_then(|a| a.title.clone()), patch.title);
    let streamed: Vec<Authors> = c.collection::<Authors>().list(&Query::new().filter(json!({ "id": { "_eq": author_id } }))).all().await.unwrap();
    assert_eq!(streamed.len(), 1);
    // Field names checked at compile time.
    let only = c.collection::<Articles>().get(&article_id, &Query::new().fields([ArticlesField::Title, ArticlesField::Price])).await.unwrap();
    assert_eq!((only.title, only.price, only.body), (patch.title.clone(), article.price.clone(), None));

    // my-collection: serde renames for a dash, a keyword, camelCase and unicode, against the server.
    let mut odd = MyCollection::default();
    odd.r#type = Some(Some("keyword".into()));
    odd.camel_case = Some(Some("camel".into()));
    odd.my_field = Some(Some(42));
    odd.größe = Some(Some(1.5));
    let odd_id = c.collection::<MyCollection>().create(&odd).await.unwrap().id.unwrap();
    written_keys_equal(&odd, &c.collection::<MyCollection>().get(&odd_id, &all).await.unwrap(), "my-collection");
    let raw: Value = c.items().get("my-collection", odd_id, &Query::new()).await.unwrap();
    assert_eq!((&raw["type"], &raw["camelCase"], &raw["my-field"], &raw["größe"]), (&json!("keyword"), &json!("camel"), &json!(42), &json!(1.5)));

    // The singleton: one record, no key.
    let mut settings = SiteSettings::default();
    settings.site_name = Some(Some("Engines".into()));
    settings.maintenance = Some(Some(true));
    let saved = c.singleton::<SiteSettings>().update(&settings).await.unwrap();
    written_keys_equal(&settings, &saved, "site_settings (update)");
    written_keys_equal(&settings, &c.singleton::<SiteSettings>().get().await.unwrap(), "site_settings");

    // A custom field of directus_users, on top of the client's own User type.
    c.users().update_me(&json!({ "nickname": "admin-nick" })).await.unwrap();
    let me = c.users().me(&Query::new()).await.unwrap();
    let custom = DirectusUsersCustom::from_extra(&me.extra).unwrap();
    assert_eq!(custom.nickname, Some(Some("admin-nick".into())));

    // Every collection: an update read back, and a list with `fields=*.*` that finds the item.
    let mut p = Authors::default();
    p.bio = Some(None);
    changed_and_listed(&c, &author_id, &p).await;
    let mut p = Categories::default();
    p.label = Some(Some("Rust, the language".into()));
    changed_and_listed(&c, &slug, &p).await;
    let mut p = Counters::default();
    p.label = Some(Some("page views".into()));
    changed_and_listed(&c, &code, &p).await;
    let mut p = Quotes::default();
    p.source = Some(Some("Notes, 1843".into()));
    changed_and_listed(&c, &quote_id, &p).await;
    let mut p = ArticlesCategories::default();
    p.categories_slug = Some(Some(Related::Key(slug.clone())));
    changed_and_listed(&c, &pair_id, &p).await;
    let mut p = ArticlesBlocks::default();
    p.collection = Some(Some("quotes".into()));
    changed_and_listed(&c, &block_id, &p).await;
    let mut p = MyCollection::default();
    p.größe = Some(None);
    p.r#type = Some(Some("changed".into()));
    changed_and_listed(&c, &odd_id, &p).await;
    let mut p = Articles::default();
    p.tags = Some(Some(vec!["changed".into()]));
    changed_and_listed(&c, &article_id, &p).await;

    // delete, each read again: gone.
    c.collection::<ArticlesBlocks>().delete(&block_id).await.unwrap();
    c.collection::<ArticlesCategories>().delete(&pair_id).await.unwrap();
    c.collection::<Articles>().delete(&article_id).await.unwrap();
    c.collection::<Quotes>().delete(&quote_id).await.unwrap();
    c.collection::<Counters>().delete(&code).await.unwrap();
    c.collection::<Categories>().delete(&slug).await.unwrap();
    c.collection::<Authors>().delete(&author_id).await.unwrap();
    c.collection::<MyCollection>().delete(&odd_id).await.unwrap();
    assert!(c.collection::<Articles>().get(&article_id, &Query::new()).await.is_err(), "the article is gone");
    assert!(c.collection::<Authors>().get(&author_id, &Query::new()).await.is_err(), "the author is gone");
    assert!(c.collection::<Categories>().get(&slug, &Query::new()).await.is_err(), "the category is gone");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_readme_typed_items_example_runs() {
    let s = server();
    applied(s).await;
    typed_items::typed_items(&admin(s)).await.expect("the README's Typed items example");
}
