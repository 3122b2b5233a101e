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

/// Scores the units A, B and C of the large-shift cases and returns each
/// unit's score and rank, best first.
fn far_below_target(aggregation: &str, x_weight: &str) -> Vec<(String, Option<String>, u32)> {
    // x is a distance to target 1 where lower is better, so A's value of
    // 10^15 normalises to 100 × (2 - 10^15), about -10^17, and every score
    // is raised by about 10^17 before a geometric or harmonic mean.
    let config = config(json!({
        "format": "xuetong.learning_index/1",
        "indicators": [
            {"key": "x", "weight": x_weight, "direction": "negative", "target": "1",
             "normalisation": {"method": "distance_to_target"}},
            {"key": "y"}
        ],
        "aggregation": aggregation
    }));
    let input: IndexInput = serde_json::from_value(json!({"units": [
        {"unit": "A", "values": {"x": "1000000000000000", "y": "1"}},
        {"unit": "B", "values": {"x": "5", "y": "2"}},
        {"unit": "C", "values": {"x": "3", "y": "0"}}
    ]}))
    .unwrap();
    let result = compute(&config, &input).unwrap();
    result
        .units
        .into_iter()
        .map(|unit| (unit.unit, unit.score, unit.rank.unwrap()))
        .collect()
}

#[test]
fn zero_weight_left_out_of_means() {
    // With x at weight 0 the mean is that of y alone: its min-max scores
    // 50, 100 and 0, whatever the shift.
    for aggregation in ["geometric", "harmonic"] {
        let scores = far_below_target(aggregation, "0");
        let expected = [("B", "100.000", 1), ("A", "50.000", 2), ("C", "0.000", 3)];
        let expected: Vec<_> = expected
            .iter()
            .map(|(unit, score, rank)| (unit.to_string(), Some(score.to_string()), *rank))
            .collect();
        assert_eq!(scores, expected, "{aggregation}");
    }
}

#[test]
fn large_shift_keeps_score_digits() {
    // B has x = 100 × (2 - 5) = -300 and y = 100, C has x = -100 and y = 0,
    // and the shift S is about 10^17. The geometric mean of B is
    // sqrt((S - 300)(S + 100)) - S = -100 - 200² / 2S + ..., and the
    // harmonic mean is 100 - 200 (S + 100) / (S - 100), both -100.000 to
    // three decimals; C scores -50.000 the same way. A is near -S.
    for aggregation in ["geometric", "harmonic"] {
        let scores = far_below_target(aggregation, "1");
        assert_eq!(scores[0].0, "C", "{aggregation}: {scores:?}");
        assert_eq!(scores[0].1.as_deref(), Some("-50.000"), "{aggregation}");
        assert_eq!(scores[1].0, "B", "{aggregation}: {scores:?}");
        assert_eq!(scores[1].1.as_deref(), Some("-100.000"), "{aggregation}");
        assert_eq!(scores[2].0, "A", "{aggregation}: {scores:?}");
        let a: f64 = scores[2].1.as_deref().unwrap().parse().unwrap();
        assert!(a < -9e16, "{aggregation}: A scored {a}");
        let ranks: Vec<u32> = scores.iter().map(|(_, _, rank)| *rank).collect();
        assert_eq!(ranks, [1, 2, 3], "{aggregation}");
    }
}

#[test]
fn tiny_shift_offset_rejected() {
    let mut document = serde_json::to_value(IndexConfig::default()).unwrap();
    document["shift_offset"] = json!("0.0000001");
    let problems = config(document).validate();
    assert_eq!(problems.len(), 1, "{problems:?}");
    let problem = problems.iter().next().unwrap();
    assert_eq!(problem.code.as_str(), "invalid_index_config");
    assert_eq!(problem.path, xuetong::path!["shift_offset"]);
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
