#!/bin/sh
# Golden-file runner: for every tests/golden/cases/NAME.args, run each of its lines as an rcx command
# line (fresh database per case, clock pinned by RCX_NOW) and compare everything printed to stdout with
# NAME.out. In an .args line "@CASES@" is the cases directory and "@TMP@" a scratch directory of the
# case (written back as "@TMP@" in the output). Adding a case = adding two files.
# RCX_GOLDEN_UPDATE=1 rewrites the .out files from the current output (review the diff before committing).
set -u
rcx=$1
cases=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export RCX_NOW=2026-01-01T00:00:00Z
unset RCX_CONFIG RCX_DB
fail=0 n=0
for args in "$cases"/*.args; do
  [ -f "$args" ] || continue
  name=$(basename "$args" .args)
  n=$((n + 1))
  db="$tmp/$name.db"
  out="$tmp/$name.out"
  scratch="$tmp/$name.d"
  mkdir -p "$scratch"
  : > "$out"
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in ''|'#'*) continue ;; esac
    line=$(printf '%s' "$line" | sed -e "s|@CASES@|$cases|g" -e "s|@TMP@|$scratch|g")
    status=0
    (cd "$cases" && eval "\"$rcx\" --db \"$db\" $line") > "$tmp/cmd.out" 2>> "$tmp/$name.err" || status=$?
    sed "s|$scratch|@TMP@|g" "$tmp/cmd.out" >> "$out"
    [ "$status" = 0 ] || echo "[exit $status]" >> "$out"
  done < "$args"
  if [ "${RCX_GOLDEN_UPDATE:-}" = 1 ]; then
    cp "$out" "$cases/$name.out"
  elif ! diff -u "$cases/$name.out" "$out"; then
    echo "golden: $name differs (stderr follows)"; cat "$tmp/$name.err"
    fail=$((fail + 1))
  fi
done
echo "golden: $n cases, $fail failed"
[ "$fail" -eq 0 ]
