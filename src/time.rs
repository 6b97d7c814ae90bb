//! Times and durations: parsing flag values, and showing NumericDates to people.

use anyhow::Result;
use chrono::DateTime;

use crate::error;

/// Seconds since the epoch, now.
pub fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The longest duration any flag takes (`--timeout`, `--ttl`, `--leeway`, the durations of
/// `--exp`/`--nbf`/`--iat`): 100 years, as humantime counts them (`100y`). Longer spans mean
/// nothing for a token, and would overflow the clock arithmetic they feed.
pub const MAX_DURATION_SECS: i64 = 3_155_760_000;

/// A duration with units (`90s`, `15m`, `1h30m`, `2d`, also `+15m`), or the bare `0`, in
/// seconds; at most [`MAX_DURATION_SECS`]. A span (`--leeway`, `--ttl`, `--timeout`) has no
/// direction, so a negative one is refused by name rather than as gibberish.
pub fn parse_duration(text: &str) -> Result<i64> {
    if text.starts_with('-') && duration_secs(&text[1..]).is_ok() {
        return Err(error::usage(format!(
            "duration {text:?} is negative: a span of time here has no direction"
        )));
    }
    let unsigned = text.strip_prefix('+').unwrap_or(text);
    duration_secs(unsigned).map_err(|problem| match problem {
        Problem::Invalid => error::usage(format!(
            "invalid duration {text:?}: expected e.g. 90s, 15m, 1h30m, 2d"
        )),
        Problem::TooLong => too_long(text),
    })
}

enum Problem {
    Invalid,
    TooLong,
}

fn too_long(text: &str) -> anyhow::Error {
    error::usage(format!(
        "duration {text:?} is longer than the maximum, 100y ({MAX_DURATION_SECS}s)"
    ))
}

fn duration_secs(text: &str) -> std::result::Result<i64, Problem> {
    if text == "0" {
        return Ok(0);
    }
    // humantime reads a bare number as seconds-less garbage; the contract wants units.
    if !text.ends_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(Problem::Invalid);
    }
    let duration = humantime::parse_duration(text).map_err(|e| match e {
        humantime::DurationError::NumberOverflow => Problem::TooLong,
        _ => Problem::Invalid,
    })?;
    match i64::try_from(duration.as_secs()) {
        Ok(secs) if secs <= MAX_DURATION_SECS => Ok(secs),
        _ => Err(Problem::TooLong),
    }
}

/// A time for `--exp`/`--nbf`/`--iat`/`--now`: a bare integer is absolute Unix seconds; a
/// duration (`15m`, `+15m`, `-1h`) is relative to `now`; an RFC 3339 date-time; or a bare
/// date (`2027-01-01`), midnight UTC.
pub fn parse_time(text: &str, now: i64) -> Result<i64> {
    parse_time_as(text, now, "time")
}

fn parse_time_as(text: &str, now: i64, what: &str) -> Result<i64> {
    let bad = || {
        error::usage(format!(
            "invalid {what} {text:?}: expected a duration (15m, -3h), an RFC 3339 date-time, a date \
             (2027-01-01) or Unix seconds"
        ))
    };
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        && text.len() == 10
    {
        return date
            .and_hms_opt(0, 0, 0)
            .map(|at| at.and_utc().timestamp())
            .ok_or_else(bad);
    }
    if let Ok(seconds) = text.parse::<i64>() {
        return Ok(seconds);
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.timestamp());
    }
    let (sign, rest) = match text.as_bytes().first() {
        Some(b'-') => (-1, &text[1..]),
        Some(b'+') => (1, &text[1..]),
        _ => (1, text),
    };
    let span = duration_secs(rest).map_err(|problem| match problem {
        Problem::Invalid => bad(),
        Problem::TooLong => too_long(text),
    })?;
    now.checked_add(sign * span)
        .ok_or_else(|| error::usage(format!("time {text:?} is out of range")))
}

/// A pinned "now" for `--now`, in the forms of [`parse_time`]: a duration is relative to
/// the clock (`--now -3h` is three hours ago).
pub fn parse_now(text: &str) -> Result<i64> {
    parse_time_as(text, now_unix(), "--now")
}

/// `--now` if given, else the clock.
pub fn now_or(pinned: Option<&str>) -> Result<i64> {
    pinned.map_or_else(|| Ok(now_unix()), parse_now)
}

/// `2026-11-28T10:00:00Z`, or `out of range` for a value no calendar holds.
pub fn rfc3339(t: i64) -> String {
    DateTime::from_timestamp(t, 0)
        .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| "out of range".to_string())
}

/// The two most significant units of a span: `14m 3s`, `2h 5m`, `3d 4h`, `0s`.
pub fn human_span(secs: u64) -> String {
    let mut out = String::with_capacity(8);
    write_span(&mut out, secs);
    out
}

/// [`human_span`], written into `out` (a verdict's details are built for every token).
fn write_span(out: &mut String, secs: u64) {
    let units = [(86_400, 'd'), (3_600, 'h'), (60, 'm'), (1, 's')];
    let Some(first) = units.iter().position(|(size, _)| secs >= *size) else {
        out.push_str("0s");
        return;
    };
    let mut rest = secs;
    let mut wrote = false;
    // The first unit that counts and the one after it; a zero second unit is not shown.
    for &(size, unit) in units.iter().skip(first).take(2) {
        let count = rest / size;
        rest %= size;
        if count > 0 {
            if wrote {
                out.push(' ');
            }
            out.push_str(itoa::Buffer::new().format(count));
            out.push(unit);
            wrote = true;
        }
    }
}

/// `in 14m 3s`, `2h 5m ago` or `now`.
pub fn relative(t: i64, now: i64) -> String {
    let mut out = String::with_capacity(16);
    write_relative(&mut out, t, now);
    out
}

/// [`relative`], written into `out`.
pub fn write_relative(out: &mut String, t: i64, now: i64) {
    let delta = i128::from(t) - i128::from(now);
    let span = u64::try_from(delta.unsigned_abs()).unwrap_or(u64::MAX);
    match delta {
        0 => out.push_str("now"),
        d if d > 0 => {
            out.push_str("in ");
            write_span(out, span);
        }
        _ => {
            write_span(out, span);
            out.push_str(" ago");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_need_units() {
        assert_eq!(parse_duration("90s").unwrap(), 90);
        assert_eq!(parse_duration("1h30m").unwrap(), 5400);
        assert_eq!(parse_duration("2d").unwrap(), 172_800);
        assert_eq!(parse_duration("0").unwrap(), 0);
        assert_eq!(parse_duration("100y").unwrap(), MAX_DURATION_SECS);
        for long in [
            "9223372036854775807s",
            "18446744073709551615s",
            "99999999999999999999999s",
            "101y",
            "3155760001s",
        ] {
            let err = parse_duration(long).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("duration {long:?} is longer than the maximum, 100y (3155760000s)")
            );
            assert_eq!(crate::error::exit_code(&err), 2);
        }
        assert_eq!(parse_duration("+90s").unwrap(), 90);
        assert_eq!(
            parse_duration("-5s").unwrap_err().to_string(),
            "duration \"-5s\" is negative: a span of time here has no direction"
        );
        for bad in ["", "15", "m", "-5", "1x", "1e9999999999999d"] {
            let err = parse_duration(bad).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("invalid duration {bad:?}: expected e.g. 90s, 15m, 1h30m, 2d")
            );
            assert_eq!(crate::error::exit_code(&err), 2);
        }
    }

    #[test]
    fn times_are_absolute_relative_or_dates() {
        let now = 1_700_000_000;
        assert_eq!(parse_time("1800000000", now).unwrap(), 1_800_000_000);
        assert_eq!(parse_time("15m", now).unwrap(), now + 900);
        assert_eq!(parse_time("+1h", now).unwrap(), now + 3600);
        assert_eq!(parse_time("-1h", now).unwrap(), now - 3600);
        assert_eq!(
            parse_time("2026-11-28T10:00:00Z", now).unwrap(),
            1_795_860_000
        );
        assert_eq!(
            parse_time("2026-11-28T11:00:00+01:00", now).unwrap(),
            1_795_860_000
        );
        assert!(parse_time("tomorrow", now).is_err());
        assert_eq!(parse_time("2027-01-01", now).unwrap(), 1_798_761_600);
        assert!(parse_time("2027-02-30", now).is_err());
        assert!(
            parse_time("15", now).is_ok(),
            "a bare integer is Unix seconds"
        );
        let err = parse_time("100000000000000000d", i64::MAX - 1).unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 2);
        let err = parse_time("-101y", now).unwrap_err();
        assert_eq!(
            err.to_string(),
            "duration \"-101y\" is longer than the maximum, 100y (3155760000s)"
        );
        assert_eq!(parse_time("-100y", now).unwrap(), now - MAX_DURATION_SECS);
    }

    #[test]
    fn now_is_a_date_or_seconds() {
        assert_eq!(parse_now("0").unwrap(), 0);
        assert_eq!(parse_now("1970-01-01T00:01:00Z").unwrap(), 60);
        assert_eq!(parse_now("1970-01-02").unwrap(), 86_400);
        let ago = now_unix() - parse_now("-3h").unwrap();
        assert!((10_800..10_810).contains(&ago), "{ago}");
        assert!(parse_now("tomorrow").is_err());
    }

    #[test]
    fn people_read_spans() {
        assert_eq!(rfc3339(1_795_860_000), "2026-11-28T10:00:00Z");
        assert_eq!(rfc3339(i64::MAX), "out of range");
        assert_eq!(human_span(843), "14m 3s");
        assert_eq!(human_span(7_500), "2h 5m");
        assert_eq!(human_span(7_200), "2h");
        assert_eq!(human_span(3 * 86_400 + 4 * 3_600 + 59), "3d 4h");
        assert_eq!(human_span(45), "45s");
        assert_eq!(human_span(0), "0s");
        assert_eq!(relative(100, 100), "now");
        assert_eq!(relative(943, 100), "in 14m 3s");
        assert_eq!(relative(100, 7_600), "2h 5m ago");
        assert_eq!(
            relative(i64::MIN, i64::MAX),
            format!("{} ago", human_span(u64::MAX))
        );
    }
}
