//! What the service says on stderr: start/stop lines and the access log (JSON lines on
//! stdout with --json).

use std::io::Write;
use std::net::SocketAddr;
use std::time::Instant;

use serde_json::json;

use super::routes::Reply;
use crate::io::files;
use crate::io::sanitize::for_terminal;
use crate::time;

/// A line on stderr. A closed or broken stderr (the reader went away) is ignored: the
/// service keeps serving, it never panics over its log.
pub(super) fn say(line: &str) {
    let mut text = String::with_capacity(line.len() + 1);
    text.push_str(line);
    text.push('\n');
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// One access-log line: never a token, a password or a query string. Method, path and
/// user come from the client: shown escaped, they cannot drive a terminal.
pub(super) fn access(
    json: bool,
    remote: SocketAddr,
    method: &str,
    path: &str,
    reply: &Reply,
    started: Instant,
) {
    let millis = started.elapsed().as_millis();
    let now = time::rfc3339(time::now_unix());
    if json {
        let mut line = json!({
            "time": now,
            "remote": remote.to_string(),
            "method": method,
            "path": path,
            "status": reply.status,
            "ms": millis,
        });
        if let Some(user) = &reply.user {
            line["user"] = json!(user);
        }
        // A closed stdout loses the log, never the service.
        let _ = files::write_stdout(format!("{line}\n").as_bytes());
        return;
    }
    let method: String = method.chars().take(20).collect();
    let mut line = format!(
        "{now} {remote} {} {} {} {millis}ms",
        for_terminal(&method),
        for_terminal(path),
        reply.status
    );
    if let Some(user) = &reply.user {
        line.push_str(&format!(" user={}", for_terminal(user)));
    }
    say(&line);
}
