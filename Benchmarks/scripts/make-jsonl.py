#!/usr/bin/env python3
"""Writes the deterministic JSON Lines file of typical records that Pipe's benchmarks read.

    make-jsonl.py [--mb N] PATH
    make-jsonl.py [--mb N] --name     # print the file name the benchmarks use for that size

N defaults to $PIPE_BENCH_JSONL_MB, else 100; one MB is 1,000,000 bytes. Records are written until
the file holds at least N MB, so the file ends on a whole record slightly past that size.

The same generator is written in Swift (Benchmarks/Sources/BenchmarkFixtures/RecordGenerator.swift)
and the two must produce the same bytes: a SplitMix64 stream drawn in the same order, and every
value written as text (numbers from integers, strings from pools already in their JSON-escaped
form), so neither language's float or string formatting is involved. Change both together, and
bump FORMAT_VERSION (part of the default file name) when the output changes.
"""

import argparse
import os
import sys

FORMAT_VERSION = 1
SEED = 0x5049504542454E43  # "PIPEBENC"
MASK = (1 << 64) - 1

# String pools, exactly as they appear between the quotes in the file (JSON-escaped where needed).
FIRST_NAMES = [
    "Alice", "Bob", "Chloé", "Dmitri", "Émile", "Fatima", "Gustavo", "Hiroshi",
    "Ingrid", "José", "Kwame", "Ren\\u00e9e", "Siobhán", "Zoë", "Łukasz", "李",
]
LAST_NAMES = [
    "Smith", "O'Brien", "Müller", "García", "Nguyễn", "Kowalski", "Søndergaard",
    "\\\"Ace\\\" Jones", "田中", "Dubois", "Okafor", "Virtanen",
]
DOMAINS = ["example.com", "mail.example.org", "shop.example.net"]
CURRENCIES = ["EUR", "USD", "JPY", "GBP"]
TAGS = ["new", "sale", "vip", "returning", "mobile", "web", "gift", "priority", "eu", "beta"]
STREETS = ["Main St", "Hauptstraße", "Rue de la Paix", "Calle Mayor", "Elm Ave", "Øster Allé"]
CITIES = [
    "Berlin", "東京", "São Paulo", "Zürich", "Kraków", "New York", "Reykjavík", "Montréal",
    "Cairo", "Mumbai",
]
COUNTRIES = ["DE", "JP", "BR", "CH", "PL", "US", "IS", "CA", "EG", "IN"]
NOTES = [
    "Leave at the door",
    "Call before delivery\\nGate code: 1234",
    "Fragile \\u2014 handle with care",
    "Customer said \\\"thanks!\\\"",
    "Path: C:\\\\Users\\\\shop",
    "Tab\\tseparated\\tvalues",
    "Emoji \\ud83d\\ude00 and 🚀",
    "Ctrl char \\u0001 here",
    "Grüße aus Köln",
]
EVENTS = ["created", "paid", "shipped", "delivered", "refunded", "login"]


def decimal(value, places):
    """`value / 10**places` as the shortest decimal text, e.g. (12340, 2) -> "123.4", (0, 2) -> "0.0"."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    scale = 10 ** places
    fraction = str(value % scale).rjust(places, "0").rstrip("0") or "0"
    return f"{sign}{value // scale}.{fraction}"


def records():
    """Yields the lines of the file (without newlines) forever, as UTF-8 bytes."""
    state = SEED

    def draw():
        nonlocal state
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def pick(pool):
        return pool[draw() % len(pool)]

    record_id = 0
    while True:
        record_id += 1
        a, b = f"{draw():016x}", f"{draw():016x}"
        uuid = f"{a[0:8]}-{a[8:12]}-{a[12:16]}-{b[0:4]}-{b[4:16]}"

        v = draw()
        year = 2020 + v % 5
        v //= 5
        month = 1 + v % 12
        v //= 12
        day = 1 + v % 28
        v //= 28
        hour = v % 24
        v //= 24
        minute = v % 60
        v //= 60
        second = v % 60
        v //= 60
        millis = v % 1000
        created = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}.{millis:03d}Z"
        updated = 1577836800000 + draw() % 157680000000

        first = pick(FIRST_NAMES)
        last = pick(LAST_NAMES)
        email = f"user{record_id}@{pick(DOMAINS)}"
        active = "true" if draw() % 10 < 7 else "false"
        score = decimal(draw() % 10001, 2)
        price = decimal(1 + draw() % 99999, 2)
        qty = 1 + draw() % 20
        r = draw()
        discount = decimal(5 + (r >> 8) % 46, 2) if r % 4 == 0 else "null"
        currency = pick(CURRENCIES)
        tags = ",".join(f'"{pick(TAGS)}"' for _ in range(draw() % 5))

        house = 1 + draw() % 999
        street = pick(STREETS)
        city = pick(CITIES)
        postcode = f"{draw() % 100000:05d}"
        country = pick(COUNTRIES)
        lat = decimal(draw() % 180000001 - 90000000, 6)
        lon = decimal(draw() % 360000001 - 180000000, 6)

        r = draw()
        if r % 3 == 0:
            note = f'"{NOTES[(r >> 8) % len(NOTES)]}"'
        elif r % 3 == 1:
            note = "null"
        else:
            note = '""'
        history = ",".join(
            f'{{"event":"{pick(EVENTS)}","at":{updated - draw() % 86400000}}}' for _ in range(draw() % 3)
        )
        version = 1 + draw() % 5

        line = (
            f'{{"id":{record_id},"uuid":"{uuid}","created_at":"{created}","updated_at":{updated},'
            f'"name":"{first} {last}","email":"{email}","active":{active},"score":{score},'
            f'"price":{price},"qty":{qty},"discount":{discount},"currency":"{currency}",'
            f'"tags":[{tags}],"address":{{"street":"{house} {street}","city":"{city}",'
            f'"zip":"{postcode}","country":"{country}","geo":{{"lat":{lat},"lon":{lon}}}}},'
            f'"note":{note},"history":[{history}],"version":{version}}}'
        )
        yield line.encode("utf-8")


def default_megabytes():
    return int(os.environ.get("PIPE_BENCH_JSONL_MB", "100"))


def default_file_name(megabytes):
    """The name both generators use in Benchmarks/data/."""
    return f"records-v{FORMAT_VERSION}-{megabytes}MB.jsonl"


def write_file(path, megabytes):
    target = megabytes * 1_000_000
    partial = f"{path}.partial-{os.getpid()}"
    written = count = 0
    with open(partial, "wb") as out:
        for line in records():
            out.write(line)
            out.write(b"\n")
            written += len(line) + 1
            count += 1
            if written >= target:
                break
    os.replace(partial, path)  # atomic: an interrupted run never leaves a short file behind
    return count, written


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", help="file to write (replaced atomically)")
    parser.add_argument("--mb", type=int, default=default_megabytes(), help="size in MB (10^6 bytes)")
    parser.add_argument("--name", action="store_true", help="print the benchmarks' file name for this size and exit")
    args = parser.parse_args()
    if args.mb <= 0:
        parser.error("--mb must be positive")
    if args.name:
        print(default_file_name(args.mb))
        return
    if not args.path:
        parser.error("PATH is required")
    count, written = write_file(args.path, args.mb)
    print(f"wrote {count} records, {written} bytes ({written / count:.0f} bytes/record) to {args.path}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
