#!/usr/bin/env python3
"""Asks the console's /api/health through the load balancer every --interval seconds, one new TLS connection
per request (verified against --ca for --name), until SIGTERM/SIGINT; then prints a JSON summary.

Each request is one line of --log: "<UTC time> ok|FAIL <HTTP status or -> <version or -> <ms> <detail>".
A check fails when it raises, times out (--timeout), answers another status than 200 or a body without
{"status": "ok"}. Used by upgrade-two-nodes.sh while upgrade.yml runs.
"""
import argparse
import datetime
import http.client
import json
import signal
import ssl
import time

parser = argparse.ArgumentParser()
parser.add_argument("--address", default="127.0.0.1")
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--name", required=True, help="TLS server name (SNI, certificate check, Host header)")
parser.add_argument("--ca", required=True)
parser.add_argument("--interval", type=float, default=0.25)
parser.add_argument("--timeout", type=float, default=5.0)
parser.add_argument("--log", required=True)
args = parser.parse_args()

context = ssl.create_default_context(cafile=args.ca)
running = True


def stop(_signum, _frame):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)


class NamedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to --address but presents --name (SNI and certificate check), as a browser resolving it would."""

    def connect(self):
        http.client.HTTPConnection.connect(self)
        self.sock = self._context.wrap_socket(self.sock, server_hostname=args.name)


def check():
    conn = NamedHTTPSConnection(args.address, args.port, timeout=args.timeout, context=context)
    try:
        conn.request("GET", "/api/health", headers={"Host": args.name, "Connection": "close"})
        response = conn.getresponse()
        body = response.read()
        try:
            payload = json.loads(body)
        except ValueError:
            payload = {}
        ok = response.status == 200 and payload.get("status") == "ok"
        return ok, str(response.status), str(payload.get("version", "-")), "" if ok else body[:120].decode("utf8", "replace")
    except Exception as error:  # every failure counts, whatever it is
        return False, "-", "-", f"{type(error).__name__}: {error}".replace("\n", " ")
    finally:
        conn.close()


total = failed = 0
versions = {}
failures = []
last_ok = None
longest_gap = 0.0
started = time.time()
with open(args.log, "a", buffering=1) as log:
    while running:
        t0 = time.time()
        ok, status, version, detail = check()
        elapsed_ms = (time.time() - t0) * 1000
        stamp = datetime.datetime.fromtimestamp(t0, datetime.timezone.utc).strftime("%H:%M:%S.%f")[:-3]
        log.write(f"{stamp} {'ok' if ok else 'FAIL'} {status} {version} {elapsed_ms:.0f} {detail}\n")
        total += 1
        if ok:
            versions[version] = versions.get(version, 0) + 1
            if last_ok is not None:
                longest_gap = max(longest_gap, t0 - last_ok)
            last_ok = t0
        else:
            failed += 1
            failures.append(f"{stamp} {status} {detail}")
        time.sleep(max(0.0, args.interval - (time.time() - t0)))

print(json.dumps({
    "checks": total,
    "failed": failed,
    "seconds": round(time.time() - started, 1),
    "okByVersion": versions,
    "longestGapBetweenOkSeconds": round(longest_gap, 2),
    "firstFailures": failures[:10],
}))
