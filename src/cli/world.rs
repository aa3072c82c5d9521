//! `world.json`: the settings, the world and the sampler at the last step, written with
//! serde_json (strings escaped, numbers exact; NaN and infinities, which JSON lacks, as null).

use serde_json::{json, Map, Value};

use crate::settings::FIELDS;
use crate::Simulation;

fn numbers(values: &[f64]) -> Value {
    values.iter().map(|v| Value::from(*v)).collect()
}

/// The world, the settings and the sampler at the last step.
pub fn world_json(sim: &Simulation) -> Value {
    let (w, st, s) = (sim.world(), sim.state(), sim.settings());
    let settings: Map<String, Value> = FIELDS.iter().map(|f| (f.key.into(), f.format(s).into())).collect();
    let ref_probs: Vec<f64> = w.ref_logp.iter().map(|l| l.exp()).collect();
    json!({
        "settings": settings,
        "query": s.to_query(),
        "step": sim.step_count(),
        "names": w.names,
        "features": w.features.iter().map(|p| numbers(p)).collect::<Value>(),
        "reward": numbers(&w.reward),
        "ref_probs": numbers(&ref_probs),
        "support": st.sampler.in_support,
        "pi0": numbers(&st.sampler.pi0),
        "piq": numbers(&st.sampler.piq),
        "pair_weights": st.pairs.dense().iter().map(|row| numbers(row)).collect::<Value>(),
        "theta": numbers(sim.theta()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Settings;

    #[test]
    fn world_json_has_the_documented_keys_and_shapes_and_parses_back() {
        let mut sim = Simulation::new(Settings::parse("n=6&model=tabular&support=0.5").unwrap());
        sim.run(3).unwrap();
        let text = serde_json::to_string_pretty(&world_json(&sim)).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "settings",
                "query",
                "step",
                "names",
                "features",
                "reward",
                "ref_probs",
                "support",
                "pi0",
                "piq",
                "pair_weights",
                "theta"
            ]
        );
        assert_eq!(v["settings"]["n"], "6");
        assert_eq!(v["settings"].as_object().unwrap().len(), FIELDS.len());
        assert_eq!(Settings::parse(v["query"].as_str().unwrap()).unwrap(), *sim.settings());
        assert_eq!(v["step"], 3);
        assert_eq!(v["features"][5].as_array().unwrap().len(), 2);
        assert_eq!(
            v["support"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|b| b == &&Value::Bool(true))
                .count(),
            3
        );
        assert_eq!(v["pair_weights"].as_array().unwrap().len(), 6);
        assert_eq!(v["theta"].as_array().unwrap().len(), 6);
        assert_eq!(v["reward"][2].as_f64(), Some(sim.world().reward[2]));
        // JSON has no NaN: a value that is not defined is null.
        assert_eq!(numbers(&[f64::NAN, f64::INFINITY, 0.5]), json!([null, null, 0.5]));
    }
}
