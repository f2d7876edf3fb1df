#!/usr/bin/env python3
"""Runs on the load balancer (as root) during upgrade-two-nodes.sh: every --interval seconds reads `show stat`
from HAProxy's admin socket and writes to --out one line per change of a server's status
("<UTC time> <server> <status>", e.g. UP, MAINT, DRAIN, DOWN, "UP 1/2"; with the last check's status, time and
description when not UP), plus the servers' counters at the start
and at the end ("# counters …"). Stops when the file --stop exists.
"""
import argparse
import csv
import datetime
import io
import os
import socket
import time

parser = argparse.ArgumentParser()
parser.add_argument("--socket", default="/run/haproxy/admin.sock")
parser.add_argument("--backend", default="vigil_console")
parser.add_argument("--interval", type=float, default=0.5)
parser.add_argument("--out", required=True)
parser.add_argument("--stop", required=True)
args = parser.parse_args()
COUNTERS = ("status", "check_status", "check_duration", "last_chk", "chkfail", "chkdown", "downtime", "econ", "eresp", "wretr", "wredis", "stot")


def servers():
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(args.socket)
        sock.sendall(b"show stat\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    rows = csv.DictReader(io.StringIO(data.decode().lstrip("# ")))
    return {row["svname"]: row for row in rows if row["pxname"] == args.backend and row["svname"] not in ("FRONTEND", "BACKEND")}


def stamp():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%H:%M:%S.%f")[:-3]


def counters(out, label):
    for name, row in sorted(servers().items()):
        out.write(f"# counters {label} {name} " + " ".join(f"{key}={row.get(key, '')!r}" for key in COUNTERS) + "\n")


with open(args.out, "w", buffering=1) as out:
    counters(out, "start")
    last = {}
    seconds = {}  # (server, status) -> seconds spent in it
    none_up = 0.0  # seconds during which no server was UP
    previous = time.monotonic()
    while not os.path.exists(args.stop):
        try:
            for name, row in servers().items():
                if last.get(name) != row["status"]:
                    # With the last check's result and time (e.g. L4TOUT 5001 ms) when it is not plainly UP.
                    check = "" if row["status"] == "UP" else f" check={row.get('check_status', '')} {row.get('check_duration', '')} ms {row.get('check_desc', '')}".rstrip()
                    out.write(f"{stamp()} {name} {row['status']}{check}\n")
                    last[name] = row["status"]
        except OSError as error:  # HAProxy reloading: the socket is back a moment later
            out.write(f"{stamp()} # socket: {error}\n")
        time.sleep(args.interval)
        now = time.monotonic()
        for name, status in last.items():
            seconds[(name, status)] = seconds.get((name, status), 0.0) + now - previous
        if last and not any(status == "UP" for status in last.values()):
            none_up += now - previous
        previous = now
    counters(out, "end")
    for name in sorted(last):
        spent = ", ".join(f"{status} {secs:.1f} s" for (server, status), secs in sorted(seconds.items()) if server == name)
        out.write(f"# time in status {name}: {spent}\n")
    out.write(f"# time with no server UP: {none_up:.1f} s\n")
