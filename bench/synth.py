#!/usr/bin/env python3
"""Writes a synthetic spec of N operations (20 per resource, in four kinds) for scaling benchmarks.

Usage: synth.py N OUT_DIR   (api.yaml is taken from the real spec, with its query set and errors)
"""
import os
import sys

n, out = int(sys.argv[1]), sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
api = open(os.path.join(here, "..", "spec", "api.yaml")).read()
api = api.replace("name: directus-client", "name: synth-client").replace("binary: directus", "binary: synth")
os.makedirs(os.path.join(out, "resources"), exist_ok=True)
open(os.path.join(out, "api.yaml"), "w").write(api)

KINDS = [
    """  - id: list_{i}
    title: List {i}
    summary: Lists things, number {i}.
    method: GET
    path: /r{r}/list{i}
    query: query
    response: {{ kind: json, shape: array }}
""",
    """  - id: get_{i}
    title: Get {i}
    summary: Reads one thing, number {i}.
    method: GET
    path: /r{r}/get{i}/{{id}}
    params:
      - {{ name: id, in: path, type: string, description: The key. }}
      - {{ name: fields, in: query, type: string_list, description: Fields. }}
    response: {{ kind: json }}
""",
    """  - id: create_{i}
    title: Create {i}
    summary: Creates a thing, number {i}.
    method: POST
    path: /r{r}/create{i}
    body:
      kind: object
      fields:
        - {{ name: name, type: string, required: true, description: The name. }}
        - {{ name: size, type: integer, description: The size. }}
        - {{ name: tags, type: string_list, description: Tags. }}
    response:
      kind: json
      fields:
        - {{ name: id, type: string, required: true, description: The key. }}
        - {{ name: name, type: string, description: The name. }}
""",
    """  - id: delete_{i}
    title: Delete {i}
    summary: Deletes things, number {i}.
    method: DELETE
    path: /r{r}/delete{i}
    body: {{ kind: array, items: string, description: Keys. }}
    response: {{ kind: empty }}
""",
]

per = 20
for r in range((n + per - 1) // per):
    ops = []
    for i in range(r * per, min(n, (r + 1) * per)):
        ops.append(KINDS[i % 4].format(i=i, r=r))
    text = f"resource: r{r}\ntitle: Resource {r}\ndescription: Synthetic resource {r}.\noperations:\n" + "".join(ops)
    open(os.path.join(out, "resources", f"r{r}.yaml"), "w").write(text)
