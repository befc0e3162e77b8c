#!/usr/bin/env python3
"""The Linux side of vtoe's LinuxPeer: runs inside a network namespace of its own (started as
`unshare -n python3 linuxpeer.py ...` by vtoe.model.linux.TapBridge), creates a TAP device there,
gives it the peer's address, MAC and a static ARP entry for the adapter, and runs the receiving
application: it accepts connections, reads each to EOF and reports the SHA-256 and byte count of
what its socket delivered.

Frames cross the pipe to the JVM as messages: one type byte, a 4-byte big-endian length, the body.
  JVM -> here: F frame for the TAP, S counters request, G let the readers read (with --read-gate), Q quit
  here -> JVM: H hello (JSON), F frame the kernel sent, R a socket's result (JSON), S counters (JSON),
               E error (text), X ready to quit
Nothing outlives this process: the namespace and its TAP disappear with it, and it ends when its
stdin closes (the JVM ended, whatever way), so a crashed run leaves nothing behind.
"""
import argparse
import fcntl
import hashlib
import json
import os
import socket
import struct
import subprocess
import sys
import threading

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000

out_lock = threading.Lock()
out = sys.stdout.buffer


def send(kind, body):
    with out_lock:
        out.write(kind + struct.pack(">I", len(body)) + body)
        out.flush()


def send_json(kind, obj):
    send(kind, json.dumps(obj).encode())


def read_exact(f, n):
    buf = b""
    while len(buf) < n:
        chunk = f.read(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def sh(*args):
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(" ".join(args) + " failed: " + (r.stderr or r.stdout).strip())


def write_sysctl(path, value):
    with open("/proc/sys/" + path, "w") as f:
        f.write(value)


def counters():
    """/proc/net/snmp and /proc/net/netstat of this namespace, as {"Tcp": {...}, "TcpExt": {...}, ...}."""
    res = {}
    for name in ("/proc/net/snmp", "/proc/net/netstat"):
        with open(name) as f:
            lines = f.read().splitlines()
        for head, vals in zip(lines[0::2], lines[1::2]):
            group, keys = head.split(":", 1)
            _, values = vals.split(":", 1)
            res[group] = dict(zip(keys.split(), (int(v) for v in values.split())))
    return res


go = threading.Event()


def serve(conn, addr):
    h = hashlib.sha256()
    n = 0
    try:
        go.wait()  # with --read-gate, a reader that waits for the JVM's word: the kernel's buffer fills, its window closes
        while True:
            b = conn.recv(1 << 16)
            if not b:
                break
            h.update(b)
            n += len(b)
        send_json(b"R", {"peer": addr[0], "port": addr[1], "bytes": n, "sha256": h.hexdigest(), "error": None})
    except OSError as e:
        send_json(b"R", {"peer": addr[0], "port": addr[1], "bytes": n, "sha256": h.hexdigest(), "error": str(e)})
    finally:
        conn.close()  # the kernel sends its FIN


def accept_loop(lsock):
    while True:
        try:
            conn, addr = lsock.accept()
        except OSError:
            return
        threading.Thread(target=serve, args=(conn, addr), daemon=True).start()


def tap_reader(fd):
    while True:
        try:
            frame = os.read(fd, 65536)
        except OSError as e:
            send(b"E", ("reading the TAP failed: " + str(e)).encode())
            return
        if frame:
            send(b"F", frame)


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--dev", default="vtoe0")
    a.add_argument("--mac", required=True)
    a.add_argument("--addr", required=True, help="address/prefix of the peer on the TAP")
    a.add_argument("--neigh-ip", required=True)
    a.add_argument("--neigh-mac", required=True)
    a.add_argument("--port", type=int, required=True)
    a.add_argument("--forward", action="store_true", help="route (answers unroutable frames with ICMP)")
    a.add_argument("--read-gate", action="store_true", help="readers wait for the JVM's G message before they read")
    args = a.parse_args()
    try:
        # No IPv6 (router solicitations, DAD) on the TAP: the adapter speaks IPv4 only.
        write_sysctl("net/ipv6/conf/default/disable_ipv6", "1")
        write_sysctl("net/ipv6/conf/all/disable_ipv6", "1")
        fd = os.open("/dev/net/tun", os.O_RDWR)
        fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", args.dev.encode(), IFF_TAP | IFF_NO_PI))
        sh("ip", "link", "set", "lo", "up")
        sh("ip", "link", "set", args.dev, "address", args.mac, "mtu", "1500")
        sh("ip", "addr", "add", args.addr, "dev", args.dev)
        sh("ip", "link", "set", args.dev, "up")
        sh("ip", "neigh", "replace", args.neigh_ip, "lladdr", args.neigh_mac, "dev", args.dev, "nud", "permanent")
        write_sysctl("net/ipv4/ip_forward", "1" if args.forward else "0")
        lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lsock.bind((args.addr.split("/")[0], args.port))
        lsock.listen(64)
        ns = os.readlink("/proc/self/ns/net")
        send_json(b"H", {"pid": os.getpid(), "netns": ns, "dev": args.dev, "kernel": os.uname().release})
    except Exception as e:  # any setup failure is one message the JVM shows as it is
        send(b"E", ("setting up the namespace failed: " + str(e)).encode())
        return 2
    if not args.read_gate:
        go.set()
    threading.Thread(target=accept_loop, args=(lsock,), daemon=True).start()
    threading.Thread(target=tap_reader, args=(fd,), daemon=True).start()
    stdin = sys.stdin.buffer
    while True:
        head = read_exact(stdin, 5)
        if head is None:
            return 0  # the JVM is gone
        kind, n = head[:1], struct.unpack(">I", head[1:])[0]
        body = read_exact(stdin, n) if n else b""
        if body is None:
            return 0
        if kind == b"F":
            try:
                os.write(fd, body)
            except OSError as e:
                send(b"E", ("writing a frame of " + str(len(body)) + " bytes to the TAP failed: " + str(e)).encode())
        elif kind == b"G":
            go.set()
        elif kind == b"S":
            send_json(b"S", counters())
        elif kind == b"Q":
            send(b"X", b"")
            return 0


if __name__ == "__main__":
    sys.exit(main())
