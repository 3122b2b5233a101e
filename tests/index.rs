//! The learning index beyond the shared vectors: notices in Chinese, and
//! properties of scores and ranks on random units.

use proptest::prelude::*;
use serde_json::{Value, json};
use xuetong::index::{IndexConfig, IndexInput, IndexNumber, UnitInput, compute, rank_shift};

fn config(document: Value) -> IndexConfig {
    serde_json::from_value(document).unwrap()
}

#[test]
fn constant_indicator_notice_in_chinese() {
    let request = json!({
        "locale": "zh-CN",
        "input": {"units": [
            {"unit": "A", "values": {"x": "1", "y": "2"}},
            {"unit": "B", "values": {"x": "3", "y": "2"}}
        ]},
        "options": {"config": {
            "format": "xuetong.learning_index/1",
            "indicators": [{"key": "x"}, {"key": "y"}]
        }}
    });
    let response = xuetong::api::call_value("learning_index", &request).to_json();
    assert_eq!(response["ok"], true, "{response}");
    let notice = &response["value"]["notices"][0];
    assert_eq!(notice["code"], "constant_indicator");
    assert_eq!(notice["params"]["indicator"], "y");
    let message = notice["message"].as_str().unwrap();
    assert!(message.contains("指标 y"), "{message}");
    assert!(message.contains("50.000"), "{message}");
}

#[test]
fn default_config_validates() {
    let default = IndexConfig::default();
    assert!(default.validate().is_empty());
    let document = serde_json::to_value(&default).unwrap();
    assert_eq!(config(document), default);
}

fn units() -> impl Strategy<Value = Vec<UnitInput>> {
    let value = prop::option::weighted(
        0.9,
        (0u32..100_000).prop_map(|hundredths| IndexNumber(f64::from(hundredths) / 100.0)),
    );
    prop::collection::vec((value.clone(), value.clone(), value), 1..9).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(position, (x, y, z))| UnitInput {
                unit: format!("U{position}"),
                values: [("x", x), ("y", y), ("z", z)]
                    .into_iter()
                    .map(|(key, value)| (key.to_owned(), value))
                    .collect(),
                denominators: Default::default(),
            })
            .collect()
    })
}

fn method() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        json!({"method": "min_max"}),
        json!({"method": "z_score", "deviation": "sample"}),
        json!({"method": "z_score", "deviation": "population"}),
        json!({"method": "rank"}),
    ])
}

fn aggregation() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["arithmetic", "geometric", "harmonic"])
}

fn any_config() -> impl Strategy<Value = IndexConfig> {
    (method(), aggregation(), 1u32..5, 1u32..5).prop_map(|(normalisation, aggregation, wx, wy)| {
        config(json!({
            "format": "xuetong.learning_index/1",
            "indicators": [
                {"key": "x", "weight": wx},
                {"key": "y", "weight": wy, "direction": "negative"},
                {"key": "z"}
            ],
            "normalisation": normalisation,
            "aggregation": aggregation,
            "min_available": "0.6"
        }))
    })
}

proptest! {
    #[test]
    fn unit_order_changes_nothing(units in units(), config in any_config(), seed in any::<u64>()) {
        let input = IndexInput { units: units.clone() };
        let mut shuffled = units;
        let len = shuffled.len();
        for position in 0..len {
            let other = (seed as usize).wrapping_add(position * 7) % len;
            shuffled.swap(position, other);
        }
        let first = compute(&config, &input).unwrap();
        let second = compute(&config, &IndexInput { units: shuffled }).unwrap();
        for unit in &first.units {
            let same = second.units.iter().find(|other| other.unit == unit.unit).unwrap();
            prop_assert_eq!(&unit.score, &same.score);
            prop_assert_eq!(unit.rank, same.rank);
            prop_assert_eq!(&unit.normalised, &same.normalised);
        }
    }

    #[test]
    fn ranks_follow_rounded_scores(units in units(), config in any_config()) {
        let result = compute(&config, &IndexInput { units }).unwrap();
        let scores: Vec<f64> = result
            .units
            .iter()
            .filter_map(|unit| unit.score.as_deref())
            .map(|score| score.parse().unwrap())
            .collect();
        for unit in &result.units {
            match (&unit.score, unit.rank) {
                (Some(score), Some(rank)) => {
                    let score: f64 = score.parse().unwrap();
                    let better = scores.iter().filter(|&&other| other > score).count();
                    prop_assert_eq!(rank as usize, better + 1);
                }
                (None, None) => {}
                other => prop_assert!(false, "score and rank disagree: {:?}", other),
            }
        }
        let ranked: Vec<u32> = result.units.iter().filter_map(|unit| unit.rank).collect();
        prop_assert!(ranked.windows(2).all(|pair| pair[0] <= pair[1]), "{:?}", ranked);
    }

    #[test]
    fn min_max_scores_stay_on_scale(units in units(), aggregation in aggregation()) {
        let config = config(json!({
            "format": "xuetong.learning_index/1",
            "indicators": [{"key": "x"}, {"key": "y"}, {"key": "z", "weight": "2"}],
            "aggregation": aggregation,
            "min_available": 0
        }));
        let result = compute(&config, &IndexInput { units }).unwrap();
        for unit in &result.units {
            if let Some(score) = &unit.score {
                let score: f64 = score.parse().unwrap();
                prop_assert!((0.0..=100.0).contains(&score), "{} scored {}", unit.unit, score);
            }
        }
    }

    #[test]
    fn same_config_shifts_no_rank(units in units(), config in any_config()) {
        let shift = rank_shift(&IndexInput { units }, &config, &config).unwrap();
        prop_assert!(shift.units.iter().all(|unit| unit.shift.unwrap_or(0) == 0));
        if shift.compared > 0 {
            prop_assert_eq!(shift.mean_absolute_shift.as_deref(), Some("0.000"));
        }
    }
}
