#!/usr/bin/env bash
# Hostile input costs at most its size: the worst token shapes up to --max-token-size (1 MiB)
# through `inspect` (text, --json, --key), the 80,000-member header through `--scan`, and
# a log of planted PBES2 tokens through `--scan --key`. Prints wall time and peak RSS per
# case; the bounds are 1 s and 64 MiB (release build).
#
#   benches/hostile.sh            # builds the release binary first
#   JWTCTL=path/to/jwtctl benches/hostile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
}
if [ -z "${JWTCTL:-}" ]; then
  cargo build --release --quiet
  JWTCTL=$PWD/target/release/jwtctl
fi
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT

python3 - "$DIR" <<'PY'
import base64, hashlib, hmac, json, sys
out = sys.argv[1]
key = b"k" * 32
open(f"{out}/key", "wb").write(key)
def b64(b): return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
def token(header, payload):
    h, p = b64(header), b64(payload)
    sig = hmac.new(key, f"{h}.{p}".encode(), hashlib.sha256).digest()
    return f"{h}.{p}.{b64(sig)}"
LIMIT = 1024 * 1024
HS = b'{"alg":"HS256","typ":"JWT"}'
budget = (LIMIT - 200) * 3 // 4
name = "n" * (budget // 3)
shapes = {
    # one claim with a long name holding thousands of members (the original bomb)
    "long-name": '{"%s":{%s}}' % (name, ",".join('"p%06d":0' % i for i in range((budget - len(name) - 20) // 12))),
    "wide": '{"x":{%s}}' % ",".join('"k%06d":{}' % i for i in range(budget // 13)),
    "arrays": '{"x":[%s]}' % ",".join(["[]"] * (budget // 3 - 20)),
    "deep": '{"x":' + "[" * 120 + ",".join(["0"] * ((budget - 500) // 2)) + "]" * 120 + "}",
    "secret-paths": '{"x":{%s}}' % ",".join('"a%06d":{"password":1}' % i for i in range(budget // 25)),
}
for label, payload in shapes.items():
    json.loads(payload)
    t = token(HS, payload.encode())
    assert len(t) <= LIMIT, (label, len(t))
    open(f"{out}/{label}.jwt", "w").write(t)
# 80,000 header members, for --scan's duplicate check
letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
names = ["".join(letters[d] for d in (26 + i // 4096, i // 64 % 64, i % 64)) for i in range(80000)]
header = '{"alg":"HS256",' + ",".join('"%s":0' % n for n in names) + "}"
open(f"{out}/members.log", "w").write(token(header.encode(), b'{"sub":"bob"}') + "\n")
PY

measure() { # label, stdin file, args…
  local label=$1 input=$2
  shift 2
  /usr/bin/time -f "%e %M" -o "$DIR/time" "$JWTCTL" "$@" <"$input" >/dev/null 2>"$DIR/err" || true
  read -r secs kb <"$DIR/time"
  printf '%-34s %6.2f s %8.1f MiB\n' "$label" "$secs" "$(echo "$kb / 1024" | bc -l)"
}

echo "case                                 wall       peak RSS"
for shape in long-name wide arrays deep secret-paths; do
  measure "inspect $shape" "$DIR/$shape.jwt" inspect -
  measure "inspect --json $shape" "$DIR/$shape.jwt" inspect --json -
  measure "inspect --key $shape" "$DIR/$shape.jwt" inspect --key "$DIR/key" -
done
measure "inspect --scan 80,000 members" "$DIR/members.log" inspect --scan -

# 40 planted PBES2 tokens (p2c 310000) in a log, scanned with a raw secret as --key.
printf 'correct horse battery staple' >"$DIR/pw"
for _ in $(seq 40); do
  "$JWTCTL" issue --key "$DIR/pw" --alg PBES2-HS512+A256KW --header p2c:=310000 --sub x
done >"$DIR/pbes2.log"
measure "scan --key: 40 PBES2 tokens" "$DIR/pbes2.log" inspect --scan - --key "$DIR/pw"
measure "scan --password-file: 40 PBES2" "$DIR/pbes2.log" inspect --scan - --password-file "$DIR/pw"
