#!/usr/bin/env bash
# `jwtctl serve` under abuse (see BENCHMARKS.md, "serve under abuse"): wrk -t2 -c64 -d30s on
# GET /whoami with a valid token while, at the same time, 40 slowloris connections, 20
# stalled bodies and a stream of malformed requests hit the same server, and a probe asks
# GET /whoami every 0.5 s on a new connection.
#
#   benches/serve_abuse.sh            # ~45 s after the release build
#
# Checks (exit 1 if one fails): 0 wrk socket errors and no non-2xx answer to wrk, every
# probe answered 200 within 1 s, no 5xx anywhere, all 64 wrk connections served, peak RSS
# (VmHWM) at most 64 MiB, serve alive at the end and stopping with exit 0 on SIGTERM.
# Everything runs on 127.0.0.1 and stops by itself. Knobs: BENCH_SECONDS (wrk duration,
# default 30), BENCH_KEEP=DIR (keep the access log and results in DIR).
# Installs wrk (Debian) when missing; needs python3 for the attackers and the probe.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECS=${BENCH_SECONDS:-30}

log() { echo "== $*" >&2; }

if ! command -v wrk >/dev/null; then
  log "installing wrk"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 1; }

log "release build"
cargo build --release --locked --quiet
BIN=$ROOT/target/release/jwtctl

WORK=$(mktemp -d)
SERVE_PID=
ATTACK_PID=
cleanup() {
  [ -n "$ATTACK_PID" ] && kill "$ATTACK_PID" 2>/dev/null || true
  [ -n "$SERVE_PID" ] && kill -KILL "$SERVE_PID" 2>/dev/null || true
  if [ -n "${BENCH_KEEP:-}" ]; then
    mkdir -p "$BENCH_KEEP" && cp -r "$WORK"/. "$BENCH_KEEP"/
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "bench-password" | "$BIN" serve add-user --users "$WORK/users.txt" alice --password-stdin 2>/dev/null
"$BIN" keygen --alg dir --enc A256GCM -o "$WORK/session.key" 2>/dev/null
"$BIN" serve --listen 127.0.0.1:0 --users "$WORK/users.txt" --key "$WORK/session.key" \
  >/dev/null 2>"$WORK/access.log" &
SERVE_PID=$!
PORT=
for _ in $(seq 100); do
  PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$WORK/access.log")
  [ -n "$PORT" ] && break
  sleep 0.1
done
[ -n "$PORT" ] || { echo "serve did not start" >&2; cat "$WORK/access.log" >&2; exit 1; }
TOKEN=$(echo "bench-password" | "$BIN" login "http://127.0.0.1:$PORT/login" --user alice \
  --password-stdin 2>/dev/null)
log "serve pid $SERVE_PID on 127.0.0.1:$PORT (dir + A256GCM tokens); attackers for $((SECS + 3)) s"

# The attackers and the probe, for the whole wrk run and a little longer.
cat >"$WORK/attack.py" <<'PY'
import json, socket, sys, threading, time
port, token, seconds, out = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), sys.argv[4]
stop = time.time() + seconds
lock = threading.Lock()
stats = {"probes": 0, "probe_failures": [], "probe_max_ms": 0.0, "slowloris_connections": 0,
         "stalled_bodies": 0, "stalled_statuses": {}, "malformed": 0, "malformed_statuses": {}}

def count(name, status):
    with lock:
        stats[name][status] = stats[name].get(status, 0) + 1

def connect(timeout):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.settimeout(timeout)
    return s

def read_all(s):
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    return data

def read_head(s):
    # Up to the end of the answer's head: a keep-alive answer does not close the connection.
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    return data

def status(data):
    parts = data.split(b" ", 2)
    return parts[1].decode() if len(parts) > 1 and data.startswith(b"HTTP/") else "closed"

def slowloris():
    # A head that never ends: one more header line every second, reconnect when dropped.
    while time.time() < stop:
        try:
            s = connect(5)
            with lock:
                stats["slowloris_connections"] += 1
            s.sendall(b"GET /whoami HTTP/1.1\r\nHost: x\r\n")
            while time.time() < stop:
                time.sleep(1)
                s.sendall(b"X-Slow: 1\r\n")
        except OSError:
            time.sleep(0.05)
        finally:
            try: s.close()
            except Exception: pass

def stalled():
    # A login body announced as 16000 bytes, of which one arrives.
    while time.time() < stop:
        try:
            s = connect(max(0.5, stop - time.time()))
            s.sendall(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 16000\r\n\r\n{")
            with lock:
                stats["stalled_bodies"] += 1
            data = read_all(s)
            s.close()
            if time.time() < stop:
                count("stalled_statuses", status(data))
        except OSError:
            time.sleep(0.05)

MALFORMED = [
    b"GARBAGE\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)),
    b"GET / HTTP/9.9\r\n\r\n",
    b"GET /whoami HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100000 + b"\r\n\r\n",
    b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999\r\n\r\n{",
    b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
    b"POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxx\r\n0\r\n\r\n",
    b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{not json",
    b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 41\r\n\r\n"
    b'{"username":"alice","password":"wrong!!"}',
    b"GET /whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a.b.c.d.e\r\n\r\n",
    b"GET /whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \x1b[2J\r\n\r\n",
    b"DELETE /login HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /whoami HTTP/1.1\r\n" + b"X-H: v\r\n" * 200 + b"\r\n",
]

def malformed():
    i = 0
    while time.time() < stop:
        payload = MALFORMED[i % len(MALFORMED)]
        i += 1
        try:
            s = connect(3)
            try:
                s.sendall(payload)
            except OSError:
                pass
            data = read_head(s)
            s.close()
            with lock:
                stats["malformed"] += 1
            count("malformed_statuses", status(data))
        except OSError:
            count("malformed_statuses", "error")
        time.sleep(0.02)

def probe():
    request = ("GET /whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
               "Connection: close\r\n\r\n" % token).encode()
    while time.time() < stop - 1:
        started = time.time()
        try:
            s = connect(2)
            s.sendall(request)
            got = status(read_all(s))
            s.close()
        except OSError as e:
            got = "error: %s" % e
        ms = (time.time() - started) * 1000
        with lock:
            stats["probes"] += 1
            stats["probe_max_ms"] = max(stats["probe_max_ms"], ms)
            if got != "200" or ms > 1000:
                stats["probe_failures"].append({"status": got, "ms": round(ms, 1)})
        time.sleep(max(0, 0.5 - (time.time() - started)))

threads = [threading.Thread(target=slowloris) for _ in range(40)]
threads += [threading.Thread(target=stalled) for _ in range(20)]
threads += [threading.Thread(target=malformed) for _ in range(2)]
threads += [threading.Thread(target=probe)]
for t in threads:
    t.daemon = True
    t.start()
while time.time() < stop:
    time.sleep(0.2)
time.sleep(0.5)
with lock:
    json.dump(stats, open(out, "w"), indent=1)
PY
python3 "$WORK/attack.py" "$PORT" "$TOKEN" "$((SECS + 3))" "$WORK/attack.json" &
ATTACK_PID=$!
sleep 2

log "wrk -t2 -c64 -d${SECS}s --latency GET /whoami"
wrk -t2 -c64 -d"${SECS}s" --latency -H "Authorization: Bearer $TOKEN" \
  "http://127.0.0.1:$PORT/whoami" | tee "$WORK/wrk.txt"
wait "$ATTACK_PID"
ATTACK_PID=

fail=0
check() { # check NAME OK? DETAIL
  if [ "$2" = 1 ]; then echo "ok    $1: $3"; else echo "FAIL  $1: $3"; fail=1; fi
}
alive=0
kill -0 "$SERVE_PID" 2>/dev/null && alive=1
hwm_kib=$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVE_PID/status" 2>/dev/null || echo 999999)
kill -TERM "$SERVE_PID"
code=0
wait "$SERVE_PID" || code=$?
SERVE_PID=

rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk.txt")
p99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk.txt")
p50=$(awk '$1 == "50%" {print $2}' "$WORK/wrk.txt")
total=$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")
socket_errors=$(sed -n 's/.*Socket errors: //p' "$WORK/wrk.txt")
non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$WORK/wrk.txt")
# Access-log lines: TIME CLIENT METHOD PATH STATUS MS
fivexx=$(awk '$5 ~ /^5[0-9][0-9]$/' "$WORK/access.log" | wc -l)
wrk_conns=$(awk '$3 == "GET" && $4 == "/whoami" && $5 == "200" {n[$2]++} END {c = 0; for (k in n) if (n[k] >= 100) c++; print c}' "$WORK/access.log")
read -r probes probe_fail probe_max malformed mal_statuses slow stalled stalled_statuses < <(python3 - "$WORK/attack.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
fmt = lambda d: ",".join("%s:%d" % kv for kv in sorted(d.items()))
print(s["probes"], len(s["probe_failures"]), round(s["probe_max_ms"], 1), s["malformed"],
      fmt(s["malformed_statuses"]), s["slowloris_connections"], s["stalled_bodies"],
      fmt(s["stalled_statuses"]))
PY
)
five_mal=$(tr ',' '\n' <<<"$mal_statuses" | grep -c '^5' || true)

echo
echo "wrk: $total requests, $rps requests/s, p50 $p50, p99 $p99"
echo "attackers: $slow slowloris connections, $stalled stalled bodies ($stalled_statuses), $malformed malformed requests ($mal_statuses)"
check "wrk errors" "$([ -z "$socket_errors" ] && [ -z "$non2xx" ] && echo 1)" "${socket_errors:-none}; non-2xx ${non2xx:-0}"
check "probes" "$([ "$probes" -ge $((SECS * 2 - 2)) ] && [ "$probe_fail" = 0 ] && echo 1)" "$probes probes, $probe_fail late or failed, slowest ${probe_max} ms"
check "no 5xx" "$([ "$fivexx" = 0 ] && [ "$five_mal" = 0 ] && echo 1)" "$fivexx in the access log"
check "all wrk connections served" "$([ "$wrk_conns" -ge 64 ] && echo 1)" "$wrk_conns clients with >= 100 answers"
check "peak RSS" "$([ "$hwm_kib" -le $((64 * 1024)) ] && echo 1)" "VmHWM $((hwm_kib / 1024)) MiB ($hwm_kib kB)"
check "alive at the end" "$([ "$alive" = 1 ] && [ "$code" = 0 ] && echo 1)" "alive=$alive, exit $code on SIGTERM"
exit "$fail"
