//! The FusionInventory/GLPI REST exchange: plain GETs `URL?action=…&k=v`, JSON answers.
//! Values are URL-escaped and cut at 1500 characters, as the Perl client does.

use serde_json::Value;

use crate::agent::config::Config;
use crate::net::client::Client;

/// Largest JSON answer read.
const MAX_JSON: u64 = 16 << 20;
/// Longest value sent in a query string.
const MAX_VALUE: usize = 1500;

/// `%XX` escaping of everything but unreserved characters.
pub fn escape(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `base?action=…&k=v…` (`?` or `&` as `base` needs).
pub fn url(base: &str, action: &str, params: &[(&str, &str)]) -> String {
    let mut u = format!(
        "{base}{}action={}",
        if base.contains('?') { "&" } else { "?" },
        escape(action)
    );
    for (k, v) in params {
        let cut: String = v.chars().take(MAX_VALUE).collect();
        u.push_str(&format!("&{}={}", escape(k), escape(&cut)));
    }
    u
}

/// GETs `url` and parses the JSON answer.
pub fn get_json(url: &str, config: &Config) -> Result<Value, String> {
    let mut body = Vec::new();
    Client::new(url, config, super::super::USER_AGENT)?
        .get_to(&mut body, MAX_JSON)
        .map_err(|e| e.to_string())?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    serde_json::from_slice(&body).map_err(|e| {
        format!(
            "{}: the answer is not JSON: {e}",
            crate::net::client::public_url(url)
        )
    })
}

/// One `setStatus` report; failures are logged, the job goes on.
pub struct Status<'a> {
    pub remote: &'a str,
    pub machineid: &'a str,
    pub config: &'a Config,
}

impl Status<'_> {
    pub fn send(
        &self,
        uuid: &str,
        step: &str,
        status: Option<&str>,
        msg: &str,
        extra: &[(&str, &str)],
    ) {
        let mut p: Vec<(&str, &str)> = vec![
            ("machineid", self.machineid),
            ("part", "job"),
            ("uuid", uuid),
        ];
        if !step.is_empty() {
            p.push(("currentStep", step));
        }
        p.push(("msg", msg));
        if let Some(s) = status {
            p.push(("status", s));
        }
        for (k, v) in extra {
            if *k == "part" {
                p[1].1 = v;
            } else {
                p.push((k, v));
            }
        }
        let u = url(self.remote, "setStatus", &p);
        if let Err(e) = get_json(&u, self.config) {
            log::warn!("job {uuid}: cannot send its status: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings() {
        assert_eq!(
            url(
                "http://h/deploy/",
                "setStatus",
                &[("msg", "a b&c"), ("uuid", "x")]
            ),
            "http://h/deploy/?action=setStatus&msg=a%20b%26c&uuid=x"
        );
        assert_eq!(
            url("http://h/?x=1", "getJobs", &[("task[Deploy]", "1")]),
            "http://h/?x=1&action=getJobs&task%5BDeploy%5D=1"
        );
    }
}
