//! BusyBox `ps` (`PID USER VSZ STAT COMMAND`): the processes of small systems (NAS,
//! routers, containers) whose `ps` knows no `-o`.

use crate::task::inventory::model::Entry;

/// One PROCESSES entry per line after the header: PID, USER, VIRTUALMEMORY (VSZ as
/// printed) and CMD, the rest of the line after the STAT column (which may be empty on
/// some builds, so the command is found after the fourth column's position, not by
/// counting words).
pub fn parse_ps(text: &str) -> Vec<Entry> {
    let mut lines = text.lines();
    let Some(header) = lines.next() else {
        return Vec::new();
    };
    let Some(cmd_col) = header.find("COMMAND") else {
        return Vec::new();
    };
    lines
        .filter_map(|line| {
            let mut w = line.split_whitespace();
            let (pid, user, vsz) = (w.next()?, w.next()?, w.next()?);
            if !pid.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let cmd = line.get(cmd_col..).unwrap_or("").trim();
            let cmd = if cmd.is_empty() {
                w.skip(1).collect::<Vec<_>>().join(" ")
            } else {
                cmd.to_string()
            };
            let mut e = Entry::new();
            e.set("PID", pid)
                .set("USER", user)
                .set("VIRTUALMEMORY", vsz)
                .set("CMD", cmd);
            Some(e)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn busybox() {
        let p = super::parse_ps(
            "  PID USER       VSZ STAT COMMAND\n    1 root      2536 S    init\n    2 root         0 SW   [kthreadd]\n  130 www-data  4096 S    /usr/sbin/httpd -f -p 80\nbad\n",
        );
        assert_eq!(p.len(), 3);
        assert_eq!(p[1].get("CMD"), Some("[kthreadd]"));
        assert_eq!(p[2].get("CMD"), Some("/usr/sbin/httpd -f -p 80"));
        assert_eq!(p[2].get("VIRTUALMEMORY"), Some("4096"));
    }
}
