//! SNMP credentials: a version and its secrets, from FusionInventory's command-line
//! syntax (`version:2c,community:public`, `version:3,username:U,authprotocol:sha,…`)
//! or from the attributes of a server's `AUTHENTICATION` element.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    V1,
    V2c,
    V3,
}

/// USM authentication: HMAC-MD5-96 and HMAC-SHA-96 (RFC 3414), HMAC-SHA-2 (RFC 7860).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuthProtocol {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

/// USM privacy: CBC-DES (RFC 3414) and CFB128-AES-128 (RFC 3826).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrivProtocol {
    Des,
    Aes128,
}

/// RFC 3414 §11.2: passwords shorter than this are refused by every agent (net-snmp
/// included), so a shorter one is a typing error worth saying at once.
pub const MIN_PASSWORD_LEN: usize = 8;

/// What is needed to talk to one agent.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    /// The server's AUTHENTICATION ID (reported back as AUTHSNMP); empty by hand.
    pub id: String,
    pub version: Version,
    /// v1/v2c.
    pub community: String,
    /// v3.
    pub username: String,
    pub auth: Option<(AuthProtocol, String)>,
    pub privacy: Option<(PrivProtocol, String)>,
}

impl fmt::Debug for Credential {
    /// Without the secrets: credentials end up in logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for Credential {
    /// A description without secrets: `v2c`, `v3 user admin (sha/aes)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.version {
            Version::V1 => f.write_str("v1")?,
            Version::V2c => f.write_str("v2c")?,
            Version::V3 => {
                write!(f, "v3 user {}", self.username)?;
                let a = self.auth.as_ref().map_or("noauth", |(p, _)| p.name());
                let p = self.privacy.as_ref().map_or("nopriv", |(p, _)| p.name());
                write!(f, " ({a}/{p})")?;
            }
        }
        if !self.id.is_empty() {
            write!(f, " [id {}]", self.id)?;
        }
        Ok(())
    }
}

impl AuthProtocol {
    pub fn parse(s: &str) -> Result<AuthProtocol, String> {
        Ok(
            match s.trim().to_ascii_lowercase().replace('-', "").as_str() {
                "md5" => AuthProtocol::Md5,
                "sha" | "sha1" => AuthProtocol::Sha1,
                "sha224" => AuthProtocol::Sha224,
                "sha256" => AuthProtocol::Sha256,
                "sha384" => AuthProtocol::Sha384,
                "sha512" => AuthProtocol::Sha512,
                o => {
                    return Err(format!(
                        "unknown SNMP auth protocol '{o}' (md5, sha, sha256…)"
                    ))
                }
            },
        )
    }

    pub fn name(&self) -> &'static str {
        match self {
            AuthProtocol::Md5 => "md5",
            AuthProtocol::Sha1 => "sha",
            AuthProtocol::Sha224 => "sha224",
            AuthProtocol::Sha256 => "sha256",
            AuthProtocol::Sha384 => "sha384",
            AuthProtocol::Sha512 => "sha512",
        }
    }
}

impl PrivProtocol {
    pub fn parse(s: &str) -> Result<PrivProtocol, String> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "des" => PrivProtocol::Des,
            "aes" | "aes128" => PrivProtocol::Aes128,
            o => {
                return Err(format!(
                    "unsupported SNMP privacy protocol '{o}' (des, aes)"
                ))
            }
        })
    }

    pub fn name(&self) -> &'static str {
        match self {
            PrivProtocol::Des => "des",
            PrivProtocol::Aes128 => "aes",
        }
    }
}

impl Credential {
    /// A v2c credential with this community.
    pub fn community(community: &str) -> Credential {
        Credential {
            id: String::new(),
            version: Version::V2c,
            community: community.into(),
            username: String::new(),
            auth: None,
            privacy: None,
        }
    }

    /// FusionInventory's syntax: comma separated `key:value` pairs with keys `version`
    /// (1, 2c, 3), `community`, `username`, `authprotocol`, `authpassword`,
    /// `privprotocol`, `privpassword`, and `id`.
    pub fn parse(s: &str) -> Result<Credential, String> {
        let mut pairs = Vec::new();
        for part in s.split(',') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let (k, v) = part
                .split_once(':')
                .ok_or_else(|| format!("SNMP credential '{s}': '{part}' is not key:value"))?;
            pairs.push((k.trim().to_ascii_lowercase(), v.to_string()));
        }
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        for (k, _) in &pairs {
            if !matches!(
                k.as_str(),
                "version"
                    | "community"
                    | "username"
                    | "authprotocol"
                    | "authpassword"
                    | "authpassphrase"
                    | "privprotocol"
                    | "privpassword"
                    | "privpassphrase"
                    | "id"
            ) {
                return Err(format!("SNMP credential '{s}': unknown key '{k}'"));
            }
        }
        Credential::from_fields(|k| match k {
            "authpassword" => get("authpassword").or_else(|| get("authpassphrase")),
            "privpassword" => get("privpassword").or_else(|| get("privpassphrase")),
            k => get(k),
        })
        .map_err(|e| format!("SNMP credential '{}': {e}", redact(s)))
    }

    /// The credentials of a list option (`--credentials`, `credentials =`): the list
    /// comes split at every comma (repeats joined by commas), so a new credential starts
    /// at each `version:` key. One result per credential, in order.
    pub fn parse_list(items: &[String]) -> Vec<Result<Credential, String>> {
        split_list(items)
            .iter()
            .map(|c| Credential::parse(c))
            .collect()
    }

    /// From a server's `AUTHENTICATION` element's attributes (`ID`, `VERSION`,
    /// `COMMUNITY`, `USERNAME`, `AUTHPROTOCOL`, `AUTHPASSPHRASE`, `PRIVPROTOCOL`,
    /// `PRIVPASSPHRASE`), looked up by `attr` with upper-case names.
    pub fn from_attributes<'a>(
        attr: impl Fn(&str) -> Option<&'a str>,
    ) -> Result<Credential, String> {
        Credential::from_fields(|k| match k {
            "authpassword" => attr("AUTHPASSPHRASE"),
            "privpassword" => attr("PRIVPASSPHRASE"),
            k => attr(&k.to_ascii_uppercase()),
        })
    }

    fn from_fields<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Result<Credential, String> {
        let field = |k: &str| get(k).map(str::trim).filter(|v| !v.is_empty());
        let version = match field("version") {
            None => return Err("no version (1, 2c or 3)".into()),
            Some("1") => Version::V1,
            Some("2c") | Some("2C") | Some("2") => Version::V2c,
            Some("3") => Version::V3,
            Some(v) => return Err(format!("unknown version '{v}' (1, 2c or 3)")),
        };
        let mut c = Credential {
            id: field("id").unwrap_or("").to_string(),
            version,
            community: String::new(),
            username: String::new(),
            auth: None,
            privacy: None,
        };
        if version != Version::V3 {
            c.community = field("community").ok_or("no community")?.to_string();
            return Ok(c);
        }
        c.username = field("username").ok_or("no username")?.to_string();
        let password = |k: &str, what: &str| -> Result<String, String> {
            let p = get(k).unwrap_or("");
            if p.is_empty() {
                return Err(format!("{what} protocol without a {what} password"));
            }
            if p.len() < MIN_PASSWORD_LEN {
                return Err(format!(
                    "{what} password shorter than {MIN_PASSWORD_LEN} characters"
                ));
            }
            Ok(p.to_string())
        };
        if let Some(p) = field("authprotocol") {
            c.auth = Some((AuthProtocol::parse(p)?, password("authpassword", "auth")?));
        } else if get("authpassword").is_some_and(|p| !p.is_empty()) {
            return Err("auth password without an auth protocol".into());
        }
        if let Some(p) = field("privprotocol") {
            if c.auth.is_none() {
                return Err("privacy needs authentication too (authprotocol)".into());
            }
            c.privacy = Some((PrivProtocol::parse(p)?, password("privpassword", "priv")?));
        } else if get("privpassword").is_some_and(|p| !p.is_empty()) {
            return Err("priv password without a priv protocol".into());
        }
        Ok(c)
    }
}

/// Groups list items into credentials: a new one at each `version:` key.
pub fn split_list(items: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
        let starts = item.to_ascii_lowercase().starts_with("version:");
        match out.last_mut() {
            Some(cur) if !starts => {
                cur.push(',');
                cur.push_str(item);
            }
            _ => out.push(item.to_string()),
        }
    }
    out
}

/// `s` with the values of password and community keys replaced by `***`, for errors.
fn redact(s: &str) -> String {
    s.split(',')
        .map(|part| match part.split_once(':') {
            Some((k, _))
                if k.trim().to_ascii_lowercase().contains("pass")
                    || k.trim().eq_ignore_ascii_case("community") =>
            {
                format!("{k}:***")
            }
            _ => part.to_string(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fusioninventory_syntax() {
        let c = Credential::parse("version:2c,community:public").unwrap();
        assert_eq!(c.version, Version::V2c);
        assert_eq!(c.community, "public");
        let c = Credential::parse(
            "version:3,username:admin,authprotocol:sha,authpassword:s3cr3tpass,privprotocol:aes,privpassword:s3cr3tpriv",
        )
        .unwrap();
        assert_eq!(c.username, "admin");
        assert_eq!(c.auth, Some((AuthProtocol::Sha1, "s3cr3tpass".into())));
        assert_eq!(c.privacy, Some((PrivProtocol::Aes128, "s3cr3tpriv".into())));
        assert_eq!(c.to_string(), "v3 user admin (sha/aes)");
        assert!(!format!("{c:?}").contains("s3cr3t"));
    }

    #[test]
    fn empty_or_inconsistent_fields() {
        for bad in [
            "",
            "version:2c",
            "version:2c,community:",
            "version:3",
            "version:3,username:",
            "version:3,username:u,authprotocol:sha",
            "version:3,username:u,authprotocol:sha,authpassword:short",
            "version:3,username:u,privprotocol:aes,privpassword:12345678",
            "version:3,username:u,authprotocol:sha1x,authpassword:12345678",
            "version:4,community:x",
            "community:public",
            "version:2c,community:x,colour:red",
            "version 2c",
        ] {
            assert!(Credential::parse(bad).is_err(), "{bad}");
        }
        let e = Credential::parse("version:3,username:u,authprotocol:sha,authpassword:short")
            .unwrap_err();
        assert!(!e.contains("short'") && e.contains("***"), "{e}");
    }

    #[test]
    fn list_option() {
        let items: Vec<String> =
            "version:2c,community:a,version:3,username:u,authprotocol:md5,authpassword:12345678"
                .split(',')
                .map(String::from)
                .collect();
        assert_eq!(
            split_list(&items),
            vec![
                "version:2c,community:a".to_string(),
                "version:3,username:u,authprotocol:md5,authpassword:12345678".to_string()
            ]
        );
        let all = Credential::parse_list(&items);
        assert_eq!(all.len(), 2);
        assert!(all.iter().all(|c| c.is_ok()));
        let bad = Credential::parse_list(&["community:x".to_string()]);
        assert!(bad[0].is_err());
    }

    #[test]
    fn from_server_attributes() {
        let attrs = [
            ("ID", "7"),
            ("VERSION", "3"),
            ("USERNAME", "u"),
            ("AUTHPROTOCOL", "MD5"),
            ("AUTHPASSPHRASE", "12345678"),
            ("PRIVPROTOCOL", "DES"),
            ("PRIVPASSPHRASE", "abcdefgh"),
        ];
        let c =
            Credential::from_attributes(|k| attrs.iter().find(|a| a.0 == k).map(|a| a.1)).unwrap();
        assert_eq!(c.id, "7");
        assert_eq!(c.auth.unwrap().0, AuthProtocol::Md5);
        assert_eq!(c.privacy.unwrap().0, PrivProtocol::Des);
    }
}
