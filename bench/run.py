#!/usr/bin/env python3
"""The benchmark harness: this project side by side with progenitor 0.15.1, in one run.

    python3 bench/run.py            # everything (about 20 minutes on 2 cores)
    python3 bench/run.py --quick    # no cold builds and no 1 GiB transfer through Directus
    python3 bench/run.py --only overhead,instructions,memory   # just those sections (see SECTIONS)

Peers are fetched at run time into ~/.cache/directus-rs-bench (cargo-progenitor from crates.io,
@directus/specs from npm); nothing of theirs is kept in the repository. Both sides are measured
alternately, so machine noise falls on both; the report gives medians, min-max and ratios.
Before each section it waits for the machine to be quiet (1-minute load under 1.5, polled every
20 s, at most 15 minutes; the report says when it gave up). Writes bench/results/latest.md and
latest.json (partial.md and partial.json with --only), and prints the Markdown.
"""
import http.server
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.expanduser("~/.cache/directus-rs-bench")
QUICK = "--quick" in sys.argv
SECTIONS = ["generation", "cli", "overhead", "instructions", "memory", "builds", "transfer", "models"]
ONLY = None
if "--only" in sys.argv:
    ONLY = sys.argv[sys.argv.index("--only") + 1].split(",")
    unknown = set(ONLY) - set(SECTIONS)
    if unknown:
        raise SystemExit(f"unknown sections {sorted(unknown)}; sections: {', '.join(SECTIONS)}")
    if "builds" in ONLY and "generation" not in ONLY:
        raise SystemExit("builds compiles the client progenitor generates in the generation section: add generation")
ROUNDS = 5
# Alternations of the overhead benchmark: each runs every variant (OVERHEAD_VARIANTS: without
# tracing, with it; one process each, the order turning every round), each process a round of
# generated client and raw reqwest.
OVERHEAD_ROUNDS = 12
OVERHEAD_REQUESTS = 3000
# The machine is shared: wait for it to be this quiet (1-minute load) before each section.
QUIET_LOAD = 1.5
QUIET_POLL = 20
QUIET_GIVE_UP = 15 * 60
LOAD_LOG = []
# Generation runs are short, and this machine's noise is not: more rounds for the medians.
GEN_ROUNDS = 15
RESULTS = {}
TMP = tempfile.mkdtemp(prefix="directus-bench-")


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def sh(cmd, cwd=ROOT, env=None, check=True, capture=True):
    full_env = dict(os.environ, **(env or {}))
    r = subprocess.run(cmd, cwd=cwd, env=full_env, capture_output=capture, text=True)
    if check and r.returncode != 0:
        raise SystemExit(f"command failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr[-3000:] if capture else ''}")
    return r


def timed(cmd, **kw):
    start = time.perf_counter()
    r = sh(cmd, **kw)
    return time.perf_counter() - start, r


def peak_rss_mib(cmd, **kw):
    """Runs under GNU time; returns (seconds, peak RSS in MiB)."""
    start = time.perf_counter()
    r = sh(["/usr/bin/time", "-f", "%M"] + cmd, **kw)
    return time.perf_counter() - start, int(r.stderr.strip().splitlines()[-1]) / 1024


def wanted(section):
    return ONLY is None or section in ONLY


def quiet(section):
    """Waits until the 1-minute load is under QUIET_LOAD (or QUIET_GIVE_UP passed) and notes it."""
    start = time.time()
    while True:
        load = float(open("/proc/loadavg").read().split()[0])
        waited = time.time() - start
        if load < QUIET_LOAD or waited >= QUIET_GIVE_UP:
            break
        log(f"load {load:.2f} before {section}; waiting")
        time.sleep(QUIET_POLL)
    gave_up = load >= QUIET_LOAD
    LOAD_LOG.append({"section": section, "load": load, "waited_s": round(waited), "gave_up": gave_up})
    log(f"{section}: load {load:.2f} after {waited:.0f} s" + (" (gave up waiting, measuring anyway)" if gave_up else ""))


def summary(samples):
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "n": len(samples)}


def record(name, ours=None, theirs=None, unit="s", note=""):
    entry = {"unit": unit, "note": note}
    if ours is not None:
        entry["ours"] = summary(ours) if isinstance(ours, list) else ours
    if theirs is not None:
        entry["progenitor"] = summary(theirs) if isinstance(theirs, list) else theirs
    RESULTS[name] = entry
    log(f"{name}: {json.dumps(entry)}")


# --- setup -------------------------------------------------------------------------------------------
def setup():
    log("building release binaries")
    # The bench crate's `overhead-tracing` needs the client's `tracing` feature; built on its own
    # so that `overhead` and `memory` stay builds without it.
    sh(["cargo", "build", "--release", "-q", "-p", "directus-bench", "--features", "tracing", "--bin", "overhead-tracing"])
    sh(["cargo", "build", "--release", "-q", "-p", "directus-bench"])
    if not (wanted("generation") or wanted("cli") or wanted("builds") or wanted("transfer")):
        return None, None, None
    sh(["cargo", "build", "--release", "-q", "-p", "directus-generator"])
    sh(["cargo", "build", "--release", "-q", "-p", "directus-client", "--features", "cli", "--bin", "directus"])
    if not (wanted("generation") or wanted("builds")):
        return None, None, None
    tools = os.path.join(CACHE, "tools")
    prog = os.path.join(tools, "bin", "cargo-progenitor")
    if not os.path.exists(prog):
        log("installing cargo-progenitor 0.15.1 from crates.io (one time, a few minutes)")
        sh(["cargo", "install", "cargo-progenitor", "--version", "0.15.1", "--locked", "--root", tools], capture=False)
    specs = os.path.join(CACHE, "specs")
    raw = os.path.join(specs, "package", "dist", "openapi.json")
    if not os.path.exists(raw):
        log("fetching @directus/specs 15.2.0 from npm")
        os.makedirs(specs, exist_ok=True)
        sh(["npm", "pack", "@directus/specs@15.2.0", "--silent"], cwd=specs)
        sh(["tar", "xzf", "directus-specs-15.2.0.tgz"], cwd=specs)
    edited = os.path.join(specs, "edited.json")
    ops = int(sh([sys.executable, os.path.join(ROOT, "bench", "prepare_oas.py"), raw, edited]).stdout.strip())
    return prog, edited, ops


def count_ops(spec_dir):
    n = 0
    for f in os.listdir(os.path.join(spec_dir, "resources")):
        n += sum(1 for line in open(os.path.join(spec_dir, "resources", f)) if line.startswith("  - id: "))
    return n


# --- generation --------------------------------------------------------------------------------------
def generation(prog, edited):
    gen = os.path.join(ROOT, "target", "release", "generator")
    ours, theirs = [], []
    for i in range(GEN_ROUNDS):
        t, _ = timed([gen, "generate", "--spec", "spec", "--out", os.path.join(TMP, f"ours-{i}")])
        ours.append(t)
        t, _ = timed([prog, "progenitor", "-i", edited, "-o", os.path.join(TMP, f"prog-{i}"), "-n", "directus-prog", "-v", "0.1.0"])
        theirs.append(t)
    record("generation, whole process (ours: client + CLI + docs; progenitor: positional client)", ours, theirs)
    r = sh(["cargo", "bench", "-q", "-p", "directus-generator"])
    line = next((l for l in r.stdout.splitlines() if "full_spec" in l), "")
    record("generation, in process (divan, ours only)", note=line.strip())
    for n in (1000, 10000):
        spec = os.path.join(TMP, f"synth-{n}")
        sh([sys.executable, os.path.join(ROOT, "bench", "synth.py"), str(n), spec])
        samples, rss = [], 0.0
        for i in range(3):
            t, m = peak_rss_mib([gen, "generate", "--spec", spec, "--out", os.path.join(TMP, f"synth-out-{n}-{i}")])
            samples.append(t)
            rss = max(rss, m)
        record(f"generation of a synthetic {n:,}-operation spec", samples, note=f"peak RSS {rss:.0f} MiB")


def lines_per_op(ops, prog_ops):
    out = os.path.join(TMP, "ours-0")
    crate = os.path.join(out, "directus-client", "src")
    client = sum(sum(1 for _ in open(os.path.join(crate, f))) for f in os.listdir(crate) if f.endswith(".rs"))
    cli = sum(1 for _ in open(os.path.join(crate, "bin", "directus.rs")))
    docs = 0
    for d, _, files in os.walk(os.path.join(out, "docs")):
        docs += sum(sum(1 for _ in open(os.path.join(d, f))) for f in files)
    prog_lines = sum(1 for _ in open(os.path.join(TMP, "prog-0", "src", "lib.rs")))
    record("generated lines per operation: client", {"value": client / ops, "total": client, "operations": ops},
           {"value": prog_lines / prog_ops, "total": prog_lines, "operations": prog_ops}, unit="lines")
    record("generated lines per operation: CLI", {"value": cli / ops, "total": cli}, unit="lines", note="progenitor generates no CLI here")
    record("generated lines per operation: docs", {"value": docs / ops, "total": docs}, unit="lines", note="progenitor generates no docs")


# --- builds ------------------------------------------------------------------------------------------------
def workspaces():
    ours = os.path.join(TMP, "build-ours")
    os.makedirs(os.path.join(ours, "generated"))
    shutil.copytree(os.path.join(ROOT, "generated", "directus-client"), os.path.join(ours, "generated", "directus-client"))
    shutil.copytree(os.path.join(ROOT, "runtime"), os.path.join(ours, "runtime"))
    root_toml = open(os.path.join(ROOT, "Cargo.toml")).read()
    start = root_toml.index("members = [")
    end = root_toml.index("]", start) + 1
    root_toml = root_toml[:start] + 'members = ["generated/directus-client", "runtime"]' + root_toml[end:]
    open(os.path.join(ours, "Cargo.toml"), "w").write(root_toml)
    shutil.copy(os.path.join(ROOT, "Cargo.lock"), ours)
    theirs = os.path.join(TMP, "build-prog")
    shutil.copytree(os.path.join(TMP, "prog-0"), theirs)
    sh(["cargo", "generate-lockfile"], cwd=theirs)
    return ours, theirs


def deps(ws, extra=()):
    r = sh(["cargo", "tree", "-e", "normal", "--prefix", "none", *extra], cwd=ws)
    return len({l.split(" (")[0].strip() for l in r.stdout.splitlines() if l.strip()}) - 1


def build(ws, args=(), touch=None):
    env = {"CARGO_TARGET_DIR": os.path.join(ws, "target")}
    if touch:
        os.utime(touch)
    t, _ = timed(["cargo", "build", "-q", *args], cwd=ws, env=env)
    return t


def du_mib(path):
    return int(sh(["du", "-sk", path]).stdout.split()[0]) / 1024


def builds():
    ours, theirs = workspaces()
    ours_lib = os.path.join(ours, "generated", "directus-client", "src", "lib.rs")
    prog_lib = os.path.join(theirs, "src", "lib.rs")
    one = ["-p", "directus-client", "--no-default-features", "--features", "users"]
    record("dependencies of the generated client crate", {"value": deps(ours, ["-p", "directus-client"])}, {"value": deps(theirs)}, unit="crates")
    cold_o, cold_t, cold_one = [], [], []
    for _ in range(1 if QUICK else 2):
        if QUICK:
            break
        shutil.rmtree(os.path.join(ours, "target"), ignore_errors=True)
        cold_o.append(build(ours, ["-p", "directus-client"]))
        shutil.rmtree(os.path.join(theirs, "target"), ignore_errors=True)
        cold_t.append(build(theirs))
    if cold_o:
        record("cold debug build of the generated client", cold_o, cold_t)
    # Warm both, then alternate touches.
    build(ours, ["-p", "directus-client"])
    build(theirs)
    record("target/ size after the debug build", {"value": du_mib(os.path.join(ours, "target"))}, {"value": du_mib(os.path.join(theirs, "target"))}, unit="MiB")
    tor, tth = [], []
    for _ in range(ROUNDS):
        tor.append(build(ours, ["-p", "directus-client"], touch=ours_lib))
        tth.append(build(theirs, touch=prog_lib))
    record("rebuild after touching lib.rs (all resources)", tor, tth)
    if not QUICK:
        shutil.rmtree(os.path.join(ours, "target"), ignore_errors=True)
        cold_one.append(build(ours, one))
        record("cold debug build, one resource (users) enabled", cold_one)
    build(ours, one)
    tone = []
    for _ in range(ROUNDS):
        tone.append(build(ours, one, touch=ours_lib))
    record("rebuild after touching lib.rs, one resource (users) enabled", tone, tth)


# --- the CLI and the client at run time -------------------------------------------------------------------
class Stub(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"pong"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def runtime_figures():
    cli = os.path.join(ROOT, "target", "release", "directus")
    helps = [timed([cli, "--help"])[0] * 1000 for _ in range(30)]
    record("CLI start-up (--help)", helps, unit="ms", note="progenitor generates no CLI")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    pings = [timed([cli, "server", "ping"], env={"DIRECTUS_URL": url})[0] * 1000 for _ in range(30)]
    server.shutdown()
    record("CLI: one operation (server ping) against a loopback HTTP server", pings, unit="ms")


OVERHEAD_VARIANTS = [
    # (key, binary, DIRECTUS_BENCH_SUBSCRIBER, name)
    ("off", "overhead", None, "tracing off"),
    ("on", "overhead-tracing", "fmt", "tracing on, tracing-subscriber's fmt layer at info (to a sink; the client's spans are at debug)"),
    ("debug", "overhead-tracing", "fmt-debug", "tracing on, fmt layer at info with directus=debug (every call's span formatted, to a sink)"),
    ("record", "overhead-tracing", "record", "tracing on, a layer formatting every field and event at every level"),
    ("registry", "overhead-tracing", "registry", "tracing on, the registry alone (no field formatted)"),
    ("none", "overhead-tracing", "none", "tracing compiled in, no subscriber"),
]


def overhead():
    """Per request, the generated client without and with its `tracing` feature (and, to tell the
    parts of the cost apart, with other subscribers and with none), each against raw reqwest in
    the same process and round, the two taking turns in blocks of 100 requests; the variants
    alternate, in an order that turns each round. Both wall-clock time and the CPU time of the
    client's thread are kept: on this shared machine the second is the steadier, as it leaves out
    the time spent waiting for a core."""
    clocks = [("wall", "generated_us", "reqwest_us", "µs"), ("cpu", "generated_cpu_us", "reqwest_cpu_us", "µs CPU")]
    samples = {(v[0], c[0]): {"generated": [], "reqwest": [], "paired": []} for v in OVERHEAD_VARIANTS for c in clocks}
    spans = 0
    for i in range(OVERHEAD_ROUNDS):
        turn = i % len(OVERHEAD_VARIANTS)
        for key, binary, mode, _ in OVERHEAD_VARIANTS[turn:] + OVERHEAD_VARIANTS[:turn]:
            env = {"DIRECTUS_BENCH_SUBSCRIBER": mode} if mode else None
            o = json.loads(sh([os.path.join(ROOT, "target", "release", binary), str(OVERHEAD_REQUESTS), "1"], env=env).stdout)
            assert o["tracing"] == (mode is not None), o
            if mode == "fmt":
                # At info the client's debug spans are filtered out: none is opened.
                assert o["subscriber"]["spans_opened"] == 0, o["subscriber"]
            if mode in ("fmt-debug", "record", "registry"):
                sub = o["subscriber"]
                # Every call (and the warm-up) opened and closed its span.
                assert sub["mode"] == mode and sub["spans_closed"] == sub["spans_opened"] >= OVERHEAD_REQUESTS, sub
                if mode == "fmt-debug":
                    spans += sub["spans_closed"]
            for clock, gen, raw, _ in clocks:
                s = samples[(key, clock)]
                s["generated"] += o[gen]
                s["reqwest"] += o[raw]
                s["paired"] += [g / r for g, r in zip(o[gen], o[raw])]
    for key, _, _, what in OVERHEAD_VARIANTS:
        for clock, _, _, unit in clocks:
            s = samples[(key, clock)]
            ratio = statistics.median(s["generated"]) / statistics.median(s["reqwest"])
            paired = statistics.median(s["paired"])
            note = (f"right-hand column: raw reqwest in the same process and round, not progenitor; "
                    f"ratio of medians {ratio:.3f}, median of per-round ratios {paired:.3f}")
            if key == "debug" and clock == "wall":
                note += f"; {spans:,} spans recorded and closed"
            how = "" if clock == "wall" else " (CPU time of the client's thread)"
            name = f"per request{how}, {what}: generated client against raw reqwest (loopback stub)"
            record(name, s["generated"], s["reqwest"], unit=unit, note=note)
            RESULTS[name]["paired_ratios"] = s["paired"]


PROCESS_REQUESTS = 20000
PROCESS_ROUNDS = 8
PROCESS_VARIANTS = [
    # (key, binary, DIRECTUS_BENCH_SUBSCRIBER, DIRECTUS_BENCH_SIDE, name)
    ("raw", "overhead", None, "raw", "raw reqwest"),
    ("off", "overhead", None, "ours", "generated client, tracing off"),
    ("on", "overhead-tracing", "fmt", "ours", "generated client, tracing on, fmt layer at info"),
]


def overhead_processes():
    """Per request, each side in a process of its own: the CPU time (user + system, from the
    kernel's accounting of the child) of a process making 20,000 requests against the in-process
    stub, the variants taking turns process by process. The in-process rounds above alternate
    the two clients every 100 requests on one thread, so each evicts the other's code and data
    from the caches; here each side runs warm, as an application would. Start-up and the stub's
    work are the same for every variant."""
    import resource
    cpu = {v[0]: [] for v in PROCESS_VARIANTS}
    for i in range(PROCESS_ROUNDS):
        turn = i % len(PROCESS_VARIANTS)
        for key, binary, mode, side, _ in PROCESS_VARIANTS[turn:] + PROCESS_VARIANTS[:turn]:
            env = {"DIRECTUS_BENCH_SIDE": side}
            if mode:
                env["DIRECTUS_BENCH_SUBSCRIBER"] = mode
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            sh([os.path.join(ROOT, "target", "release", binary), str(PROCESS_REQUESTS), "1"], env=env)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            cpu[key].append(used / PROCESS_REQUESTS * 1e6)
    for key, _, _, _, what in PROCESS_VARIANTS[1:]:
        ratio = statistics.median(cpu[key]) / statistics.median(cpu["raw"])
        record(f"per request, one side per process (CPU time of the process, stub included), {what}: against raw reqwest",
               cpu[key], cpu["raw"], unit="µs CPU",
               note=f"right-hand column: raw reqwest alone in its process, not progenitor; ratio of medians {ratio:.3f}; {PROCESS_ROUNDS} processes each of {PROCESS_REQUESTS:,} requests")


INSTRUCTION_CONFIGS = [
    # (key, binary, DIRECTUS_BENCH_SUBSCRIBER, DIRECTUS_BENCH_SIDE, name)
    ("raw", "overhead", None, "raw", "raw reqwest"),
    ("off", "overhead", None, "ours", "generated client, tracing off"),
    ("on", "overhead-tracing", "fmt", "ours", "generated client, tracing on, fmt layer at info"),
    ("debug", "overhead-tracing", "fmt-debug", "ours", "generated client, tracing on, fmt layer with directus=debug"),
    ("record", "overhead-tracing", "record", "ours", "generated client, tracing on, every field and event formatted"),
    ("registry", "overhead-tracing", "registry", "ours", "generated client, tracing on, registry alone"),
    ("none", "overhead-tracing", "none", "ours", "generated client, tracing compiled in, no subscriber"),
]
INSTRUCTION_REQUESTS = (1000, 3000)


def instructions():
    """Instructions per request, counted by callgrind: each side of the overhead benchmark alone,
    run with 1,000 and with 3,000 requests, the difference over 2,000, so start-up and warm-up
    cancel out. Everything runs on the runtime's one thread (thread 1: client, hyper, reqwest and
    the stub, whose work is the same for both sides). Unlike the timings, which move by several
    per cent between rounds on this shared machine, these counts are the same from run to run;
    they leave out the kernel's part of a request (the loopback socket calls, the same on both
    sides) and what memory and caches add, so a ratio of counts is not a ratio of times."""
    if not shutil.which("valgrind"):
        log("valgrind not found: no instruction counts")
        return
    per_request = {}
    for key, binary, mode, side, _ in INSTRUCTION_CONFIGS:
        totals = []
        for n in INSTRUCTION_REQUESTS:
            out = os.path.join(TMP, f"callgrind-{key}-{n}")
            env = {"DIRECTUS_BENCH_SIDE": side}
            if mode:
                env["DIRECTUS_BENCH_SUBSCRIBER"] = mode
            sh(["valgrind", "--tool=callgrind", "--separate-threads=yes", f"--callgrind-out-file={out}",
                os.path.join(ROOT, "target", "release", binary), str(n), "1"], env=env)
            totals.append(next(int(l.split()[1]) for l in open(out + "-01") if l.startswith("totals:")))
        per_request[key] = (totals[1] - totals[0]) / (INSTRUCTION_REQUESTS[1] - INSTRUCTION_REQUESTS[0])
    for key, _, _, _, what in INSTRUCTION_CONFIGS:
        v = per_request[key]
        note = "" if key == "raw" else f"{v / per_request['raw']:.3f}× raw reqwest, {v - per_request['raw']:+,.0f} instructions"
        record(f"instructions per request, {what} (callgrind)", {"value": v / 1000}, unit="thousand instructions", note=note)


MEMORY_CASES = [
    ("baseline", "peak RSS: one small JSON reply (the floor)"),
    ("stream-10000", "peak RSS streaming 10,000 items (~10 MB) through items().list_stream, pages of 500"),
    ("stream-100000", "peak RSS streaming 100,000 items (~100 MB) through items().list_stream, pages of 500"),
    ("gib-json", "peak RSS: a 1 GiB JSON reply (announced), refused"),
    ("gib-error", "peak RSS: a 1 GiB error body (unannounced), first MiB kept"),
    ("gib-unannounced", "peak RSS: a 1 GiB chunked JSON reply, 16 MiB reply limit"),
    ("gib-download", "peak RSS: download of 1 GiB (assets().get(..).save)"),
    ("gib-upload", "peak RSS: upload of 1 GiB (files().create, from disk)"),
    ("all-users-value", "peak RSS: users().list with limit -1, 20,000 users in one reply, into Vec<serde_json::Value>"),
    ("all-users-typed", "peak RSS: users().list with limit -1, 20,000 users in one reply, into a struct"),
]
MEMORY_ROUNDS = 3


def memory():
    """Peak RSS of a child process running the generated client against a loopback stub."""
    exe = os.path.join(ROOT, "target", "release", "memory")
    runs = [json.loads(sh([exe]).stdout) for _ in range(MEMORY_ROUNDS)]
    for case, name in MEMORY_CASES:
        rs = [r[case] for r in runs]
        if not all(r["ok"] for r in rs):
            raise SystemExit(f"memory case {case} failed: {rs}")
        peak = max(r["peak_mib"] for r in rs)
        seconds = statistics.median(r["seconds"] for r in rs)
        each = ", ".join(f"{r['peak_mib']:.1f}" for r in rs)
        child = rs[0]["child"]
        note = f"largest of {len(rs)} runs ({each}); {child if len(child) <= 120 else child[:120] + '…'}"
        if rs[0]["requests"] > 1:
            note += f"; {rs[0]['requests']} requests"
        if "reply_bytes" in rs[0]:
            # Against the reply: the peak over the floor (the baseline case of the same run), and
            # the child's heap at its peak split into the decoded list and the rest.
            mib = 1048576.0
            reply = rs[0]["reply_bytes"]
            floor = max(r["baseline"]["peak_mib"] for r in runs)
            heap = max((r["heap"] for r in rs), key=lambda h: h["peak_bytes"])
            note += (f"; reply {reply / mib:.1f} MiB; peak over the floor ({floor:.1f} MiB) {(peak - floor) * mib / reply:.2f}× the reply;"
                     f" heap at its peak {heap['peak_bytes'] / mib:.1f} MiB ({heap['peak_bytes'] / reply:.2f}× the reply),"
                     f" of which the decoded list holds {heap['list_bytes'] / mib:.1f} MiB ({heap['list_bytes'] / reply:.2f}×)")
        record(name, {"value": peak, "seconds": seconds}, unit="MiB peak RSS", note=note)


def big_transfer():
    """Uploads and downloads 1 GiB through the CLI and a real Directus, measuring peak memory."""
    work = os.path.join(TMP, "directus")
    port = 18000 + os.getpid() % 1000
    env = {"ADMIN_EMAIL": "admin@example.com", "ADMIN_PASSWORD": "Bench-Pass-1", "ADMIN_TOKEN": "bench-token-123456",
           "SECRET": "bench-secret-bench-secret-bench-secret", "WATCH_PID": str(os.getpid())}
    r = sh(["bash", os.path.join(ROOT, "tests", "harness", "start-directus.sh"), "12.4.1", work, str(port)], env=env)
    pid = int(r.stdout.strip().splitlines()[-1].split("=")[1])
    try:
        big = os.path.join(TMP, "big.bin")
        with open(big, "wb") as f:
            chunk = os.urandom(1 << 20)
            for _ in range(1024):
                f.write(chunk)
        cli = os.path.join(ROOT, "target", "release", "directus")
        cenv = {"DIRECTUS_URL": f"http://127.0.0.1:{port}", "DIRECTUS_TOKEN": env["ADMIN_TOKEN"]}
        t_up, m_up = peak_rss_mib([cli, "files", "create", "--file", big], env=cenv)
        out = sh([cli, "files", "list", "--filter", '{"filename_download":{"_eq":"big.bin"}}', "--fields", "id"], env=cenv).stdout
        fid = json.loads(out)[0]["id"]
        down = os.path.join(TMP, "down.bin")
        t_down, m_down = peak_rss_mib([cli, "assets", "get", "--id", fid, "--output-file", down], env=cenv)
        same = sh(["cmp", big, down], check=False).returncode == 0
        record("CLI upload of 1 GiB through Directus 12.4.1", {"value": m_up, "seconds": t_up}, unit="MiB peak RSS")
        record("CLI download of 1 GiB through Directus 12.4.1", {"value": m_down, "seconds": t_down}, unit="MiB peak RSS",
               note="bytes identical" if same else "BYTES DIFFER")
    finally:
        os.kill(pid, 15)


# --- report ----------------------------------------------------------------------------------------------------
# --- models (issue 12) ---------------------------------------------------------------------------------
def models_scale():
    """`generator models` on a synthetic 500-collection, 10,000-field snapshot: the whole process,
    reading the snapshot and writing 501 files into a fresh folder, then again with nothing to write."""
    gen = os.path.join(ROOT, "target", "release", "generator")
    snap = os.path.join(TMP, "models-synth.json")
    r = sh(["cargo", "run", "-q", "-p", "directus-e2e", "--bin", "synth-snapshot", "--", "500", "20"])
    open(snap, "w").write(r.stdout)
    cold, warm, rss = [], [], 0.0
    for i in range(GEN_ROUNDS):
        out = os.path.join(TMP, f"models-out-{i}")
        t, m = peak_rss_mib([gen, "models", "--snapshot", snap, "--out", out])
        cold.append(t)
        rss = max(rss, m)
        t, _ = timed([gen, "models", "--snapshot", snap, "--out", out])
        warm.append(t)
    record("generator models, synthetic 500 collections / 10,000 fields, fresh folder", cold, note=f"peak RSS {rss:.0f} MiB; target < 1 s")
    record("generator models, the same again (nothing to write)", warm)


def fmt(v):
    if isinstance(v, dict) and "median" in v:
        return f"{v['median']:.3g} ({v['min']:.3g}–{v['max']:.3g})"
    if isinstance(v, dict) and "value" in v:
        return f"{v['value']:.3g}"
    return "—"


def center(v):
    return v.get("median", v.get("value")) if isinstance(v, dict) else None


def report():
    lines = [
        "| Figure | Unit | This project | progenitor 0.15.1 | Ratio (ours / theirs) | Note |",
        "|---|---|---|---|---|---|",
    ]
    for name, e in RESULTS.items():
        o, t = e.get("ours"), e.get("progenitor")
        ratio = "—"
        if center(o) is not None and center(t):
            ratio = f"{center(o) / center(t):.3g}"
        extra = o.get("seconds") if isinstance(o, dict) else None
        note = e["note"] + (f"; took {extra:.3g} s" if extra else "")
        lines.append(f"| {name} | {e['unit']} | {fmt(o)} | {fmt(t)} | {ratio} | {note} |")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"
    head = f"Run of {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine}; medians of alternating rounds, (min–max).\n\n"
    loads = "; ".join(f"{l['section']} {l['load']:.2f}" + (f" after {l['waited_s']} s" if l["waited_s"] else "")
                      + (" (gave up waiting)" if l["gave_up"] else "") for l in LOAD_LOG)
    tail = f"\n1-minute load when each section started: {loads}.\n" if loads else ""
    return head + "\n".join(lines) + "\n" + tail


def main():
    prog, edited, prog_ops = setup()
    if wanted("generation"):
        quiet("generation")
        generation(prog, edited)
        lines_per_op(count_ops(os.path.join(ROOT, "spec")), prog_ops)
    if wanted("cli"):
        quiet("cli")
        runtime_figures()
    if wanted("overhead"):
        quiet("overhead")
        overhead()
        overhead_processes()
    if wanted("instructions"):
        # Counted, not timed: the machine's load does not change them.
        instructions()
    if wanted("memory"):
        quiet("memory")
        memory()
    if wanted("builds"):
        quiet("builds")
        builds()
    if wanted("transfer") and not QUICK:
        quiet("transfer")
        big_transfer()
    if wanted("models"):
        quiet("models")
        models_scale()
    md = report()
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    stem = "latest" if ONLY is None else "partial"
    open(os.path.join(ROOT, "bench", "results", f"{stem}.md"), "w").write(md)
    json.dump({"results": RESULTS, "load": LOAD_LOG} if ONLY else RESULTS,
              open(os.path.join(ROOT, "bench", "results", f"{stem}.json"), "w"), indent=2)
    print(md)
    shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
