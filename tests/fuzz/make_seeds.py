#!/usr/bin/python3
"""Writes the seed corpus of the fuzz targets (tests/fuzz/corpus/<target>/).

The seeds are checked in; run this again only when proto/quartier.proto
gains messages:  /usr/bin/python3 tests/fuzz/make_seeds.py
It compiles quartier.proto with Google's protoc into a temporary directory
and needs Debian's python3 with python3-protobuf (and protobuf-compiler).

  frame     limit (2 bytes) + cutting mode (1 byte) + a stream of frames
  envelope  one Envelope payload of each kind
  dispatch  actor byte + an Envelope carrying one Request of each body
            type, once with every field filled plausibly and once with the
            required fields only
"""
import importlib
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")


def load_pb():
    out = tempfile.mkdtemp(prefix="quartier-seeds.")
    subprocess.run(["protoc", "--proto_path=" + os.path.join(ROOT, "proto"),
                    "--python_out=" + out, "quartier.proto"], check=True)
    sys.path.insert(0, out)
    return importlib.import_module("quartier_pb2")


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def frame(payload):
    return struct.pack(">I", len(payload)) + payload


# ------------------------------------------------------------ field values

def text_for(name):
    if "date" in name or name.endswith("_on") or name in ("due", "from", "until"):
        return "2024-03-01"
    if "email" in name:
        return "quartier@stuttgart.example"
    if "phone" in name:
        return "+49 711 216-0"
    if "password" in name:
        return "correct horse battery staple"
    if name == "login":
        return "admin"
    if name in ("token", "epoch"):
        return "0123456789abcdef0123456789abcdef"
    if "amount" in name or "value" in name or "target" in name:
        return "12.5"
    return "Heslach Süd"


def fill(msg, required_only, depth=0):
    fd = msg.DESCRIPTOR
    for f in fd.fields:
        if required_only and f.label != f.LABEL_REQUIRED:
            continue
        if f.containing_oneof is not None and f.type == f.TYPE_MESSAGE:
            continue  # oneof members are chosen by the caller
        repeated = f.label == f.LABEL_REPEATED
        if f.type == f.TYPE_MESSAGE:
            if depth > 3:
                continue
            if repeated:
                fill(getattr(msg, f.name).add(), required_only, depth + 1)
            else:
                fill(getattr(msg, f.name), required_only, depth + 1)
                getattr(msg, f.name).SetInParent()
            continue
        if f.type == f.TYPE_ENUM:
            values = f.enum_type.values
            v = values[1].number if len(values) > 1 else values[0].number
        elif f.type == f.TYPE_BOOL:
            v = True
        elif f.type == f.TYPE_STRING:
            v = text_for(f.name)
        elif f.type == f.TYPE_BYTES:
            v = b"\x01\x02"
        elif f.type in (f.TYPE_DOUBLE, f.TYPE_FLOAT):
            v = 1.5
        elif "amount" in f.name:
            v = 12345
        elif "page" in f.name or "limit" in f.name:
            v = 10
        else:
            v = 1
        if repeated:
            getattr(msg, f.name).extend([v, v] if f.type != f.TYPE_STRING else [v])
        else:
            setattr(msg, f.name, v)


def main():
    pb = load_pb()

    # frame: limit, mode, stream
    hello = pb.Envelope()
    hello.hello.protocol_version = 1
    hello.hello.client_name = "quartier-cli/0.1"
    hello.hello.client_instance_id = "seed"
    h = hello.SerializeToString()
    streams = {
        "two_frames_want": (8192, 1, frame(h) + frame(b"\x32\x00")),
        "two_frames_cut": (8192, 6, frame(h) + frame(b"\x32\x00")),
        "truncated_payload": (8192, 0, frame(h)[:-3]),
        "truncated_header": (8192, 4, b"\x00\x00"),
        "zero_length": (8192, 2, frame(b"x") + b"\x00\x00\x00\x00"),
        "over_limit": (16, 8, frame(b"x" * 17)),
        "big_split": (4096, 10, frame(bytes(range(256)) * 12)),
    }
    for name, (limit, mode, data) in streams.items():
        write("frame", name, struct.pack(">HB", limit - 1, mode) + data)

    # envelope: one of each kind
    kinds = pb.Envelope.DESCRIPTOR.oneofs_by_name["kind"].fields
    for f in kinds:
        env = pb.Envelope()
        fill(getattr(env, f.name), False)
        getattr(env, f.name).SetInParent()
        write("envelope", f.name, env.SerializeToString())
    env = pb.Envelope()
    env.response.id = 9
    env.response.error.status = pb.STATUS_INVALID_ARGUMENT
    env.response.error.message = "name is too long"
    env.response.error.field = "project.name"
    write("envelope", "response_error", env.SerializeToString())

    # dispatch: actor byte + request envelope, every body type
    bodies = pb.Request.DESCRIPTOR.oneofs_by_name["body"].fields
    actors = {"admin": 0x09, "office": 0x0a, "coordinator": 0x0b, "viewer": 0x0c,
              "district_head": 0x0d, "anonymous": 0x00, "admin_instance": 0x19}
    for i, f in enumerate(bodies):
        for required_only in (False, True):
            env = pb.Envelope()
            env.request.id = i + 1
            fill(getattr(env.request, f.name), required_only)
            getattr(env.request, f.name).SetInParent()
            actor = list(actors.values())[i % len(actors)]
            name = f.name + ("_required" if required_only else "")
            write("dispatch", name, bytes([actor]) + env.SerializeToString())
    env = pb.Envelope()
    env.request.id = 1
    env.request.mutation_seq = 5
    fill(env.request.project_update, False)
    write("dispatch", "project_update_mutation", bytes([actors["admin_instance"]]) +
          env.SerializeToString())
    env = pb.Envelope()
    env.request.id = 2
    fill(env.request.login, False)
    write("dispatch", "login_anonymous", bytes([0]) + env.SerializeToString())


if __name__ == "__main__":
    main()
