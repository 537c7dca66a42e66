//! USERS: who is logged in, read from the utmp file (`/run/utmp`), the data `who` prints;
//! and HARDWARE/LASTLOGGEDUSER from the end of wtmp (only its tail is read: a wtmp of
//! gigabytes costs nothing here, where `last` would take minutes).

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "linux/users",
    category: "user",
    applies: |ctx| ctx.os == Os::Linux,
    collect,
};

/// Size of a glibc `struct utmp` on Linux (all 64-bit and 32-bit glibc ABIs).
const RECORD: usize = 384;
const USER_PROCESS: i16 = 7;

fn c_string(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).trim().to_string()
}

/// How much of wtmp is read: the last 256 records.
const WTMP_TAIL: u64 = RECORD as u64 * 256;

/// The last `USER_PROCESS` record: (login, login time in epoch seconds).
pub fn last_login(data: &[u8]) -> Option<(String, i64)> {
    data.chunks_exact(RECORD).rev().find_map(|rec| {
        let kind = i16::from_le_bytes([rec[0], rec[1]]);
        let user = c_string(&rec[44..76]);
        (kind == USER_PROCESS && !user.is_empty()).then(|| {
            let secs = i32::from_le_bytes([rec[340], rec[341], rec[342], rec[343]]);
            (user, secs as i64)
        })
    })
}

/// The logins of the `USER_PROCESS` records, in file order, each once.
pub fn parse_utmp(data: &[u8]) -> Vec<String> {
    let mut users: Vec<String> = Vec::new();
    for rec in data.chunks_exact(RECORD) {
        let kind = i16::from_le_bytes([rec[0], rec[1]]);
        if kind != USER_PROCESS {
            continue;
        }
        let user = c_string(&rec[44..76]);
        if !user.is_empty() && !users.contains(&user) {
            users.push(user);
        }
    }
    users
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let data = ctx
        .src
        .read("/run/utmp")
        .or_else(|| ctx.src.read("/var/run/utmp"))
        .unwrap_or_default();
    for login in parse_utmp(&data) {
        let mut e = Entry::new();
        e.set("LOGIN", login);
        inv.add("USERS", e);
    }
    let wtmp = ctx
        .src
        .read_tail("/var/log/wtmp", WTMP_TAIL)
        .unwrap_or_default();
    // A tail cut inside a record would misalign every record after it.
    let aligned = &wtmp[wtmp.len() % RECORD..];
    if let Some((login, when)) = last_login(aligned) {
        let hw = inv.single("HARDWARE");
        hw.set("LASTLOGGEDUSER", login);
        hw.set(
            "DATELASTLOGGEDUSER",
            ctx.clock.format_local(when, "%a %b %d %H:%M"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: i16, user: &str) -> Vec<u8> {
        let mut r = vec![0u8; RECORD];
        r[0..2].copy_from_slice(&kind.to_le_bytes());
        r[44..44 + user.len()].copy_from_slice(user.as_bytes());
        r
    }

    #[test]
    fn user_records_only() {
        let mut data = record(2, "reboot");
        data.extend(record(7, "alice"));
        data.extend(record(7, "alice"));
        data.extend(record(7, "bob"));
        data.extend([1, 2, 3]); // truncated tail
        assert_eq!(parse_utmp(&data), vec!["alice", "bob"]);
        assert!(parse_utmp(&[]).is_empty());
        let mut last = record(7, "carol");
        last[340..344].copy_from_slice(&1_700_000_000i32.to_le_bytes());
        data.truncate(RECORD * 4);
        data.extend(last);
        data.extend(record(8, ""));
        assert_eq!(
            last_login(&data),
            Some(("carol".to_string(), 1_700_000_000))
        );
        assert_eq!(last_login(&[0; 10]), None);
    }
}
