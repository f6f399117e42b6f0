use directus_client::{Client, Query};
use fixture_models::{Articles, ArticlesField, ArticlesStatus, Authors, Collections, FieldName, Related};

/// Writes, reads, changes and deletes typed records of the fixture's schema.
pub async fn typed_items(client: &Client) -> directus_client::Result<()> {
    // A record is built from Default: fields left `None` are not sent.
    let mut author = Authors::default();
    author.name = Some("Ada Lovelace".into());
    let author = client.collection::<Authors>().create(&author).await?;
    let author_id = author.id.expect("the server returns the key");

    let mut article = Articles::default();
    article.title = Some("Notes on the engine".into());
    article.status = Some(ArticlesStatus::Published);
    article.price = Some(Some("19.95".parse().expect("a decimal"))); // exact: never an f64
    article.author = Some(Some(Related::Key(author_id)));
    let saved = client.collection::<Articles>().create(&article).await?;
    let id = saved.id.expect("the server makes the UUID");

    // `author.*` expands the relation: it decodes into the related model. Field names in
    // `fields` and filters are checked at compile time.
    let query = Query::new().fields(["*", "author.*"]).filter(ArticlesField::Id.equals(&id));
    for a in client.collection::<Articles>().list(&query).await? {
        let by = a.author.flatten().and_then(|r| r.record().and_then(|au| au.name.clone()));
        println!("{:?} by {:?} for {:?}", a.title, by, a.price);
    }

    // `Some(None)` writes null.
    let only = Query::new().fields([ArticlesField::Title, ArticlesField::Status]);
    let title_only = client.collection::<Articles>().get(&id, &only).await?;
    assert!(title_only.price.is_none(), "not asked for");
    let mut patch = Articles::default();
    patch.status = Some(ArticlesStatus::Draft);
    patch.price = Some(None);
    client.collection::<Articles>().update(&id, &patch).await?;

    client.collection::<Articles>().delete(&id).await?;
    client.collection::<Authors>().delete(&author_id).await?;
    Ok(())
}
