#!/usr/bin/env bash
# Peak RSS of a scan of one large document (beside one seed article),
# against the document's size: the memory a document costs in flight.
#
#   bash benchmarks/docsize.sh [MB...]      (default: 1 16 64 256)
#
# Documents are random words of a 50,000-word vocabulary in lines of 20.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
work=${WORK:-$(mktemp -d)}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1 16 64 256)
(cd "$root" && go build -o "$work/neardup" ./cmd/neardup)
echo "| document MB | peak RSS MiB (median of 3) | RSS / size | seconds |"
echo "|---|---|---|---|"
for mb in "${sizes[@]}"; do
  doc=$work/doc$mb.txt
  [ -s "$doc" ] || python3 - "$mb" "$doc" <<'PY'
import random, sys
mb, path = int(sys.argv[1]), sys.argv[2]
random.seed(mb)
w = [f"w{i}" for i in range(50000)]
with open(path, "w") as out:
    n = 0
    while n < mb * 2**20 - 200:
        line = " ".join(random.choice(w) for _ in range(20)) + ".\n"
        out.write(line)
        n += len(line)
PY
  rows=()
  for _ in 1 2 3; do
    rows+=("$( { /usr/bin/time -f "%M %e" "$work/neardup" scan -q --max-bytes 1GiB "$doc" "$root/testdata/seeds/000_a86943d9168e89d9.txt" >/dev/null; } 2>&1 | tail -1)")
  done
  printf '%s\n' "${rows[@]}" | sort -n | sed -n 2p | python3 -c "import sys; kb,s=sys.stdin.read().split(); print(f'| $mb | {int(kb)/1024:.0f} | {int(kb)/1024/$mb:.1f}× | {s} |')"
done
