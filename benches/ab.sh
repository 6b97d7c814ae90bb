#!/usr/bin/env bash
# Two jwtctl builds side by side on the same token files: verify/decrypt --batch at 1 and 2
# threads, runs interleaved, best of 3, tokens/s and the ratio new/old.
#
#   benches/ab.sh OLD_BINARY NEW_BINARY      # e.g. a release build of main and of a branch
#
# Knobs: AB_FAST (HS256/dir tokens, default 200000), AB_SIGNED (the others, default 20000).
set -euo pipefail
OLD=$(realpath "$1") NEW=$(realpath "$2")
FAST=${AB_FAST:-200000} SIGNED=${AB_SIGNED:-20000}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
unset RUST_BACKTRACE RUST_LIB_BACKTRACE
for a in HS256 ES256 EdDSA RS256 PS256; do "$NEW" keygen --alg "$a" -o "$a.json" 2>/dev/null; done
"$NEW" keygen --alg dir --enc A256GCM -o dir.json 2>/dev/null
seq -f '{"sub":"user%.0f","name":"User","admin":true,"scope":"read write"}' 1 "$FAST" >claims.jsonl
for k in HS256 dir; do "$NEW" issue --batch --key "$k.json" --now 1700000000 --exp 1h <claims.jsonl >"$k.tok"; done
for k in ES256 EdDSA RS256 PS256; do
  head -n "$SIGNED" claims.jsonl | "$NEW" issue --batch --key "$k.json" --now 1700000000 --exp 1h >"$k.tok"
done
best() {
  local b="" s e t
  for _ in 1 2 3; do
    s=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    e=$(date +%s%N)
    t=$((e - s))
    if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
  done
  echo "$b"
}
{
  printf 'alg\tthreads\told tokens/s\tnew tokens/s\tnew/old\n'
  for k in HS256 dir ES256 EdDSA RS256 PS256; do
    cmd=verify
    [ "$k" = dir ] && cmd=decrypt
    n=$(wc -l <"$k.tok")
    for t in 1 2; do
      old=$(best sh -c "'$OLD' $cmd --batch --threads $t --key $k.json --now 1700000000 <$k.tok")
      new=$(best sh -c "'$NEW' $cmd --batch --threads $t --key $k.json --now 1700000000 <$k.tok")
      awk -v k="$k" -v t="$t" -v n="$n" -v a="$old" -v b="$new" \
        'BEGIN { printf "%s\t%d\t%.0f\t%.0f\t%.2fx\n", k, t, n / (a / 1e9), n / (b / 1e9), a / b }'
    done
  done
} | column -t -s $'\t'
