//! A synthetic schema snapshot of any size, for the scale test of `generator models` and for
//! `bench/run.py`'s models section: `collections` collections of `fields` fields each (the key
//! included), cycling through the field types, a dropdown with choices, and a many-to-one to the
//! collection before (with its one-to-many alias on that one), so relations are resolved too.

use serde_json::{json, Value};

const TYPES: &[&str] = &["string", "text", "integer", "bigInteger", "float", "decimal", "boolean", "date", "dateTime", "json", "csv", "uuid"];

pub fn synthetic_snapshot(collections: usize, fields: usize) -> Value {
    let name = |i: usize| format!("collection_{i:04}");
    let mut cols = Vec::new();
    let mut fs = Vec::new();
    let mut rels = Vec::new();
    for c in 0..collections {
        let col = name(c);
        cols.push(json!({"collection": col, "meta": {"note": format!("Synthetic collection {c}.")}, "schema": {"name": col}}));
        fs.push(json!({"collection": col, "field": "id", "type": "integer", "meta": {"sort": 1}, "schema": {"is_primary_key": true, "is_nullable": false}}));
        let mut n = 1;
        if c > 0 && n < fields {
            fs.push(json!({"collection": col, "field": "parent", "type": "integer", "meta": {"sort": 2, "special": ["m2o"]}, "schema": {"is_nullable": true}}));
            fs.push(json!({"collection": name(c - 1), "field": "children", "type": "alias", "meta": {"sort": 1000, "special": ["o2m"]}, "schema": null}));
            rels.push(json!({"collection": col, "field": "parent", "related_collection": name(c - 1), "meta": {"one_field": "children"}}));
            n += 2;
        }
        if n < fields {
            fs.push(json!({"collection": col, "field": "status", "type": "string", "meta": {"sort": 3, "interface": "select-dropdown",
                "options": {"choices": [{"text": "Draft", "value": "draft"}, {"text": "Published", "value": "published"}]}}, "schema": {"is_nullable": false}}));
            n += 1;
        }
        for f in n..fields {
            let ty = TYPES[f % TYPES.len()];
            fs.push(json!({"collection": col, "field": format!("field_{f:03}"), "type": ty, "meta": {"sort": f + 10, "note": format!("Field {f} of {col}.")}, "schema": {"is_nullable": f % 2 == 0}}));
        }
    }
    json!({"version": 1, "directus": "12.4.1", "vendor": "postgres", "collections": cols, "fields": fs, "relations": rels})
}
