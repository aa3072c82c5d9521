//! The wasm facade in Node (wasm-bindgen-test-runner): conversions and errors only,
//! no canvas or DOM.
#![cfg(target_arch = "wasm32")]

use dpo_sim::metrics::{header, keys, COUNT};
use dpo_sim::wasm::{
    charts, columns, fields, format_number, list_limits, normalize, reproduce_script, setting_keys, show_metric,
    world_from_csv, world_keys, Sim, SweepJob,
};
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

/// `rewards=` through the facade: N from it, the same text back, errors naming the key and the
/// position with nothing changed, and `replace` dropping a world the text leaves out.
#[wasm_bindgen_test]
fn rewards_give_the_world_and_come_back_as_given() {
    assert_eq!(world_keys().length(), 2);
    let mut sim = Sim::new("model=tabular").unwrap();
    assert!(sim.set("rewards=1.5,-2,0.25,3,0").unwrap(), "a new world restarts");
    let q = sim.query();
    assert!(q.contains("&n=5&") && q.ends_with("&rewards=1.5,-2,0.25,3,0"), "{q}");
    assert_eq!(get(&sim.sampler().unwrap(), "n").as_f64(), Some(5.0));
    sim.step(3).unwrap();
    for bad in ["rewards=1,2,<b>3</b>,4", "rewards=1,2,NaN,4,5"] {
        let e = message(sim.set(bad).unwrap_err());
        assert!(e.starts_with("rewards, value 3: "), "{e}");
    }
    let e = message(sim.set("rewards=1,2,3").unwrap_err());
    assert!(e.contains("rewards gives 3 responses") && e.contains("4 to 256"), "{e}");
    let e = message(sim.set("n=6").unwrap_err());
    assert!(e.contains("n = 6 disagrees with rewards"), "{e}");
    assert_eq!(sim.query(), q, "nothing changed");
    assert_eq!(sim.step_count(), 3.0);
    // The list decides N: its control is disabled with the list's reason, as nowhere else.
    let says_n = |sim: &Sim| {
        sim.inapplicable().unwrap().iter().any(|o| {
            let o: Object = o.dyn_into().unwrap();
            get(&o, "key").as_string().unwrap() == "n" && get(&o, "reason").as_string().unwrap().contains("list")
        })
    };
    assert!(says_n(&sim) && !says_n(&Sim::new("model=tabular").unwrap()));
    assert!(sim.replace("model=tabular").unwrap());
    assert!(!sim.query().contains("rewards"), "{}", sim.query());
    assert_eq!(get(&sim.sampler().unwrap(), "n").as_f64(), Some(48.0));
}

/// A world file through the facade: its settings text, the names on the way out, errors by line.
#[wasm_bindgen_test]
fn a_world_file_names_its_responses() {
    let query = world_from_csv(
        "name,reward,ref\nhelpful,2,-3\nverbose,0.5,2\nrefusal,-1,0\nrude,-2,0\n",
        "w.csv",
    )
    .unwrap();
    assert_eq!(query, "world=helpful,2,,,-3;verbose,0.5,,,2;refusal,-1,,,0;rude,-2,,,0");
    let sim = Sim::new(&query).unwrap();
    let top = sim.most_likely().unwrap();
    assert_eq!(get(&top, "name").as_string().unwrap(), "verbose");
    let listed = sim.responses().unwrap();
    let first: Object = listed.get(0).dyn_into().unwrap();
    assert_eq!(get(&first, "name").as_string().unwrap(), "helpful");
    assert_eq!(get(&first, "ref").as_f64(), Some(-3.0), "the logit as given");
    let csv = sim.responses_csv();
    assert!(csv.lines().nth(1).unwrap().starts_with("helpful,2,"), "{csv}");
    let e = message(world_from_csv("name,reward\na,1\nb,x\n", "w.csv").unwrap_err());
    assert_eq!(e, "w.csv, line 3, reward: 'x' is not a finite number");
}

#[wasm_bindgen_test]
fn inapplicable_settings_come_with_their_reasons() {
    let list = Sim::new("design=mixp&gamma=1").unwrap().inapplicable().unwrap();
    let first: Object = list.get(0).dyn_into().unwrap();
    assert_eq!(get(&first, "key").as_string().unwrap(), "quality");
    assert!(get(&first, "reason").as_string().unwrap().contains("ignore quality"));
    assert_eq!(list.length(), 2, "quality and k");
}

/// A response moved through the facade: the world becomes a list with it moved, the run
/// restarts, and a response that is not there is named in the error with nothing changed.
#[wasm_bindgen_test]
fn a_moved_response_restarts_the_run_on_the_moved_world() {
    let mut sim = Sim::new("n=6").unwrap();
    sim.step(2).unwrap();
    assert!(sim.move_response(1, 0.5, -1.5).unwrap());
    assert_eq!(sim.step_count(), 0.0);
    let moved: Object = sim.responses().unwrap().get(1).dyn_into().unwrap();
    assert_eq!(
        (get(&moved, "phi1").as_f64(), get(&moved, "phi2").as_f64()),
        (Some(0.5), Some(-1.5))
    );
    let q = sim.query();
    assert!(q.contains("&world=r1,"), "{q}");
    let e = message(sim.move_response(6, 0.0, 0.0).unwrap_err());
    assert_eq!(e, "response 7 is not in the world, which has 6");
    assert_eq!(sim.query(), q);
}

/// theta0 through the facade: a setting key, read back as given, refused with its range.
#[wasm_bindgen_test]
fn the_start_point_is_a_setting() {
    assert!(setting_keys()
        .iter()
        .any(|k| k.as_string().as_deref() == Some("theta0")));
    assert_eq!(get(&list_limits().unwrap(), "start_limit").as_f64(), Some(100.0));
    let mut sim = Sim::new("theta0=1.5,-2").unwrap();
    assert!(sim.query().ends_with("&theta0=1.5,-2"), "{}", sim.query());
    let e = message(sim.set("theta0=1,200").unwrap_err());
    assert!(
        e.starts_with("theta0 = '1,200' is not allowed: theta0 must be two numbers from -100 to 100"),
        "{e}"
    );
    assert!(sim.set("theta0=0,0").unwrap(), "a new start restarts the run");
    assert!(!sim.query().contains("theta0"));
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
    assert_eq!(csv.lines().next().unwrap(), header());
    assert_eq!(csv.lines().count(), 7);
    sim.reset();
    assert_eq!(sim.step_count(), 0.0);
}

#[wasm_bindgen_test]
fn undefined_metrics_are_null() {
    // Exact mode draws no minibatch, so its loss is not defined.
    let sim = Sim::new("exact=1").unwrap();
    assert!(get(&sim.metrics().unwrap(), "batch_loss").is_null());
    assert_eq!(columns().length() as usize, COUNT);
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
    assert_eq!(sim.pinned().unwrap().length(), 0);
    assert_eq!(sim.pin().unwrap(), "defaults");
    sim.set("seed=3").unwrap();
    assert_eq!(sim.pinned().unwrap().length(), 1, "a pinned run survives a restart");
    assert_eq!(sim.pin().unwrap(), "seed 3");
    assert!(sim.unpin(Some("nope".into())).is_err());
    sim.unpin(Some("defaults".into())).unwrap();
    assert_eq!(sim.pinned().unwrap().length(), 1);
    sim.unpin(None).unwrap();
    assert_eq!(sim.pinned().unwrap().length(), 0);
}

#[wasm_bindgen_test]
fn a_scenario_tells_its_story_from_its_runs() {
    let mut sim = Sim::new("").unwrap();
    assert!(sim.story().unwrap().is_null());
    sim.load_scenario("quality").unwrap();
    assert_eq!(sim.pinned().unwrap().length(), 1, "its comparison run");
    sim.step(100).unwrap();
    while sim.advance_pinned(50) > 0.0 {}
    let told = sim.story().unwrap();
    let message = js_sys::Reflect::get(&told, &"message".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert!(message.starts_with("At step 100, J = "), "{message}");
    assert!(sim.load_scenario("nope").is_err());
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
    let options: Vec<String> = Array::from(&get(design.unchecked_ref(), "options"))
        .iter()
        .map(|o| o.as_string().unwrap())
        .collect();
    assert_eq!(options, ["independent", "contrastive", "bvw", "mixr", "mixp"]);
}

#[wasm_bindgen_test]
fn numbers_charts_and_their_errors() {
    assert_eq!(show_metric("kl", Some(-4.6e-16)).unwrap(), "0");
    assert_eq!(show_metric("loss", None).unwrap(), "—");
    assert!(message(show_metric("nope", Some(1.0)).unwrap_err()).contains("no metric 'nope'"));
    assert_eq!(format_number(Some(0.1234), "sig2").unwrap(), "0.12");
    assert!(message(format_number(Some(1.0), "pct").unwrap_err()).contains("format 'pct'"));
    let keys: Vec<String> = charts()
        .unwrap()
        .iter()
        .map(|c| get(c.unchecked_ref(), "key").as_string().unwrap())
        .collect();
    assert_eq!(keys, ["landscape", "signal", "reward", "map", "curves", "convergence"]);
}

#[wasm_bindgen_test]
fn sweep_rows_equal_fresh_runs() {
    let mut job = SweepJob::new("model=tabular&lr=5", "quality", Some("0,1".into()), None, "10").unwrap();
    assert_eq!(job.total(), 2.0);
    for q in ["0", "1"] {
        let row = job.run_next().unwrap().unwrap();
        assert_eq!(get(&row, "quality").as_string().as_deref(), Some(q));
        let mut sim = Sim::new(&format!("model=tabular&lr=5&quality={q}")).unwrap();
        let start = sim.metrics().unwrap();
        sim.step(10).unwrap();
        let m = sim.metrics().unwrap();
        for key in keys() {
            assert_eq!(get(&row, key).as_f64(), get(&m, key).as_f64(), "{key}");
        }
        assert_eq!(get(&row, "signal_0").as_f64(), get(&start, "signal").as_f64());
    }
    assert!(job.run_next().unwrap().is_none());
    let table = dpo_sim::wasm::SweepTable::new(&job.csv()).unwrap();
    assert_eq!(table.len(), 2.0);
    assert!(message(dpo_sim::wasm::SweepTable::new("a,b").err().unwrap()).contains("not a sweep table"));
    // The core's messages, as `Sweep::parse` words them.
    let e = message(
        SweepJob::new("", "quality", None, Some("99".into()), "10")
            .err()
            .unwrap(),
    );
    assert!(e.starts_with("grid = '99' is not allowed"), "{e}");
    let e = message(
        SweepJob::new("", "quality", Some("1".into()), Some("3".into()), "10")
            .err()
            .unwrap(),
    );
    assert_eq!(e, "give values or grid, not both");
    let e = message(SweepJob::new("", "quality", Some("1".into()), None, "x").err().unwrap());
    assert!(e.starts_with("steps = 'x' is not allowed"), "{e}");
}

// ------------------------------------------------------------------ robustness in wasm
// The same limits as tests/settings_fuzz.rs, through the facade: no panic crosses into JS.

use dpo_sim::rng::Rng;
use dpo_sim::settings::{Field, Kind, FIELDS};

/// Every metric is a finite number or null (not defined here); never an infinity or NaN.
fn assert_finite_or_null(o: &Object, context: &str) {
    for column in keys() {
        let v = get(o, column);
        assert!(
            v.is_null() || v.as_f64().is_some_and(f64::is_finite),
            "{context}: {column} = {v:?}"
        );
    }
}

fn number_of(o: &Object, key: &str) -> f64 {
    get(o, key).as_f64().unwrap_or_else(|| panic!("{key} is not a number"))
}

/// A field's value text at each end of its range and just outside it (also NaN and
/// infinities for numbers): `(text, allowed)`.
fn ends(field: &Field) -> Vec<(String, bool)> {
    let mut v = match field.kind {
        Kind::Real { min, max } => {
            let below = if min == 0.0 { -1e-9 } else { min - min.abs() * 1e-6 };
            vec![
                (min.to_string(), true),
                (max.to_string(), true),
                (below.to_string(), false),
                ((max * (1.0 + 1e-9)).to_string(), false),
                ("NaN".into(), false),
                ("1e400".into(), false),
                ("-inf".into(), false),
            ]
        }
        Kind::Int { min, max } => vec![
            (min.to_string(), true),
            (max.to_string(), true),
            ((max + 1).to_string(), false),
            (if min == 0 { "-1".into() } else { (min - 1).to_string() }, false),
            (format!("{min}.5"), false),
            ("99999999999999999999999".into(), false),
        ],
        Kind::Choice(options) => vec![
            (options[0].to_string(), true),
            (options[options.len() - 1].to_string(), true),
            ("other".into(), false),
            (options[0].to_uppercase(), false),
        ],
        Kind::Bool => vec![("0".into(), true), ("1".into(), true), ("2".into(), false)],
    };
    v.push((String::new(), false));
    v
}

/// Runs a few steps: fine, or a divergence that says so (only huge learning rates diverge).
fn runs_a_few_steps(sim: &mut Sim, context: &str) {
    if let Err(e) = sim.step(20) {
        let e = message(e);
        assert!(e.starts_with("Training diverged at step "), "{context}: {e}");
        assert_eq!(sim.diverged(), Some(e));
    }
    assert_finite_or_null(&sim.metrics().unwrap(), context);
    let history = sim.history().unwrap();
    assert!(history.length() >= 1, "{context}");
    assert!(sim.sampler().is_ok(), "{context}");
    sim.reset();
    assert_eq!(sim.step_count(), 0.0, "{context}");
}

#[wasm_bindgen_test]
fn the_facade_reports_the_settings_table_ranges() {
    let table: Array = fields().unwrap();
    assert_eq!(table.length() as usize, FIELDS.len());
    for (o, field) in table.iter().zip(FIELDS) {
        let o: &Object = o.unchecked_ref();
        assert_eq!(get(o, "key").as_string().as_deref(), Some(field.key));
        let (min, max) = match field.kind {
            Kind::Real { min, max } => (min, max),
            Kind::Int { min, max } => (min as f64, max as f64),
            Kind::Choice(options) => (0.0, (options.len() - 1) as f64),
            Kind::Bool => (0.0, 1.0),
        };
        assert_eq!((number_of(o, "min"), number_of(o, "max")), (min, max), "{}", field.key);
        assert_eq!(get(o, "range").as_string(), Some(field.range_text()), "{}", field.key);
    }
}

#[wasm_bindgen_test]
fn every_field_works_at_its_limits_and_is_refused_just_outside() {
    for field in FIELDS {
        for (value, allowed) in ends(field) {
            let text = format!("{}={value}", field.key);
            // The same outcome whether the run starts with it or it is set on a running one.
            let mut running = Sim::new("").unwrap();
            running.step(2).unwrap();
            let before = running.query();
            match (Sim::new(&text), running.set(&text)) {
                (Ok(mut sim), Ok(_)) => {
                    assert!(allowed, "{text} should be refused");
                    runs_a_few_steps(&mut sim, &text);
                    runs_a_few_steps(&mut running, &text);
                }
                (Err(a), Err(b)) => {
                    assert!(!allowed, "{text} should be accepted: {}", message(a));
                    let (a, b) = (message(a), message(b));
                    assert_eq!(a, b, "{text}");
                    assert!(
                        a.contains(field.key) && a.contains(&field.range_text()),
                        "{text}: the error names the field and its range: {a}"
                    );
                    assert_eq!(running.query(), before, "{text}: a refused set changes nothing");
                    assert_eq!(running.step_count(), 2.0, "{text}: a refused set keeps the run");
                    assert!(normalize(&text).is_err(), "{text}");
                }
                (a, b) => panic!("{text}: new and set disagree ({} vs {})", a.is_ok(), b.is_ok()),
            }
        }
    }
}

#[wasm_bindgen_test]
fn the_smallest_and_largest_worlds_and_a_two_response_support() {
    for (text, support) in [
        ("n=4", 4.0),
        ("n=256&model=tabular", 256.0),
        ("n=256&support=0.01&design=bvw&k=32", 3.0),
        ("support=0.01", 2.0),
        ("n=4&support=0.01&quality=1&design=independent", 2.0),
        ("support=0.01&model=tabular&online=1&quality=1", 2.0),
    ] {
        let mut sim = Sim::new(text).unwrap();
        assert_eq!(number_of(&sim.sampler().unwrap(), "support"), support, "{text}");
        sim.step(50).unwrap();
        assert_finite_or_null(&sim.metrics().unwrap(), text);
        // The landscape's grid is clamped whatever the page asks for.
        assert!(sim.prepare_landscape(0, 0) > 0.0, "{text}");
        assert!(sim.prepare_landscape(u32::MAX, u32::MAX) > 0.0, "{text}");
        assert_eq!(sim.prepare_landscape(u32::MAX, u32::MAX), 0.0, "{text}: cached");
        // A step later: a row at a time, then the rest at once.
        sim.step(1).unwrap();
        sim.prepare_landscape(40, 1);
        sim.prepare_landscape(40, 40);
        assert_eq!(sim.prepare_landscape(40, 40), 0.0, "{text}: cached");
    }
}

#[wasm_bindgen_test]
fn extreme_quality_and_beta_run() {
    for text in [
        "quality=0&beta=0.01",
        "quality=1&beta=0.01&design=independent",
        "quality=1&beta=10&lr=0.0001",
        "quality=1&beta=10&s=20&kappa=10&scale=5",
        "beta=0.01&s=0.1&scale=0.1&exact=1",
    ] {
        let mut sim = Sim::new(text).unwrap();
        sim.step(200).unwrap_or_else(|e| panic!("{text}: {}", message(e)));
        assert_finite_or_null(&sim.metrics().unwrap(), text);
    }
}

#[wasm_bindgen_test]
fn learning_rates_that_diverge_stop_with_a_message_not_garbage() {
    for text in [
        "lr=1000&exact=1&beta=10",
        "lr=1000&beta=10&scale=5&batch=1",
        "lr=1000&exact=1&beta=10&model=tabular&scale=5",
    ] {
        let mut sim = Sim::new(text).unwrap();
        let result = sim.step(2000);
        if let Err(e) = result {
            assert!(message(e).contains("lower it and reset"), "{text}");
        }
        assert_finite_or_null(&sim.metrics().unwrap(), text);
        for row in sim.history().unwrap().iter() {
            assert_finite_or_null(row.unchecked_ref(), text);
        }
    }
}

#[wasm_bindgen_test]
fn no_finite_optimum_runs_long_without_overflow() {
    for text in [
        "labels=oracle&exact=1&lr=5",
        "design=bvw&k=8&exact=1&lr=5",
        "model=tabular&labels=oracle&exact=1&lr=50",
        "design=bvw&labels=oracle&k=32&lr=20&batch=8",
    ] {
        let mut sim = Sim::new(text).unwrap();
        assert!(!sim.finite_optimum(), "{text}");
        sim.step(100).unwrap();
        let early = number_of(&sim.metrics().unwrap(), "margin");
        sim.step(5000).unwrap_or_else(|e| panic!("{text}: {}", message(e)));
        let m = sim.metrics().unwrap();
        assert_finite_or_null(&m, text);
        assert!(get(&m, "target_distance").is_null(), "{text}: no finite target");
        let (margin, loss) = (number_of(&m, "margin"), number_of(&m, "loss"));
        assert!(margin > early, "{text}: the margin keeps growing ({early} -> {margin})");
        assert!((0.0..0.1).contains(&loss), "{text}: loss {loss}");
        assert!(number_of(&m, "grad_norm").is_finite(), "{text}");
        let history = sim.history().unwrap();
        assert!(history.length() <= 2048, "{text}: bounded history");
        for row in history.iter() {
            assert_finite_or_null(row.unchecked_ref(), text);
        }
    }
}

#[wasm_bindgen_test]
fn margins_beyond_ten_thousand_give_finite_losses_and_gradients() {
    // Deterministic labels, the largest beta and learning rate: a few steps reach margins
    // where a naive log(1 + exp(-m)) or sigmoid overflows.
    let mut sim = Sim::new("design=bvw&labels=oracle&k=32&lr=1000&beta=10").unwrap();
    sim.step(3000).unwrap_or_else(|e| panic!("{}", message(e)));
    let m = sim.metrics().unwrap();
    assert_finite_or_null(&m, "huge margins");
    let margin = number_of(&m, "margin");
    assert!(margin >= 1e4, "the margin reached {margin}");
    let (loss, grad) = (number_of(&m, "loss"), number_of(&m, "grad_norm"));
    assert!(
        (0.0..1e-3).contains(&loss) && (0.0..1e-3).contains(&grad),
        "loss {loss}, |grad| {grad}"
    );
}

#[path = "common/settings_text.rs"]
mod settings_text;
use settings_text::random_text;

#[wasm_bindgen_test]
fn random_settings_text_never_panics_in_wasm() {
    let mut rng = Rng::new(77, 3);
    let mut sim = Sim::new("").unwrap();
    let mut accepted = 0;
    for case in 0..600 {
        let text = random_text(&mut rng);
        let before = sim.query();
        match (Sim::new(&text), normalize(&text)) {
            (Ok(fresh), Ok(q)) => {
                accepted += 1;
                assert_eq!(fresh.query(), q, "{text:?}");
            }
            (Err(e), Err(_)) => {
                let e = message(e);
                assert!(!e.is_empty() && e.len() < 400, "{text:?}: {e}");
            }
            _ => panic!("{text:?}: new and normalize disagree"),
        }
        match sim.set(&text) {
            Ok(_) => {
                if case % 10 == 0 {
                    let _ = sim.step(3);
                    assert_finite_or_null(&sim.metrics().unwrap(), &text);
                    sim.reset();
                }
            }
            Err(_) => assert_eq!(sim.query(), before, "{text:?}"),
        }
    }
    assert!(accepted > 20, "the generator also makes valid settings ({accepted})");
}

#[wasm_bindgen_test]
fn the_reproduction_script_is_the_cores_and_bad_input_is_an_error() {
    let s = dpo_sim::Settings::parse("design=mixp&model=tabular").unwrap();
    let world = dpo_sim::world::World::new(&s);
    assert_eq!(
        reproduce_script("design=mixp&model=tabular", 12.0).unwrap(),
        dpo_sim::reproduce::script(&s, &world, 12)
    );
    assert!(message(reproduce_script("quality=2", 5.0).unwrap_err()).contains("quality"));
    for steps in [-1.0, 2.5, f64::NAN, 1e12] {
        assert!(message(reproduce_script("", steps).unwrap_err()).contains("steps must be a whole number"));
    }
}
