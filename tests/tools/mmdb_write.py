#!/usr/bin/env python3
"""Writes small MaxMind DB (.mmdb) files for test fixtures.

Written from the published "MaxMind DB File Format Specification" v2.0; standard library only.

Usage: mmdb_write.py SPEC.json OUT.mmdb

SPEC.json:
  {"database_type": "GeoLite2-Country", "ip_version": 6, "record_size": 24,
   "languages": ["en"], "description": {"en": "test"},
   "networks": [{"network": "192.0.2.0/24", "data": {"country": {"iso_code": "RS"}}}, ...]}

Data values map to MMDB types: dict -> map, list -> array, str -> utf8_string, bool -> boolean,
float -> double, int -> uint32 (uint64 when larger, int32 when negative). {"$uint16": n},
{"$uint64": n}, {"$float": x} and {"$bytes": "hex"} force a type. Nested networks are allowed: the
more specific one wins for its addresses. IPv4 networks in an IPv6 database go under ::/96, where
readers look IPv4 addresses up.
"""
import ipaddress
import json
import struct
import sys

METADATA_MARKER = b"\xab\xcd\xefMaxMind.com"

# Type numbers from the spec; types above 7 are "extended" (control byte type 0, next byte type - 7).
T_UTF8, T_DOUBLE, T_BYTES, T_UINT16, T_UINT32, T_MAP = 2, 3, 4, 5, 6, 7
T_INT32, T_UINT64, T_ARRAY, T_BOOLEAN, T_FLOAT = 8, 9, 11, 14, 15


def control(type_num, size):
    """Control byte(s) for a field of type_num whose size (payload length or item count) is size."""
    if size < 29:
        first, extra = size, b""
    elif size < 29 + 256:
        first, extra = 29, bytes([size - 29])
    elif size < 285 + 65536:
        first, extra = 30, (size - 285).to_bytes(2, "big")
    elif size < 65821 + (1 << 24):
        first, extra = 31, (size - 65821).to_bytes(3, "big")
    else:
        raise ValueError("field too large")
    if type_num <= 7:
        return bytes([(type_num << 5) | first]) + extra
    return bytes([first, type_num - 7]) + extra


def uint_bytes(value, max_bytes):
    if value < 0 or value >= 1 << (8 * max_bytes):
        raise ValueError("integer %d out of range" % value)
    n = (value.bit_length() + 7) // 8
    return value.to_bytes(n, "big") if n else b""


def encode(value):
    if isinstance(value, dict) and len(value) == 1:
        (key, inner), = value.items()
        if key == "$uint16":
            payload = uint_bytes(inner, 2)
            return control(T_UINT16, len(payload)) + payload
        if key == "$uint64":
            payload = uint_bytes(inner, 8)
            return control(T_UINT64, len(payload)) + payload
        if key == "$float":
            return control(T_FLOAT, 4) + struct.pack(">f", inner)
        if key == "$bytes":
            payload = bytes.fromhex(inner)
            return control(T_BYTES, len(payload)) + payload
    if isinstance(value, dict):
        out = control(T_MAP, len(value))
        for key in sorted(value):
            out += encode(str(key)) + encode(value[key])
        return out
    if isinstance(value, list):
        return control(T_ARRAY, len(value)) + b"".join(encode(v) for v in value)
    if isinstance(value, bool):
        return control(T_BOOLEAN, 1 if value else 0)
    if isinstance(value, str):
        payload = value.encode("utf-8")
        return control(T_UTF8, len(payload)) + payload
    if isinstance(value, float):
        return control(T_DOUBLE, 8) + struct.pack(">d", value)
    if isinstance(value, int):
        if value < 0:
            if value < -(1 << 31):
                raise ValueError("integer %d out of int32 range" % value)
            payload = struct.pack(">i", value)
            return control(T_INT32, 4) + payload
        if value < 1 << 32:
            payload = uint_bytes(value, 4)
            return control(T_UINT32, len(payload)) + payload
        payload = uint_bytes(value, 8)
        return control(T_UINT64, len(payload)) + payload
    raise TypeError("cannot encode %r" % (value,))


class Node:
    """A search-tree node; children are None (no data), a Node, or ("data", bytes)."""

    def __init__(self, left=None, right=None):
        self.children = [left, right]


def network_bits(net, ip_version):
    """The network as (address bits as an int, prefix length, tree depth)."""
    if ip_version == 4:
        if net.version != 4:
            raise ValueError("IPv6 network %s in an IPv4 database" % net)
        return int(net.network_address), net.prefixlen, 32
    if net.version == 4:
        return int(net.network_address), 96 + net.prefixlen, 128
    return int(net.network_address), net.prefixlen, 128


def insert(root, addr, plen, depth, data):
    if plen == 0:
        raise ValueError("a /0 network cannot be stored (the root must be a node)")
    node = root
    for i in range(plen):
        bit = (addr >> (depth - 1 - i)) & 1
        if i == plen - 1:
            node.children[bit] = ("data", data)
            return
        child = node.children[bit]
        if child is None or isinstance(child, tuple):
            # Push a covering network's data (or nothing) down both halves.
            child = Node(child, child)
            node.children[bit] = child
        node = child


def build(spec):
    ip_version = int(spec.get("ip_version", 6))
    record_size = int(spec.get("record_size", 24))
    if record_size not in (24, 28, 32):
        raise ValueError("record_size must be 24, 28 or 32")
    entries = []
    for item in spec["networks"]:
        net = ipaddress.ip_network(item["network"], strict=True)
        addr, plen, depth = network_bits(net, ip_version)
        entries.append((plen, addr, depth, encode(item["data"])))
    # Shorter networks first, so that nested, more specific ones overwrite their part.
    entries.sort(key=lambda e: e[0])
    root = Node()
    for plen, addr, depth, data in entries:
        insert(root, addr, plen, depth, data)

    nodes = []
    queue = [root]
    while queue:
        node = queue.pop(0)
        node.index = len(nodes)
        nodes.append(node)
        queue.extend(c for c in node.children if isinstance(c, Node))
    node_count = len(nodes)

    data_section = b""
    offsets = {}

    def record(child):
        nonlocal data_section
        if child is None:
            return node_count
        if isinstance(child, Node):
            return child.index
        blob = child[1]
        if blob not in offsets:
            offsets[blob] = len(data_section)
            data_section += blob
        return node_count + 16 + offsets[blob]

    tree = bytearray()
    for node in nodes:
        left, right = record(node.children[0]), record(node.children[1])
        limit = 1 << record_size
        if left >= limit or right >= limit:
            raise ValueError("record_size %d too small for this database" % record_size)
        if record_size == 24:
            tree += left.to_bytes(3, "big") + right.to_bytes(3, "big")
        elif record_size == 28:
            middle = ((left >> 24) & 0x0F) << 4 | ((right >> 24) & 0x0F)
            tree += (left & 0xFFFFFF).to_bytes(3, "big") + bytes([middle]) + (right & 0xFFFFFF).to_bytes(3, "big")
        else:
            tree += left.to_bytes(4, "big") + right.to_bytes(4, "big")

    metadata = {
        "binary_format_major_version": {"$uint16": 2},
        "binary_format_minor_version": {"$uint16": 0},
        "build_epoch": {"$uint64": int(spec.get("build_epoch", 1700000000))},
        "database_type": spec.get("database_type", "rcx-test"),
        "description": spec.get("description", {"en": "rcx test fixture"}),
        "ip_version": {"$uint16": ip_version},
        "languages": spec.get("languages", ["en"]),
        "node_count": node_count,
        "record_size": {"$uint16": record_size},
    }
    return bytes(tree) + b"\x00" * 16 + data_section + METADATA_MARKER + encode(metadata)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: mmdb_write.py SPEC.json OUT.mmdb\n")
        return 2
    with open(argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    blob = build(spec)
    with open(argv[2], "wb") as f:
        f.write(blob)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
