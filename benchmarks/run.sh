#!/usr/bin/env bash
# Corpus-scale runs: neardup against the ekzhu/minhash-lsh peer and wc -w
# on Reuters-21578, then generated corpora of growing size with planted
# syndication, scored by neardup eval. Prints Markdown tables.
#
#   bash benchmarks/run.sh [sizes...]     (default sizes: 10000 100000)
#   PREV=/path/to/older/neardup bash benchmarks/run.sh   (its Reuters rows too,
#                                                           in the same rounds)
#
# Needs ../shared beside the repository. Writes work files to $WORK
# (default: a temporary directory).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shared=${SHARED:-$root/../shared}
work=${WORK:-$(mktemp -d)}
runs=${RUNS:-5}
# A soft memory limit for the Go runtime: the garbage collector works
# harder near it instead of letting the heap double.
export GOMEMLIMIT=${GOMEMLIMIT:-1800MiB}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)

(cd "$root" && go build -o "$work/neardup" ./cmd/neardup)
(cd "$here" && go build -o "$work/ekzhuscan" ./cmd/ekzhuscan && go build -o "$work/gencorpus" ./cmd/gencorpus && go build -o "$work/harness" ./cmd/harness)

reuters=$shared/corpora/reuters21578/docs.jsonl
echo "Reuters-21578 ($(du -h "$reuters" | cut -f1)), $(nproc) cores, $(date -u +%F), median of $runs rounds, GOMEMLIMIT=$GOMEMLIMIT"
echo
echo "| program | median s | min s | max s | peak RSS MiB | user s | sys s |"
echo "|---|---|---|---|---|---|---|"
# In rounds: every program meets the same moments of the machine's load.
labels=(-label "wc -w (floor)" -label "ekzhu/minhash-lsh program (documents only)"
  -label "neardup scan (default: text report)" -label "neardup scan --format csv" -label "neardup scan --format json")
cmds=(wc -w "$reuters" :::
  "$work/ekzhuscan" -id-field doc_id "$reuters" :::
  "$work/neardup" scan -q --id-field doc_id -o "$work/discard" "$reuters" :::
  "$work/neardup" scan -q --id-field doc_id --format csv -o "$work/discard" "$reuters" :::
  "$work/neardup" scan -q --id-field doc_id --format json -o "$work/discard" "$reuters")
if [ -n "${PREV:-}" ]; then
  labels+=(-label "previous binary: text report" -label "previous binary: --format csv")
  cmds+=(::: "$PREV" scan -q --id-field doc_id -o "$work/discard" "$reuters" :::
    "$PREV" scan -q --id-field doc_id --format csv -o "$work/discard" "$reuters")
fi
"$work/harness" -runs "$runs" "${labels[@]}" -- "${cmds[@]}"

echo
echo "Generated corpora (gencorpus, vocabulary and lengths of Reuters; 2% copies, 2% shared paragraphs, 20% boilerplate)"
echo
echo "| articles | MB | median s | peak RSS MiB | planted pairs | recall copies | recall paragraphs | precision |"
echo "|---|---|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  c=$work/gen$n.jsonl t=$work/gen$n.tsv
  "$work/gencorpus" -n "$n" -vocab "$reuters" -o "$c" -truth "$t" 2>/dev/null
  row=$("$work/harness" -runs "${GEN_RUNS:-3}" -label x -- "$work/neardup" scan -q --format json -o "$work/gen$n.json" "$c")
  rm -f "$c.gz"
  med=$(echo "$row" | cut -d'|' -f3) rss=$(echo "$row" | cut -d'|' -f6)
  ev=$("$work/neardup" eval --truth "$t" --class-column kind --complete --format json "$work/gen$n.json")
  python3 - "$n" "$(du -m "$c" | cut -f1)" "$med" "$rss" "$ev" <<'PY'
import json, sys
n, mb, med, rss, ev = sys.argv[1:]
m = json.loads(ev)
rate = {c["class"]: c["rate"] for c in m["by_class"]}
print(f"| {n} | {mb} | {med.strip()} | {rss.strip()} | {m['positives']} | {rate.get('copy', 0):.4f} | {rate.get('paragraphs', 0):.4f} | {m['precision']:.4f} |")
PY
done
