//! Forecasts of a target year's value with a prediction interval, and the early warning.
//!
//! The model is augurs' AutoETS (`augurs-ets`): the exponential-smoothing state-space family of
//! Hyndman et al. (the `forecast` / statsforecast AutoETS), chosen by AICc among error / trend
//! variants, with analytic prediction intervals. It is the focused sub-crate of augurs (ETS only:
//! no Prophet, no Stan, no WebAssembly), pure Rust and maintained by Grafana. AutoETS needs more
//! than 6 values (its own minimum for a non-seasonal search); annual series must have no gaps.

use augurs_core::{Fit, Predict};
use augurs_ets::AutoETS;
use digecon_core::Polarity;
use serde::Serialize;

/// Fewest values AutoETS accepts for a non-seasonal search (`n > 2 + 4`).
pub const MIN_POINTS: usize = 7;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Forecast {
    /// The year forecast and the point forecast.
    pub year: i32,
    pub point: f64,
    /// Prediction interval at `level` (e.g. 0.95).
    pub level: f64,
    pub lower: f64,
    pub upper: f64,
    /// The model AutoETS chose, e.g. `ETS AAN` (error, trend, season).
    pub model: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Warning {
    /// The goal lies beyond the interval on the good side: unlikely to be reached (预警).
    Unlikely,
    /// The goal lies behind the interval: likely to be exceeded.
    LikelyExceeded,
}

impl Warning {
    pub fn code(&self) -> &'static str {
        match self {
            Warning::Unlikely => "unlikely",
            Warning::LikelyExceeded => "likely_exceeded",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForecastError {
    #[error("历史数据不足：{have} 个值，至少需要 {MIN_POINTS} 个 / not enough history: {have} value(s), at least {MIN_POINTS} needed")]
    TooShort { have: usize },
    #[error("年度序列不连续：缺 {missing} 年 / the annual series has a gap: {missing} is missing")]
    Gap { missing: i32 },
    #[error("预测年份 {year} 不在序列之后 / the forecast year {year} is not after the series")]
    NotAhead { year: i32 },
    #[error("模型拟合失败 / the model could not be fitted: {0}")]
    Model(String),
}

/// Forecasts `year` from consecutive annual `(year, value)` points (in order).
pub fn forecast_year(points: &[(i32, f64)], year: i32, level: f64) -> Result<Forecast, ForecastError> {
    if points.len() < MIN_POINTS {
        return Err(ForecastError::TooShort { have: points.len() });
    }
    for w in points.windows(2) {
        if w[1].0 != w[0].0 + 1 {
            return Err(ForecastError::Gap { missing: w[0].0 + 1 });
        }
    }
    let last = points[points.len() - 1].0;
    if year <= last {
        return Err(ForecastError::NotAhead { year });
    }
    let horizon = (year - last) as usize;
    let y: Vec<f64> = points.iter().map(|p| p.1).collect();
    let fitted = AutoETS::non_seasonal().fit(&y).map_err(|e| ForecastError::Model(e.to_string()))?;
    let model = format!("ETS {}", fitted.model().model_type());
    let f = fitted.predict(horizon, level).map_err(|e| ForecastError::Model(e.to_string()))?;
    let iv = f.intervals.ok_or_else(|| ForecastError::Model("no prediction interval".into()))?;
    let i = horizon - 1;
    Ok(Forecast { year, point: f.point[i], level, lower: iv.lower[i], upper: iv.upper[i], model })
}

/// The early warning for a goal against a forecast: `None` when the goal is inside the interval.
pub fn warning(goal: f64, f: &Forecast, polarity: Polarity) -> Option<Warning> {
    let (behind, beyond) = match polarity {
        Polarity::Positive => (goal < f.lower, goal > f.upper),
        Polarity::Negative => (goal > f.upper, goal < f.lower),
    };
    if beyond {
        Some(Warning::Unlikely)
    } else if behind {
        Some(Warning::LikelyExceeded)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_steady_series_is_forecast_with_an_interval_around_its_trend() {
        // 100, 110, …, 190: a straight line; the 2025 value on the line is 240.
        let pts: Vec<(i32, f64)> = (0..10).map(|i| (2010 + i, 100.0 + 10.0 * f64::from(i))).collect();
        let f = forecast_year(&pts, 2024, 0.95).unwrap();
        assert!((f.point - 240.0).abs() < 1.0, "{f:?}");
        assert!(f.lower <= f.point && f.point <= f.upper);
        assert_eq!(warning(1000.0, &f, Polarity::Positive), Some(Warning::Unlikely));
        assert_eq!(warning(10.0, &f, Polarity::Positive), Some(Warning::LikelyExceeded));
        assert_eq!(warning(f.point, &f, Polarity::Positive), None);
        assert_eq!(warning(1000.0, &f, Polarity::Negative), Some(Warning::LikelyExceeded));
    }

    #[test]
    fn short_or_gapped_series_are_refused_with_the_reason() {
        let pts: Vec<(i32, f64)> = (0..3).map(|i| (2020 + i, 1.0 + f64::from(i))).collect();
        assert_eq!(forecast_year(&pts, 2025, 0.95), Err(ForecastError::TooShort { have: 3 }));
        let mut pts: Vec<(i32, f64)> = (0..8).map(|i| (2010 + i, 1.0 + f64::from(i))).collect();
        pts[4].0 = 2030;
        assert!(matches!(forecast_year(&pts, 2035, 0.95), Err(ForecastError::Gap { missing: 2014 })));
    }
}
