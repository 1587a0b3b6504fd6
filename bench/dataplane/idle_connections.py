#!/usr/bin/env python3
"""Opens N connections that each carry one request and then stay open, idle, until stdin closes.

Usage: idle_connections.py MODE N TARGET_HOST TARGET_PORT PATH [PROXY_HOST PROXY_PORT PROXY_AUTH]
MODE: direct, connect (HTTP CONNECT through the proxy, Basic PROXY_AUTH) or socks (SOCKS5 at the proxy address).
Prints "ready N" once every connection has carried its request.
"""
import base64
import socket
import struct
import sys


def read_response(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise IOError("closed before the response head")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        body += sock.recv(65536)
    return head.split(b"\r\n")[0]


def open_one(mode, host, port, path, proxy):
    if mode == "direct":
        sock = socket.create_connection((host, port))
    elif mode == "connect":
        sock = socket.create_connection((proxy[0], proxy[1]))
        auth = base64.b64encode(proxy[2].encode()).decode()
        sock.sendall(f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                     f"Proxy-Authorization: Basic {auth}\r\n\r\n".encode())
        status = read_response(sock)
        if b" 200" not in status:
            raise IOError(status)
    else:
        sock = socket.create_connection((proxy[0], proxy[1]))
        sock.sendall(b"\x05\x01\x00")
        sock.recv(2)
        name = host.encode()
        sock.sendall(b"\x05\x01\x00\x03" + bytes([len(name)]) + name + struct.pack(">H", port))
        reply = sock.recv(10)
        if reply[1] != 0:
            raise IOError("socks refused")
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    read_response(sock)
    return sock


def main():
    mode, count, host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
    proxy = (sys.argv[6], int(sys.argv[7]), sys.argv[8] if len(sys.argv) > 8 else "") if mode != "direct" else None
    sockets = [open_one(mode, host, port, path, proxy) for _ in range(count)]
    print(f"ready {len(sockets)}", flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
