#!/usr/bin/env bash
# Index benchmarks: add rate and check latency with bbolt and Redis.
#
#   bash benchmarks/index.sh [sizes...]      (default: 10000 100000)
#   STORES=redis bash benchmarks/index.sh ... (only one store: bolt or redis)
#
# For each size N: generate N+1000 articles (kept in $WORK for reruns), add N to a fresh bbolt index
# (timed), check the other 1,000 (timed; per-document latency = time/1000),
# and report the file size. Then four concurrent "index add" processes of
# N/4 articles each into one Redis index on a loopback redis-server,
# timed, checked for completeness and against a batch scan, and the same
# 1,000 articles checked against it (timed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shared=${SHARED:-$root/../shared}
work=${WORK:-$(mktemp -d)}
stores=${STORES:-bolt redis}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
(cd "$root" && go build -o "$work/neardup" ./cmd/neardup)
(cd "$here" && go build -o "$work/gencorpus" ./cmd/gencorpus)
nd=$work/neardup
now() { date +%s.%N; }

for n in "${sizes[@]}"; do
  [ -s "$work/all$n.jsonl" ] || "$work/gencorpus" -n $((n + 1000)) -vocab "$shared/corpora/reuters21578/docs.jsonl" -o "$work/all$n.jsonl" -truth "$work/all$n.tsv" 2>/dev/null
  head -n "$n" "$work/all$n.jsonl" > "$work/base$n.jsonl"
  tail -n 1000 "$work/all$n.jsonl" > "$work/new$n.jsonl"
done

if [[ " $stores " == *" bolt "* ]]; then
echo "| store | indexed | add s | docs/s | add peak RSS MiB | check 1,000 s | ms per checked doc | index MiB |"
echo "|---|---|---|---|---|---|---|---|"
# rss CMD... runs CMD and prints its peak resident set in KiB (getrusage).
rss() { python3 -c 'import resource,subprocess,sys; subprocess.run(sys.argv[1:], check=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"; }
for n in "${sizes[@]}"; do
  db=$work/b$n.idx; rm -f "$db"
  t0=$(now); kb=$(rss "$nd" index add -q --db "$db" --format csv -o /dev/null "$work/base$n.jsonl"); t1=$(now)
  "$nd" check -q --db "$db" --format csv -o /dev/null "$work/new$n.jsonl"; t2=$(now)
  python3 -c "import os;n=$n;a=$t1-$t0;c=$t2-$t1;print(f'| bbolt | {n} | {a:.1f} | {n/a:.0f} | {$kb/1024:.0f} | {c:.2f} | {c:.2f} | {os.path.getsize(\"$db\")/2**20:.0f} |')"
done
fi

if [[ " $stores " == *" redis "* ]] && command -v redis-server >/dev/null; then
  port=$((20000 + RANDOM % 10000))
  redis-server --port $port --bind 127.0.0.1 --save "" --appendonly no --dir "$work" --daemonize yes --pidfile "$work/redis.pid" >/dev/null
  trap 'kill $(cat "$work/redis.pid") 2>/dev/null || true' EXIT
  sleep 0.5
  echo
  echo "| Redis, 4 concurrent writers | documents | add s (all four) | docs/s | present after | pairs equal to a batch scan | check 1,000 s | ms per checked doc | redis-server used_memory MiB |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for n in "${sizes[@]}"; do
    db=redis://127.0.0.1:$port/$(( ${#n} ))
    q=$((n / 4))
    for p in 0 1 2 3; do sed -n "$((p * q + 1)),$(((p + 1) * q))p" "$work/base$n.jsonl" > "$work/part$n.$p.jsonl"; done
    t0=$(now)
    for p in 0 1 2 3; do "$nd" index add -q --db "$db" --format csv -o /dev/null "$work/part$n.$p.jsonl" & done
    wait
    t1=$(now)
    present=$("$nd" index stats --db "$db" --format json | python3 -c 'import json,sys;print(json.load(sys.stdin)["documents"])')
    "$nd" index pairs --db "$db" --format csv -o "$work/rpairs$n.csv"
    "$nd" scan -q --format csv -o "$work/spairs$n.csv" "$work/base$n.jsonl"
    same=no; cmp -s "$work/rpairs$n.csv" "$work/spairs$n.csv" && same="yes ($(($(wc -l < "$work/spairs$n.csv") - 1)) pairs)"
    c0=$(now); "$nd" check -q --db "$db" --format csv -o /dev/null "$work/new$n.jsonl"; c1=$(now)
    mem=$(redis-cli -p $port info memory 2>/dev/null | sed -n 's/^used_memory:\([0-9]*\).*/\1/p')
    python3 -c "n=$n;a=$t1-$t0;m='${mem:-}';c=$c1-$c0;print(f'| Redis | {n} | {a:.1f} | {n/a:.0f} | {$present} | $same | {c:.2f} | {c:.2f} | ' + (f'{int(m)/2**20:.0f} |' if m else '? |'))"
  done
fi
