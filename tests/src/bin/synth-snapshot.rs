//! Prints a synthetic schema snapshot (JSON) of COLLECTIONS collections of FIELDS fields each, for
//! `bench/run.py --only models`: `synth-snapshot 500 20 > snapshot.json` (10,000 fields).

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).map(|a| a.parse().expect("two counts: COLLECTIONS FIELDS")).collect();
    let [collections, fields] = args[..] else { panic!("usage: synth-snapshot COLLECTIONS FIELDS") };
    println!("{}", directus_e2e::synth_snapshot::synthetic_snapshot(collections, fields));
}
