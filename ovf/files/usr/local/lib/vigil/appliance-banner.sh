#!/bin/sh
# Waits until the console is healthy, then tells the operator where it is: on the serial console and on the
# login prompt (/etc/issue.d). The boot test waits for the "Vigil console ready" line.
# While no account exists, the console keeps a one-time admin setup token in <data dir>/setup-token; it is shown
# too, but only on the console and in a root-only issue file: stdout is the console (TTYPath=/dev/console),
# stderr the journal, and the token never goes to the journal. vigil-appliance-banner.path runs this again
# whenever the token file changes (a new token, or the token used up).
set -u
# A line for the console and the journal.
say() {
  printf '%s\n' "$*"
  printf '%s\n' "$*" >&2
}
env_file=/etc/vigil/vigil.env
setting() { sed -n "s/^$1=//p" "$env_file" 2>/dev/null | tr -d '"'; }
port=$(setting VIGIL_PORT)
port=${port:-8443}
data_dir=$(setting VIGIL_DATA_DIR)
data_dir=${data_dir:-/var/lib/vigil}
ca=$data_dir/tls/ca.crt
token_file=$data_dir/setup-token
token_issue=/etc/issue.d/vigil-setup-token.issue
i=0
units="postgresql vigil-ferretdb-pginit vigil-ferretdb vigil-console"
until health=$(curl -fsS --max-time 5 --cacert "$ca" "https://127.0.0.1:$port/api/health" 2>/dev/null); do
  i=$((i + 1))
  [ "$i" -le 240 ] || { say "Vigil console did not answer /api/health within 20 minutes: journalctl -u vigil-console"; exit 1; }
  # Once a minute, where the start stands (a slow or failing start is seen without logging in).
  if [ $((i % 12)) -eq 0 ]; then
    states=""
    for unit in $units; do states="$states $unit=$(systemctl is-active "$unit.service")"; done
    say "waiting for the Vigil console:$states"
    for unit in $units; do
      systemctl -q is-failed "$unit.service" && say "$(journalctl -q -n 5 -o cat -u "$unit.service" | sed "s/^/  $unit: /")"
    done
  fi
  sleep 5
done
mkdir -p /etc/issue.d
addresses=$(ip -4 -o addr show scope global | awk '{ sub(/\/.*/, "", $4); print $4 }')
fingerprint=$(openssl x509 -in "$ca" -noout -fingerprint -sha256 | sed 's/^.*=//')
{
  for address in $addresses; do echo "Vigil console ready at: https://$address:$port/"; done
  echo "Internal CA SHA-256 fingerprint: $fingerprint"
} >/etc/issue.d/vigil.issue
say "Vigil console ready ($health)"
say "$(cat /etc/issue.d/vigil.issue)"

token=$(cat "$token_file" 2>/dev/null)
if [ -n "$token" ]; then
  # Root-only: agetty (root) shows it at the login prompt; nobody else on the machine reads it.
  rm -f "$token_issue"
  (
    umask 077
    {
      echo "One-time admin setup token: $token"
      for address in $addresses; do echo "  create the first administrator at https://$address:$port/setup with it"; done
      echo "  (or on this host: sudo vigil admin create --email YOU; sudo vigil admin setup-token prints the token)"
    } >"$token_issue"
  )
  cat "$token_issue"
  echo "One-time admin setup token: shown on the console and the login prompt (sudo vigil admin setup-token prints it)" >&2
else
  rm -f "$token_issue"
  say "First console administrator: set up already (more accounts: Settings > Users, or sudo vigil admin create --email YOU)"
fi
# Login prompts already on screen show the new issue files now, not after the next Enter.
agetty --reload 2>/dev/null || true
