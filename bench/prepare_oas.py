#!/usr/bin/env python3
"""Applies the minimal edits progenitor 0.15.1 needs to accept @directus/specs 15.2.0's openapi.json.

Usage: prepare_oas.py IN OUT. The edits: the four query parameters declared with `content`
(Aggregate, Alias, Deep, Filter) become plain strings; the null request schema becomes {};
two-media-type bodies keep only JSON; the 204 of /schema/diff is dropped; the two multipart-only
import operations are dropped. Prints the operation count.
"""
import json
import sys

doc = json.load(open(sys.argv[1]))
for param in doc.get("components", {}).get("parameters", {}).values():
    if "content" in param:
        del param["content"]
        param["schema"] = {"type": "string"}
ops = 0
for path, item in list(doc["paths"].items()):
    for method in list(item):
        op = item[method]
        if method not in ("get", "post", "patch", "put", "delete"):
            continue
        body = op.get("requestBody")
        if body is not None:
            content = body.get("content", {})
            if list(content) == ["multipart/form-data"]:
                del item[method]
                continue
            if len(content) > 1 and "application/json" in content:
                body["content"] = {"application/json": content["application/json"]}
            for media in body["content"].values():
                if media.get("schema", {}) is None:
                    media["schema"] = {}
        if path == "/schema/diff":
            op.get("responses", {}).pop("204", None)
        ops += 1
    if not any(m in item for m in ("get", "post", "patch", "put", "delete")):
        del doc["paths"][path]
json.dump(doc, open(sys.argv[2], "w"), indent=2)
print(ops)
