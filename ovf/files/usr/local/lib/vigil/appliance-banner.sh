#!/bin/sh
# Waits until the console is healthy, then tells the operator where it is: on the serial console (this
# unit's output) and on the login prompt (/etc/issue.d). The boot test waits for the "Vigil console ready" line.
set -u
port=$(sed -n 's/^VIGIL_PORT=//p' /etc/vigil/vigil.env 2>/dev/null | tr -d '"')
port=${port:-8443}
ca=/var/lib/vigil/tls/ca.crt
i=0
units="postgresql vigil-ferretdb-pginit vigil-ferretdb vigil-console"
until health=$(curl -fsS --max-time 5 --cacert "$ca" "https://127.0.0.1:$port/api/health" 2>/dev/null); do
  i=$((i + 1))
  [ "$i" -le 240 ] || { echo "Vigil console did not answer /api/health within 20 minutes: journalctl -u vigil-console"; exit 1; }
  # Once a minute, where the start stands (a slow or failing start is seen without logging in).
  if [ $((i % 12)) -eq 0 ]; then
    states=""
    for unit in $units; do states="$states $unit=$(systemctl is-active "$unit.service")"; done
    echo "waiting for the Vigil console:$states"
    for unit in $units; do
      systemctl -q is-failed "$unit.service" && journalctl -q -n 5 -o cat -u "$unit.service" | sed "s/^/  $unit: /"
    done
  fi
  sleep 5
done
mkdir -p /etc/issue.d
addresses=$(ip -4 -o addr show scope global | awk '{ sub(/\/.*/, "", $4); print $4 }')
fingerprint=$(openssl x509 -in "$ca" -noout -fingerprint -sha256 | sed 's/^.*=//')
{
  echo "Vigil console ready at:"
  for address in $addresses; do echo "  https://$address:$port/"; done
  echo "Internal CA SHA-256 fingerprint: $fingerprint"
  echo "First console administrator: sudo vigil admin create --email YOU (as a system administrator: vigil_base_admin_users)"
} >/etc/issue.d/vigil.issue
echo "Vigil console ready ($health)"
cat /etc/issue.d/vigil.issue
