//! A small GLPI Deploy server on loopback, faithful to the protocol of the
//! glpiinventory plugin (`front/communication.php` + `b/deploy/`) as the agent sees it:
//!
//! - `POST /glpi/` with a zlib-compressed `QUERY=PROLOG` → a zlib-compressed
//!   `<REPLY><RESPONSE>SEND</RESPONSE><PROLOG_FREQ>24</PROLOG_FREQ></REPLY>` (the plugin's
//!   XML side, what the agent's one contact per run asks);
//! - `GET /glpi/?action=getConfig&machineid=M&task[Deploy]=V` →
//!   `{"configValidityPeriod":600,"schedule":[{"task":"Deploy","remote":"<base>/deploy/"}]}`
//!   for a known machine, `{}` (no schedule) otherwise;
//! - `GET /deploy/?action=getJobs&machineid=M&version=V` → `{"jobs":[…],"associatedFiles":{…}}`
//!   once (the jobs are handed out, as the plugin does when it marks them "sent"), then `{}`;
//! - `GET /deploy/?action=setStatus&…` → `{}`, every call recorded;
//! - `GET /files/<c1>/<c1c2>/<sha512>` → the part (the mirror), 404 when unknown.
//!
//! Every request is answered with `Connection: close`, then the stream is closed.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;

/// The server's state, shared with the test.
#[derive(Default)]
pub struct State {
    pub machineid: String,
    /// The next `getJobs` answer (taken by the first call).
    pub jobs: Option<Value>,
    /// Parts by SHA-512.
    pub parts: BTreeMap<String, Vec<u8>>,
    /// Parts served with other bytes than theirs (a broken mirror).
    pub corrupt: Vec<String>,
    /// Each `setStatus` call's parameters.
    pub statuses: Vec<BTreeMap<String, String>>,
    /// How many part requests the mirror served.
    pub part_requests: usize,
    pub log: Vec<String>,
}

pub struct GlpiDeployServer {
    pub port: u16,
    pub state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl GlpiDeployServer {
    pub fn start(machineid: &str) -> GlpiDeployServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State {
            machineid: machineid.to_string(),
            ..State::default()
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let (st, stp) = (Arc::clone(&state), Arc::clone(&stop));
        let handle = std::thread::spawn(move || {
            while !stp.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((s, _)) => {
                        let _ = s.set_nonblocking(false);
                        serve(s, port, &st);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        GlpiDeployServer {
            port,
            state,
            stop,
            handle: Some(handle),
        }
    }

    /// The agent's `server` URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/glpi/", self.port)
    }

    /// The mirror base URL for files.
    pub fn mirror(&self) -> String {
        format!("http://127.0.0.1:{}/files/", self.port)
    }

    /// The `(status, msg)` of the calls for job `uuid`, in order.
    pub fn statuses(&self, uuid: &str) -> Vec<BTreeMap<String, String>> {
        self.state
            .lock()
            .unwrap()
            .statuses
            .iter()
            .filter(|s| s.get("uuid").map(String::as_str) == Some(uuid))
            .cloned()
            .collect()
    }
}

impl Drop for GlpiDeployServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let h = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(h, 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn respond(mut s: TcpStream, code: u16, ctype: &str, body: &[u8]) {
    let reason = if code == 200 { "OK" } else { "Not Found" };
    let head = format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(body);
}

fn serve(s: TcpStream, port: u16, state: &Mutex<State>) {
    s.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let mut r = BufReader::new(s.try_clone().unwrap());
    let mut line = String::new();
    if r.read_line(&mut line).is_err() {
        return;
    }
    let mut length = 0usize;
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.trim().eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let target = line.split_whitespace().nth(1).unwrap_or("").to_string();
    if line.starts_with("POST ") {
        let mut body = vec![0u8; length.min(1 << 20)];
        let _ = std::io::Read::read_exact(&mut r, &mut body);
        let mut xml = String::new();
        let _ =
            std::io::Read::read_to_string(&mut flate2::read::ZlibDecoder::new(&body[..]), &mut xml);
        state.lock().unwrap().log.push(format!("POST {target}"));
        if xml.contains("<QUERY>PROLOG</QUERY>") {
            let reply = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REPLY><RESPONSE>SEND</RESPONSE><PROLOG_FREQ>24</PROLOG_FREQ></REPLY>\n";
            let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            let _ = z.write_all(reply.as_bytes());
            respond(
                s,
                200,
                "application/x-compress-zlib",
                &z.finish().unwrap_or_default(),
            );
        } else {
            respond(s, 404, "text/plain", b"unknown\n");
        }
        return;
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let params: BTreeMap<String, String> = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect();
    let mut st = state.lock().unwrap();
    st.log.push(target.clone());
    let json = |v: Value| v.to_string().into_bytes();
    if let Some(rest) = path.strip_prefix("/files/") {
        let sha = rest.rsplit('/').next().unwrap_or("").to_string();
        let parts: Vec<&str> = rest.split('/').collect();
        let well_formed =
            parts.len() == 3 && sha.len() == 128 && parts[0] == &sha[..1] && parts[1] == &sha[..2];
        match st.parts.get(&sha).cloned() {
            Some(mut data) if well_formed => {
                st.part_requests += 1;
                if st.corrupt.contains(&sha) {
                    for b in data.iter_mut().take(16) {
                        *b ^= 0x55;
                    }
                }
                drop(st);
                respond(s, 200, "application/octet-stream", &data);
            }
            _ => {
                drop(st);
                respond(s, 404, "text/plain", b"Not found\n");
            }
        }
        return;
    }
    let known = params.get("machineid") == Some(&st.machineid);
    let body = match (path, params.get("action").map(String::as_str)) {
        ("/glpi/", Some("getConfig")) if known && params.contains_key("task[Deploy]") => {
            json(serde_json::json!({
                "configValidityPeriod": 600,
                "schedule": [{"task": "Deploy", "remote": format!("http://127.0.0.1:{port}/deploy/")}]
            }))
        }
        ("/glpi/", Some("getConfig")) => json(serde_json::json!({})),
        ("/deploy/", Some("getJobs")) if known => {
            json(st.jobs.take().unwrap_or(serde_json::json!({})))
        }
        ("/deploy/", Some("setStatus")) if known => {
            st.statuses.push(params.clone());
            json(serde_json::json!({}))
        }
        _ => {
            drop(st);
            respond(s, 404, "text/plain", b"unknown\n");
            return;
        }
    };
    drop(st);
    respond(s, 200, "application/json", &body);
}
