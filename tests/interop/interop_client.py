#!/usr/bin/env python3
"""A second implementation of the Quartier client protocol, written only from
proto/PROTOCOL.md and proto/quartier.proto with Google's Python protobuf
runtime and Python's ssl module.  It proves the protocol description is
enough to talk to quartierd without libquartier.

Usage: interop_client.py --pb-dir DIR --host H --port P --ca FILE --login L
       (password on stdin).  Exits 0 after listing projects.
"""
import argparse
import socket
import ssl
import struct
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pb-dir", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--ca", required=True)
    ap.add_argument("--login", required=True)
    args = ap.parse_args()
    sys.path.insert(0, args.pb_dir)
    import quartier_pb2 as pb

    password = sys.stdin.readline().rstrip("\n")
    ctx = ssl.create_default_context(cafile=args.ca)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    sock = ctx.wrap_socket(socket.create_connection((args.host, args.port), timeout=10),
                           server_hostname=args.host)

    def send(env):
        data = env.SerializeToString()
        sock.sendall(struct.pack(">I", len(data)) + data)

    def recv_exact(n):
        buf = b""
        while len(buf) < n:
            chunk = sock.recv(n - len(buf))
            if not chunk:
                raise SystemExit("server closed the connection")
            buf += chunk
        return buf

    def recv():
        (n,) = struct.unpack(">I", recv_exact(4))
        env = pb.Envelope()
        env.ParseFromString(recv_exact(n))
        return env

    def call(req_id, **body):
        env = pb.Envelope()
        env.request.id = req_id
        for k, v in body.items():
            getattr(env.request, k).CopyFrom(v)
        send(env)
        while True:
            resp = recv()
            kind = resp.WhichOneof("kind")
            if kind == "ping":
                pong = pb.Envelope()
                pong.pong.nonce = resp.ping.nonce
                send(pong)
                continue
            if kind == "goodbye":
                raise SystemExit("goodbye: %s" % resp.goodbye.error.message)
            if kind == "response" and resp.response.id == req_id:
                if resp.response.HasField("error"):
                    e = resp.response.error
                    raise SystemExit("error %d: %s (field %s)" % (e.status, e.message, e.field))
                return resp.response

    hello = pb.Envelope()
    hello.hello.protocol_version = 1
    hello.hello.client_name = "interop-python"
    hello.hello.client_instance_id = "interop-1"
    send(hello)
    welcome = recv()
    if welcome.WhichOneof("kind") != "welcome":
        raise SystemExit("expected welcome, got %s" % welcome.WhichOneof("kind"))
    print("server:", welcome.welcome.server_name)

    login = pb.LoginRequest(login=args.login, password=password)
    r = call(1, login=login)
    print("logged in as", r.login.account.login, "token length", len(r.login.token))

    r = call(2, project_list=pb.ProjectListRequest(page_size=100))
    for p in r.project_list.projects:
        print("%d\t%s\t%s" % (p.id, p.name, pb.ProjectStatus.Name(p.status)))
    if not r.project_list.projects:
        raise SystemExit("no projects listed")
    sock.close()


if __name__ == "__main__":
    main()
