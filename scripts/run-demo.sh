#!/bin/sh
# `make run`: generate the demo world (once), set up the hub's organisations and users, ingest the
# demo feeds into ./var/rcx.db, and serve the web UI and API on http://127.0.0.1:8080/.
# The demo logins are written to var/demo-logins.txt (the password is random per checkout).
set -eu
cd "$(dirname "$0")/.."
rcx=build/rcx
mkdir -p var
if [ ! -f var/demo/rcx-demo.conf ]; then
  echo "== generating demo feeds in var/demo"
  "$rcx" demo generate --out var/demo
fi
export RCX_CONFIG=var/demo/rcx-demo.conf RCX_DB=var/rcx.db

if [ ! -f var/demo-logins.txt ]; then
  echo "== creating the hub, the national CERTs, a sharing group and demo users"
  pw=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  echo "$pw" | "$rcx" init --org "WB Regional Hub" --country ME --kind regional-hub --admin admin@hub.example >/dev/null
  for o in "ALCIRT AL" "CIRT.BA BA" "CERT.hr HR" "KOS-CERT XK" "CIRT.ME ME" "MKD-CIRT MK" "SRB-CERT RS"; do
    set -- $o
    "$rcx" org add "$1" --country "$2" --kind national-cert >/dev/null
  done
  "$rcx" org add "Banka Beograd" --country RS --kind oes --sector banking --parent SRB-CERT >/dev/null
  "$rcx" group add wb-certs --owner "WB Regional Hub" --description "Western Balkans national CERTs" \
    --add ALCIRT --add CIRT.BA --add CERT.hr --add KOS-CERT --add CIRT.ME --add MKD-CIRT --add SRB-CERT >/dev/null
  echo "$pw" | "$rcx" user add analyst@hub.example --org "WB Regional Hub" --role analyst >/dev/null
  echo "$pw" | "$rcx" user add analyst@srb-cert.example --org SRB-CERT --role analyst >/dev/null
  echo "$pw" | "$rcx" user add analyst@cert-hr.example --org CERT.hr --role analyst >/dev/null
  echo "$pw" | "$rcx" user add soc@banka-beograd.example --org "Banka Beograd" --role readonly >/dev/null
  printf 'admin@hub.example (node admin), analyst@hub.example, analyst@srb-cert.example,\nanalyst@cert-hr.example, soc@banka-beograd.example\npassword: %s\n' "$pw" > var/demo-logins.txt
  echo "== reporting demo incidents (rcx incident; docs/INCIDENTS.md)"
  ago() { date -u -d "-$1 hours" +%Y-%m-%dT%H:%M:%SZ; }
  echo "Staff received mails linking to hxxps://banka-beograd-login[.]example/verify; two clicked. Sender 203.0.113.45." |
    "$rcx" incident add --title "Credential phishing against bank staff" --org SRB-CERT --affected "Banka Beograd" \
      --country RS --sector banking --type phishing --severity high --tlp amber --aware-at "$(ago 30)" >/dev/null
  echo "Repeated scans of SCADA gateways from 198.51.100.23 and 198.51.100.24 (ports 502, 20000)." |
    "$rcx" incident add --title "Scanning of energy operators' OT gateways" --org CERT.hr --country HR,RS \
      --sector energy --type scanner --severity medium --tlp green --distribution group --group wb-certs --cross-border \
      --aware-at "$(ago 10)" >/dev/null
  echo "UDP and DNS query floods against the resolvers of a DNS operator, peaking at 40 Gbit/s; sources in 192.0.2.0/24." |
    "$rcx" incident add --title "DDoS on a DNS operator" --org CIRT.ME --country ME --sector digitalinfrastructure \
      --type ddos --severity high --tlp clear --distribution node --aware-at "$(ago 50)" >/dev/null
  "$rcx" incident status 3 triaged >/dev/null
  "$rcx" incident stage 3 early_warning --at "$(ago 40)" >/dev/null

fi

echo "== ingesting (re-running adds nothing: files already ingested are recognised)"
for f in var/demo/*-*-rcx-demo-geo.csv; do
  printf '%-60s ' "$(basename "$f")"
  "$rcx" --quiet ingest --format shadowserver --tlp amber --distribution group --group wb-certs "$f"
done
printf '%-60s ' feodotracker-ipblocklist.json; "$rcx" --quiet ingest --format feodo-json var/demo/feodotracker-ipblocklist.json
printf '%-60s ' feodotracker-ipblocklist.csv; "$rcx" --quiet ingest --format feodo-csv var/demo/feodotracker-ipblocklist.csv
printf '%-60s ' urlhaus.csv; "$rcx" --quiet ingest --format urlhaus-csv var/demo/urlhaus.csv
printf '%-60s ' spamhaus-drop.txt; "$rcx" --quiet ingest --format spamhaus-drop var/demo/spamhaus-drop.txt
printf '%-60s ' blocklist-ips.txt; "$rcx" --quiet ingest --format list-ip --tlp amber var/demo/blocklist-ips.txt
echo "== $("$rcx" events --count) events in var/rcx.db"
echo "== demo logins (var/demo-logins.txt):"
cat var/demo-logins.txt
echo "== serving http://127.0.0.1:8080/ (Ctrl-C stops)"
exec "$rcx" serve
