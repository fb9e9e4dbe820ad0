#!/usr/bin/env bash
# An index grown in two runs, as nightly jobs grow one: N generated
# articles added to a fresh bbolt index, then N more added to it; the
# time, the peak anonymous memory (RssAnon: the mapped index file aside)
# and the file's size after each, then index compact's before and after.
#
#   bash benchmarks/index-growth.sh [N]        (default: 1000000)
#
# GOMEMLIMIT is 1800MiB unless set, as for the scan's million.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shared=${SHARED:-$root/../shared}
work=${WORK:-$(mktemp -d)}
n=${1:-1000000}
export GOMEMLIMIT=${GOMEMLIMIT:-1800MiB}
(cd "$root" && go build -o "$work/neardup" ./cmd/neardup)
(cd "$here" && go build -o "$work/gencorpus" ./cmd/gencorpus)
all=$work/grow$n.jsonl
[ -s "$all" ] || "$work/gencorpus" -n $((2 * n)) -vocab "$shared/corpora/reuters21578/docs.jsonl" -o "$all" -truth "$work/grow$n.tsv" 2>/dev/null
head -n "$n" "$all" > "$work/first.jsonl"
tail -n "$n" "$all" > "$work/second.jsonl"
db=$work/grow.idx
rm -f "$db"
# rssanon CMD... runs CMD, polling /proc for its RssAnon, and prints
# "seconds peak-MiB".
rssanon() {
  python3 - "$@" <<'PY'
import subprocess, sys, time
t = time.time()
p = subprocess.Popen(sys.argv[1:])
peak = 0
while p.poll() is None:
    try:
        for line in open(f"/proc/{p.pid}/status"):
            if line.startswith("RssAnon:"):
                peak = max(peak, int(line.split()[1]))
    except FileNotFoundError:
        pass
    time.sleep(0.05)
if p.returncode:
    sys.exit(p.returncode)
print(f"{time.time() - t:.1f} {peak / 1024:.0f}")
PY
}
echo "| run | articles in the index before | s | articles/s | RssAnon peak MiB | pairs reported | file MiB after |"
echo "|---|---|---|---|---|---|---|"
before=0
for part in first second; do
  read -r s peak < <(rssanon "$work/neardup" index add -q --db "$db" --format csv -o "$work/$part.csv" "$work/$part.jsonl")
  pairs=$(($(wc -l < "$work/$part.csv") - 1))
  python3 -c "import os; print(f'| $part | {$before:,} | $s | {$n/$s:,.0f} | $peak | {$pairs:,} | {os.path.getsize(\"$db\")/2**20:,.0f} |')"
  before=$n
done
echo
"$work/neardup" index compact --db "$db"
