#!/usr/bin/env python3
"""Writes a synthetic log for the scan benchmark: SIZE_MB megabytes of access-log, JSON and
header lines, with TOKENS compact tokens (JWS HS256/RS256/ES256, JWE dir+A256GCM) drawn from
a pool of distinct ones, CRLF on some lines, and some token-shaped junk.

usage: gen_log.py OUT SIZE_MB TOKENS [DISTINCT]
"""
import base64
import hashlib
import hmac
import json
import os
import random
import sys

out, size_mb, tokens = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
distinct = int(sys.argv[4]) if len(sys.argv) > 4 else max(1, tokens // 5)
rng = random.Random(42)
SECRET = b"benchmark-secret-of-at-least-32-bytes!!"


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_token(i):
    kind = i % 4
    now = 1_700_000_000
    claims = {"iss": "https://issuer.example", "sub": f"user-{i}", "iat": now,
              "exp": now + rng.choice([-3600, 900, 86400]), "jti": f"{i:08x}",
              "scope": "read write"}
    if kind == 3:
        header = {"alg": "dir", "enc": "A256GCM", "kid": "enc-1"}
        return ".".join([b64(json.dumps(header).encode()), "", b64(os.urandom(12)),
                         b64(os.urandom(120)), b64(os.urandom(16))])
    alg = ["HS256", "RS256", "ES256"][kind]
    header = {"alg": alg, "typ": "JWT", "kid": f"key-{kind}"}
    signing_input = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())
    if alg == "HS256":
        sig = hmac.new(SECRET, signing_input.encode(), hashlib.sha256).digest()
    else:
        sig = os.urandom(256 if alg == "RS256" else 64)
    return signing_input + "." + b64(sig)


pool = [make_token(i) for i in range(distinct)]
words = "GET POST PUT /api/v1/users /login /static/app.js /health 200 201 204 301 404 500 " \
        "Mozilla/5.0 curl/8.5.0 upstream=backend-3 request_id cache=miss bytes=5123".split()


def filler():
    kind = rng.random()
    if kind < 0.5:
        return '10.0.%d.%d - - [14/Nov/2023:22:13:20 +0000] "%s %s HTTP/1.1" %s %d "-" "%s"' % (
            rng.randrange(256), rng.randrange(256), rng.choice(["GET", "POST"]),
            rng.choice(words[2:7]), rng.choice(words[7:13]), rng.randrange(100000),
            rng.choice(words[13:15]))
    if kind < 0.995:
        return json.dumps({"ts": 1700000000 + rng.randrange(10**6), "level": "info",
                           "msg": " ".join(rng.choice(words) for _ in range(8)),
                           "latency_ms": rng.randrange(1000)})
    return "eyJ" + b64(os.urandom(30)) + " eyJhbGciOi.broken.x"  # token-shaped junk


fillers = [filler() for _ in range(5000)]
target = size_mb * 1024 * 1024
line_avg = sum(len(f) + 1 for f in fillers) / len(fillers)
token_line = sum(len(t) for t in pool) / len(pool) + 40
lines_total = int(max(0, target - tokens * token_line) / line_avg) + tokens
every = max(1, lines_total // max(1, tokens))
written = 0
placed = 0
with open(out, "w", newline="") as f:
    buf = []
    n = 0
    while written < target:
        n += 1
        if placed < tokens and n % every == 0:
            t = rng.choice(pool)
            style = placed % 3
            if style == 0:
                line = "Authorization: Bearer " + t + "\r"
            elif style == 1:
                line = json.dumps({"ts": 1700000000 + n, "event": "login", "access_token": t})
            else:
                line = '10.1.2.3 - - "GET /cb?id_token=%s&state=xyz HTTP/1.1" 302' % t
            placed += 1
        else:
            line = fillers[rng.randrange(len(fillers))]
        buf.append(line)
        written += len(line) + 1
        if len(buf) >= 10000:
            f.write("\n".join(buf) + "\n")
            buf = []
    if buf:
        f.write("\n".join(buf) + "\n")
print(f"{out}: {written} bytes, {placed} tokens ({distinct} distinct)", file=sys.stderr)
