//! What the agent says to the remote shell and how it reads the answers.
//!
//! The remote side is one `/bin/sh` that reads requests on its standard input: each
//! request is a batch of items (a file, a directory listing, a link, a modification time,
//! a command…), so many reads cost one round trip. The shell answers each item with a
//! record, then the end of the request:
//!
//! ```text
//! <token> H <kind> <path>\0<payload>\n<token> E <status>\n   one record per item
//! <token> D\n                                              end of the request
//! ```
//!
//! The token is 32 random hex digits drawn for the session, so no file content can end a
//! record early by chance; a hostile host can still answer anything, so the parser only
//! ever fills a cache (bounded by [`MAX_REPLY`]) and never panics. Paths and arguments
//! from the agent are single-quoted ([`quote`]); the built-in globs ([`Path::Glob`])
//! are written as they are, since they must expand on the remote side.

/// The largest reply to one request (the dpkg database and `pci.ids` are a few MiB).
pub const MAX_REPLY: usize = 256 << 20;

/// A path of a request: one the agent asks for (quoted), or a built-in shell glob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Path {
    Exact(String),
    Glob(&'static str),
}

/// One thing to read on the remote host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// `uname` and the clock.
    Hello,
    /// A regular file's bytes.
    File(Path),
    /// A small text file (a sysfs attribute, `/proc/<pid>/stat`), read by the shell
    /// itself rather than by one `cat` each: no NUL bytes, answered as a file.
    Text(Path),
    /// The last `max` bytes of a file.
    Tail(String, u64),
    /// A directory's entries.
    List(Path),
    /// A symbolic link's target.
    Link(Path),
    /// A modification time.
    Mtime(Path),
    /// Many modification times at once (one `stat` for the whole glob).
    Mtimes(&'static str),
    /// What a path is (link, directory, other), or nothing.
    Kind(String),
    /// A command, numbered in the request, with its arguments.
    Command(usize, Vec<String>),
}

/// One answer of the remote shell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// `U` hello, `F` file, `T` tail, `L` listing, `K` link, `M` mtime, `N` mtimes,
    /// `X` kind, `C` command.
    pub kind: u8,
    /// The path (the command's number for `C`).
    pub path: String,
    pub payload: Vec<u8>,
    /// The status word: an exit status, `M` (command missing), `T` (timed out), a kind.
    pub status: String,
}

/// Single-quotes a word for `sh`.
pub fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\\''"))
}

fn path_word(p: &Path) -> String {
    match p {
        Path::Exact(s) => quote(s),
        Path::Glob(g) => (*g).to_string(),
    }
}

/// The functions the session defines once: `token`, the per-command time limit in
/// seconds. Commands run with `LC_ALL=C`, stdin from /dev/null, stderr dropped, and are
/// killed by a watchdog at the limit (status `T`). The watchdog says it killed by its own
/// exit status (3), after it stops listening to the TERM that would call it off: so a
/// command killed at the limit is `T` even when the shell's `kill` of the watchdog races
/// with the watchdog's own end (a loaded host).
pub fn prelude(token: &str, timeout_secs: u64) -> String {
    format!(
        r#"B={token}; T={timeout_secs}
LC_ALL=C; LANG=C; export LC_ALL LANG
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin; export PATH
_os=$(uname -s 2>/dev/null)
_h() {{ printf '%s H %s %s\000' "$B" "$1" "$2"; }}
_e() {{ printf '\n%s E %s\n' "$B" "$1"; }}
_mt() {{ case $_os in Linux|GNU*|CYGWIN*) stat -c %Y -- "$1" 2>/dev/null;; *BSD|DragonFly|Darwin) stat -f %m -- "$1" 2>/dev/null;; *) perl -e 'print((stat $ARGV[0])[9], "\n")' "$1" 2>/dev/null;; esac; }}
_u() {{ _h U ''; uname -s; uname -n; uname -r; uname -v; uname -m; date +%s; date +%z; date +%Z; _e 0; }}
_f() {{ for _a; do _h F "$_a"; if [ -f "$_a" ] && [ -r "$_a" ]; then cat -- "$_a" 2>/dev/null; _e $?; else _e 1; fi; done; }}
_s() {{ for _a; do _h F "$_a"; if [ -f "$_a" ] && [ -r "$_a" ]; then _r < "$_a"; _e $?; else _e 1; fi; done; }}
_r() {{ _v=; while IFS= read -r _v; do printf '%s\n' "$_v"; _v=; done; [ -z "$_v" ] || printf '%s' "$_v"; }}
_t() {{ _h T "$2 $1"; if [ -f "$1" ] && [ -r "$1" ]; then tail -c "$2" -- "$1" 2>/dev/null; _e $?; else _e 1; fi; }}
_l() {{ for _a; do _h L "$_a"; if [ -d "$_a" ] && cd -- "$_a" 2>/dev/null; then for _n in * .*; do case $_n in .|..) continue;; esac; if [ -e "$_n" ] || [ -h "$_n" ]; then printf '%s/' "$_n"; fi; done; cd /; _e 0; elif [ -e "$_a" ] || [ -h "$_a" ]; then _e 1; else _e 2; fi; done; }}
_k() {{ for _a; do _h K "$_a"; if [ -h "$_a" ]; then if readlink -- "$_a" 2>/dev/null; then _e 0; else ls -ld -- "$_a" 2>/dev/null; _e 2; fi; else _e 1; fi; done; }}
_m() {{ for _a; do _h M "$_a"; if [ -e "$_a" ]; then _mt "$_a"; _e $?; else _e 1; fi; done; }}
_N() {{ _h N ''; [ -e "$1" ] || {{ _e 1; return; }}; case $_os in Linux|GNU*|CYGWIN*) stat -c '%Y %n' -- "$@" 2>/dev/null;; *BSD|DragonFly|Darwin) stat -f '%m %N' -- "$@" 2>/dev/null;; *) for _a; do printf '%s %s\n' "$(_mt "$_a")" "$_a"; done;; esac; _e 0; }}
_x() {{ _h X "$1"; if [ -h "$1" ]; then _e l; elif [ -d "$1" ]; then _e d; elif [ -e "$1" ]; then _e f; else _e 1; fi; }}
_c() {{ _n=$1; shift; _h C "$_n"; if command -v "$1" >/dev/null 2>&1; then _w "$@"; _e "$_s"; else _e M; fi; }}
_w() {{ ( exec "$@" ) </dev/null 2>/dev/null & _p=$!
 ( sleep "$T" & _z=$!; trap 'kill $_z 2>/dev/null; exit 0' TERM; wait $_z; trap '' TERM; kill -9 "$_p" 2>/dev/null; exit 3 ) </dev/null >/dev/null 2>&1 & _q=$!
 wait "$_p"; _s=$?; kill "$_q" 2>/dev/null; wait "$_q" 2>/dev/null; [ $? = 3 ] && _s=T; }}
"#
    )
}

/// The shell line of one item.
pub fn item_line(item: &Item) -> String {
    match item {
        Item::Hello => "_u".to_string(),
        Item::File(p) => format!("_f {}", path_word(p)),
        Item::Text(p) => format!("_s {}", path_word(p)),
        Item::Tail(p, max) => format!("_t {} {max}", quote(p)),
        Item::List(p) => format!("_l {}", path_word(p)),
        Item::Link(p) => format!("_k {}", path_word(p)),
        Item::Mtime(p) => format!("_m {}", path_word(p)),
        Item::Mtimes(g) => format!("_N {g}"),
        Item::Kind(p) => format!("_x {}", quote(p)),
        Item::Command(n, argv) => {
            let words: Vec<String> = argv.iter().map(|a| quote(a)).collect();
            format!("_c {n} {}", words.join(" "))
        }
    }
}

/// The shell text of one request: every item, then, by the remote `uname -s`, the items
/// of the matching branch (`case` patterns), then the end marker.
pub fn request(items: &[Item], branches: &[(&str, &[Item])]) -> String {
    let mut s = String::new();
    for item in items {
        s.push_str(&item_line(item));
        s.push('\n');
    }
    if !branches.is_empty() {
        s.push_str("case $_os in\n");
        for (pattern, items) in branches {
            s.push_str(pattern);
            s.push_str(")\n");
            for item in *items {
                s.push_str(&item_line(item));
                s.push('\n');
            }
            s.push_str(";;\n");
        }
        s.push_str("esac\n");
    }
    s.push_str("printf '%s D\\n' \"$B\"\n");
    s
}

/// Reads the records of one request from a growing buffer.
pub struct Reader {
    head: Vec<u8>,
    trailer: Vec<u8>,
    done: Vec<u8>,
    /// Where the next record (or the end marker) is searched from.
    pos: usize,
    /// How far the search for a head, and for the current record's trailer, went.
    scanned: usize,
    tscan: usize,
}

/// What the reader found in the buffer so far.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    Record(Record),
    /// The end of the request.
    Done,
    /// More bytes are needed.
    More,
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > hay.len() || needle.is_empty() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

impl Reader {
    pub fn new(token: &str) -> Reader {
        Reader {
            head: format!("{token} H ").into_bytes(),
            trailer: format!("\n{token} E ").into_bytes(),
            done: format!("{token} D\n").into_bytes(),
            pos: 0,
            scanned: 0,
            tscan: 0,
        }
    }

    /// The next step from `buf`; bytes before a record (a login banner) are skipped.
    /// Call again after [`Step::Record`]; [`Reader::consumed`] says what can be dropped.
    /// Each byte is searched about once, however the reply is cut into reads.
    pub fn next(&mut self, buf: &[u8]) -> Step {
        let from = self.pos.max(self.scanned);
        let head = find(buf, &self.head, from);
        let limit = head.map_or(buf.len(), |h| h + self.done.len());
        if let Some(d) = find(&buf[..limit.min(buf.len())], &self.done, from) {
            if head.is_none_or(|h| d < h) {
                self.pos = d + self.done.len();
                self.scanned = self.pos;
                return Step::Done;
            }
        }
        let Some(h) = head else {
            self.scanned = buf
                .len()
                .saturating_sub(self.head.len().max(self.done.len()));
            return Step::More;
        };
        self.scanned = h;
        let start = h + self.head.len();
        let Some(nul) = buf[start..].iter().position(|&b| b == 0).map(|p| p + start) else {
            return Step::More;
        };
        let Some(end) = find(buf, &self.trailer, self.tscan.max(nul + 1)) else {
            self.tscan = buf.len().saturating_sub(self.trailer.len());
            return Step::More;
        };
        let status_start = end + self.trailer.len();
        let Some(nl) = buf[status_start..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|p| p + status_start)
        else {
            return Step::More;
        };
        let header = String::from_utf8_lossy(&buf[start..nul]).into_owned();
        let (kind, path) = header.split_once(' ').unwrap_or((header.as_str(), ""));
        let record = Record {
            kind: kind.bytes().next().unwrap_or(b'?'),
            path: path.to_string(),
            payload: buf[nul + 1..end].to_vec(),
            status: String::from_utf8_lossy(&buf[status_start..nl])
                .trim()
                .to_string(),
        };
        self.pos = nl + 1;
        self.scanned = self.pos;
        self.tscan = 0;
        Step::Record(record)
    }

    /// How many bytes of the buffer were read.
    pub fn consumed(&self) -> usize {
        self.pos
    }

    /// Forgets the bytes dropped from the front of the buffer.
    pub fn drop_front(&mut self, n: usize) {
        self.pos -= n.min(self.pos);
        self.scanned -= n.min(self.scanned);
        self.tscan -= n.min(self.tscan);
    }
}

/// `uname` and clock lines of a hello record.
pub fn hello(payload: &[u8]) -> (super::super::Uname, Option<super::super::Clock>) {
    let text = String::from_utf8_lossy(payload);
    let l: Vec<&str> = text.lines().collect();
    let get = |i: usize| l.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
    let uname = super::super::Uname {
        sysname: get(0),
        nodename: get(1),
        release: get(2),
        version: get(3),
        machine: get(4),
    };
    let clock = get(5).parse::<i64>().ok().map(|now| {
        // `+0100` → 3600 seconds east.
        let z = get(6);
        let offset = if z.len() == 5 {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let h: i32 = z[1..3].parse().unwrap_or(0);
            let m: i32 = z[3..5].parse().unwrap_or(0);
            sign * (h * 3600 + m * 60)
        } else {
            0
        };
        super::super::Clock {
            now,
            offset,
            zone: get(7),
        }
    });
    (uname, clock)
}

/// Entries of a listing record (`name/name/…`), sorted.
pub fn listing(payload: &[u8]) -> Vec<String> {
    let mut names: Vec<String> = String::from_utf8_lossy(payload)
        .split('/')
        .filter(|n| !n.is_empty() && *n != "." && *n != "..")
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// A link record's target: `readlink`'s line, or the part of `ls -ld` after ` -> `.
pub fn link_target(payload: &[u8], status: &str) -> Option<String> {
    let text = String::from_utf8_lossy(payload);
    let line = text.strip_suffix('\n').unwrap_or(&text);
    match status {
        "0" => Some(line.to_string()),
        "2" => line.split_once(" -> ").map(|(_, t)| t.to_string()),
        _ => None,
    }
    .filter(|t| !t.is_empty())
}

/// `mtime path` lines of an mtimes record.
pub fn mtimes(payload: &[u8]) -> Vec<(String, i64)> {
    String::from_utf8_lossy(payload)
        .lines()
        .filter_map(|l| {
            let (t, p) = l.split_once(' ')?;
            Some((p.to_string(), t.trim().parse().ok()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    fn all(buf: &[u8]) -> Vec<Step> {
        let mut r = Reader::new(TOKEN);
        let mut out = Vec::new();
        loop {
            match r.next(buf) {
                Step::More => break,
                Step::Done => {
                    out.push(Step::Done);
                    break;
                }
                s => out.push(s),
            }
        }
        out
    }

    #[test]
    fn quoting_survives_hostile_names() {
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(quote("$(rm -rf /)"), "'$(rm -rf /)'");
        let r = request(
            &[
                Item::File(Path::Exact("/tmp/x'; reboot; '".into())),
                Item::Command(0, vec!["df".into(), "-P".into()]),
            ],
            &[],
        );
        assert!(r.starts_with("_f '/tmp/x'\\''; reboot; '\\'''\n_c 0 'df' '-P'\n"));
        assert!(r.ends_with("printf '%s D\\n' \"$B\"\n"));
    }

    #[test]
    fn records_with_binary_payloads_and_banners() {
        let mut buf = b"Welcome to host\n".to_vec();
        buf.extend_from_slice(format!("{TOKEN} H F /proc/cpuinfo\0").as_bytes());
        buf.extend_from_slice(b"processor: 0\n\xff\x00bin");
        buf.extend_from_slice(format!("\n{TOKEN} E 0\n").as_bytes());
        buf.extend_from_slice(format!("{TOKEN} H F /nope\0\n{TOKEN} E 1\n").as_bytes());
        buf.extend_from_slice(format!("{TOKEN} D\n").as_bytes());
        let steps = all(&buf);
        assert_eq!(steps.len(), 3);
        let Step::Record(r) = &steps[0] else {
            panic!("{steps:?}")
        };
        assert_eq!(r.kind, b'F');
        assert_eq!(r.path, "/proc/cpuinfo");
        assert_eq!(r.payload, b"processor: 0\n\xff\x00bin");
        assert_eq!(r.status, "0");
        let Step::Record(r) = &steps[1] else { panic!() };
        assert_eq!((r.payload.len(), r.status.as_str()), (0, "1"));
        assert_eq!(steps[2], Step::Done);
    }

    #[test]
    fn partial_buffers_ask_for_more() {
        let full = format!("{TOKEN} H F /a\0xyz\n{TOKEN} E 0\n{TOKEN} D\n");
        for cut in 0..full.len() - 1 {
            let steps = all(&full.as_bytes()[..cut]);
            assert!(
                steps.iter().all(|s| !matches!(s, Step::Done)),
                "cut at {cut}"
            );
        }
        assert_eq!(all(full.as_bytes()).len(), 2);
    }

    /// The prelude and a request run by this machine's `sh`, as the remote shell would.
    fn through_sh(items: &[Item], timeout: u64, pwned: &std::path::Path) -> Vec<Record> {
        use std::io::Write;
        let mut child = std::process::Command::new("sh")
            .env("OCSA_PWNED", pwned)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let text = prelude(TOKEN, timeout) + &request(items, &[]) + "exit 0\n";
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap().stdout;
        let mut r = Reader::new(TOKEN);
        let mut records = Vec::new();
        loop {
            match r.next(&out) {
                Step::Record(rec) => records.push(rec),
                Step::Done => return records,
                Step::More => panic!("no end marker in {:?}", String::from_utf8_lossy(&out)),
            }
        }
    }

    #[test]
    fn a_real_shell_answers_hostile_names_binary_files_and_commands() {
        let dir = std::env::temp_dir().join(format!("ocsa-ssh-proto-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let d = dir.to_str().unwrap().to_string();
        // Were the name run, `sh` would create `pwned` (OCSA_PWNED is set for it).
        let hostile = format!("{d}/a'b $(touch $OCSA_PWNED) `touch $OCSA_PWNED` \nc");
        std::fs::write(&hostile, b"bin\x00ary\n").unwrap();
        std::fs::write(format!("{d}/text"), "one\ntwo").unwrap();
        std::os::unix::fs::symlink("text", format!("{d}/link")).unwrap();
        let items = vec![
            Item::File(Path::Exact(hostile.clone())),
            Item::Text(Path::Exact(format!("{d}/text"))),
            Item::File(Path::Exact(format!("{d}/absent"))),
            Item::List(Path::Exact(d.clone())),
            Item::Link(Path::Exact(format!("{d}/link"))),
            Item::Kind(format!("{d}/link")),
            Item::Kind(format!("{d}/absent")),
            Item::Tail(format!("{d}/text"), 3),
            Item::Command(0, vec!["sh".into(), "-c".into(), "echo out; exit 3".into()]),
            Item::Command(1, vec!["no-such-tool-xyz".into()]),
            Item::Command(2, vec!["sleep".into(), "30".into()]),
        ];
        let t = std::time::Instant::now();
        let r = through_sh(&items, 1, &dir.join("pwned"));
        assert!(
            t.elapsed() < std::time::Duration::from_secs(10),
            "{:?}",
            t.elapsed()
        );
        assert!(!dir.join("pwned").exists(), "a name ran as a command");
        let find = |kind: u8, path: &str| {
            r.iter()
                .find(|x| x.kind == kind && x.path == path)
                .unwrap_or_else(|| panic!("no {} {path} in {r:?}", kind as char))
        };
        let f = find(b'F', &hostile);
        assert_eq!(
            (f.payload.as_slice(), f.status.as_str()),
            (&b"bin\x00ary\n"[..], "0")
        );
        assert_eq!(find(b'F', &format!("{d}/text")).payload, b"one\ntwo");
        assert_eq!(find(b'F', &format!("{d}/absent")).status, "1");
        let names = listing(&find(b'L', &d).payload);
        assert_eq!(names.len(), 3, "{names:?}");
        assert!(names.contains(&"link".to_string()));
        let k = find(b'K', &format!("{d}/link"));
        assert_eq!(link_target(&k.payload, &k.status).as_deref(), Some("text"));
        assert_eq!(find(b'X', &format!("{d}/link")).status, "l");
        assert_eq!(find(b'X', &format!("{d}/absent")).status, "1");
        assert_eq!(find(b'T', &format!("3 {d}/text")).payload, b"two");
        let c = find(b'C', "0");
        assert_eq!(
            (c.payload.as_slice(), c.status.as_str()),
            (&b"out\n"[..], "3")
        );
        assert_eq!(find(b'C', "1").status, "M");
        assert_eq!(find(b'C', "2").status, "T", "killed at the 1 s limit");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn parsers_of_payloads() {
        assert_eq!(listing(b"b/a/.hidden/"), vec![".hidden", "a", "b"]);
        assert_eq!(
            link_target(b"../../devices/pci0\n", "0").unwrap(),
            "../../devices/pci0"
        );
        assert_eq!(
            link_target(b"lrwxrwxrwx 1 root root 4 Jan 1 00:00 /x -> /y\n", "2").unwrap(),
            "/y"
        );
        assert_eq!(link_target(b"", "1"), None);
        assert_eq!(
            mtimes(b"1700000000 /var/lib/dpkg/info/a.list\nbad\n"),
            vec![("/var/lib/dpkg/info/a.list".to_string(), 1_700_000_000)]
        );
        let (u, c) = hello(b"Linux\nh1\n6.1.0\n#1 SMP\nx86_64\n1700000000\n+0100\nCET\n");
        assert_eq!((u.sysname.as_str(), u.nodename.as_str()), ("Linux", "h1"));
        let c = c.unwrap();
        assert_eq!(
            (c.now, c.offset, c.zone.as_str()),
            (1_700_000_000, 3600, "CET")
        );
        let (_, c) = hello(b"AIX\nh\n");
        assert!(c.is_none());
    }
}
