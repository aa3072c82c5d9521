//! The wasm facade in Node (wasm-bindgen-test-runner): conversions and errors only,
//! no canvas or DOM.
#![cfg(target_arch = "wasm32")]

use dpo_sim::metrics::COLUMNS;
use dpo_sim::wasm::{columns, fields, normalize, Sim};
use js_sys::{Array, Error, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn message(e: JsValue) -> String {
    e.dyn_into::<Error>().expect("a JS Error").message().into()
}

fn get(o: &Object, key: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(key)).unwrap()
}

#[wasm_bindgen_test]
fn settings_round_trip() {
    let mut sim = Sim::new("quality=0.5&design=bvw").unwrap();
    assert!(sim.query().contains("quality=0.5&"), "{}", sim.query());
    assert!(!sim.set("support=0.25&exact=1").unwrap(), "live fields go on");
    assert!(sim.set("seed=7").unwrap(), "a world field restarts");
    let q = sim.query();
    assert!(
        q.contains("support=0.25") && q.contains("exact=1") && q.contains("seed=7"),
        "{q}"
    );
    assert_eq!(Sim::new(&q).unwrap().query(), q);
    assert_eq!(normalize(&q).unwrap(), q);
}

#[wasm_bindgen_test]
fn a_step_changes_the_metrics() {
    let mut sim = Sim::new("quality=0.5").unwrap();
    let before = sim.metrics().unwrap();
    sim.step(5).unwrap();
    let after = sim.metrics().unwrap();
    assert_eq!(get(&after, "step").as_f64(), Some(5.0));
    assert_ne!(
        get(&before, "expected_reward").as_f64(),
        get(&after, "expected_reward").as_f64()
    );
    assert_eq!(sim.step_count(), 5.0);
    assert_eq!(sim.history().unwrap().length(), 6);
    let csv = sim.csv();
    assert_eq!(csv.lines().next().unwrap(), COLUMNS.join(","));
    assert_eq!(csv.lines().count(), 7);
    sim.reset();
    assert_eq!(sim.step_count(), 0.0);
}

#[wasm_bindgen_test]
fn undefined_metrics_are_null() {
    // Exact mode draws no minibatch, so its loss is not defined.
    let sim = Sim::new("exact=1").unwrap();
    assert!(get(&sim.metrics().unwrap(), "batch_loss").is_null());
    assert_eq!(columns().length() as usize, COLUMNS.len());
}

#[wasm_bindgen_test]
fn invalid_settings_name_the_key() {
    let e = message(Sim::new("quality=2").err().unwrap());
    assert!(e.contains("quality") && e.contains("from 0 to 1"), "{e}");
    let mut sim = Sim::new("").unwrap();
    let e = message(sim.set("xyz=1").unwrap_err());
    assert!(e.contains("'xyz'"), "{e}");
    assert!(sim.query().contains("quality=0&"), "a refused set changes nothing");
}

#[wasm_bindgen_test]
fn divergence_is_an_error_that_names_the_step() {
    let mut sim = Sim::new("lr=1000&exact=1&beta=10").unwrap();
    let e = message(sim.step(300).unwrap_err());
    assert!(e.starts_with("Training diverged at step "), "{e}");
    assert_eq!(sim.diverged(), Some(e.clone()));
    sim.set("lr=0.1").unwrap();
    assert!(sim.step(1).is_err(), "stays stopped until reset");
    sim.reset();
    assert!(sim.diverged().is_none());
    sim.step(1).unwrap();
}

#[wasm_bindgen_test]
fn pin_and_unpin() {
    let mut sim = Sim::new("").unwrap();
    assert!(!sim.pinned());
    sim.pin();
    assert!(sim.pinned());
    sim.set("seed=3").unwrap();
    assert!(sim.pinned(), "the ghost survives a restart");
    sim.unpin();
    assert!(!sim.pinned());
}

#[wasm_bindgen_test]
fn fields_describe_every_control() {
    let fields: Array = fields().unwrap();
    let keys: Vec<String> = fields
        .iter()
        .map(|f| get(f.unchecked_ref(), "key").as_string().unwrap())
        .collect();
    assert_eq!(keys[..2], ["quality".to_string(), "support".to_string()]);
    let design = fields
        .iter()
        .find(|f| get(f.unchecked_ref(), "key").as_string().as_deref() == Some("design"))
        .unwrap();
    assert_eq!(
        get(design.unchecked_ref(), "kind").as_string().as_deref(),
        Some("choice")
    );
    assert_eq!(Array::from(&get(design.unchecked_ref(), "options")).length(), 3);
}
