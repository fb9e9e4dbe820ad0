#!/usr/bin/env bash
# Draws the import graph of neardup's packages (docs/imports.svg), the
# picture in docs/design.md. Needs Graphviz's dot.
#
#   bash docs/imports.sh
set -euo pipefail
cd "$(dirname "$0")/.."
mod=$(go list -m)
{
  echo 'digraph imports {'
  echo '  rankdir=TB; node [shape=box, fontname="Helvetica", fontsize=11, style=rounded]; edge [color="#555555"];'
  go list -f '{{.ImportPath}}{{range .Imports}} {{.}}{{end}}' ./... | while read -r pkg deps; do
    p=${pkg#"$mod"/}
    echo "  \"$p\";"
    for d in $deps; do
      case $d in "$mod"/*) echo "  \"$p\" -> \"${d#"$mod"/}\";" ;; esac
    done
  done
  echo '}'
} | dot -Tsvg -o docs/imports.svg
