//! LOCAL_USERS and LOCAL_GROUPS: the accounts of `/etc/passwd` and the groups of
//! `/etc/group` with their members.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module};

pub const USERS: Module = Module {
    name: "linux/local_users",
    category: "local_user",
    applies: |ctx| ctx.src.exists("/etc/passwd"),
    collect: collect_users,
};

pub const GROUPS: Module = Module {
    name: "linux/local_groups",
    category: "local_group",
    applies: |ctx| ctx.src.exists("/etc/group"),
    collect: collect_groups,
};

/// `login:x:uid:gid:gecos:home:shell` lines → LOCAL_USERS entries.
pub fn parse_passwd(text: &str) -> Vec<Entry> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with('+') && !l.starts_with('-'))
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            if f.len() < 7 || f[0].is_empty() || f[2].parse::<u32>().is_err() {
                return None;
            }
            let mut e = Entry::new();
            e.set("LOGIN", f[0])
                .set("ID", f[2])
                .set("NAME", f[4].split(',').next().unwrap_or(""))
                .set("HOME", f[5])
                .set("SHELL", f[6]);
            Some(e)
        })
        .collect()
}

/// `name:x:gid:member,member` lines → LOCAL_GROUPS entries (MEMBER repeated).
pub fn parse_group(text: &str) -> Vec<Entry> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with('+') && !l.starts_with('-'))
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            if f.len() < 4 || f[0].is_empty() || f[2].parse::<u32>().is_err() {
                return None;
            }
            let mut e = Entry::new();
            e.set("NAME", f[0]).set("ID", f[2]);
            let members: Vec<String> = f[3]
                .split(',')
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .map(str::to_string)
                .collect();
            if !members.is_empty() {
                e.set_list("MEMBER", members);
            }
            Some(e)
        })
        .collect()
}

fn collect_users(ctx: &Context, inv: &mut Inventory) {
    for e in parse_passwd(&ctx.file("/etc/passwd").unwrap_or_default()) {
        inv.add("LOCAL_USERS", e);
    }
}

fn collect_groups(ctx: &Context, inv: &mut Inventory) {
    for e in parse_group(&ctx.src.read_text("/etc/group").unwrap_or_default()) {
        inv.add("LOCAL_GROUPS", e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwd_and_group() {
        let u = parse_passwd("root:x:0:0:root:/root:/bin/bash\nbob:x:1000:1000:Bob B,,,:/home/bob:/bin/sh\nbad:line\n");
        assert_eq!(u.len(), 2);
        assert_eq!(u[1].get("NAME"), Some("Bob B"));
        let g = parse_group("sudo:x:27:bob,alice\nempty:x:5:\nbad\n");
        assert_eq!(g.len(), 2);
        assert_eq!(
            g[0].get_value("MEMBER"),
            Some(&crate::task::inventory::model::Value::List(vec![
                "bob".into(),
                "alice".into()
            ]))
        );
        assert!(!g[1].has("MEMBER"));
    }
}
