#!/usr/bin/env python3
"""Checks a Respond audit export (GET /api/audit/export?format=json) without Respond: recomputes every entry's
hash and every link to the entry before it (docs/actions.md, "Tamper evidence"). Exit code 0: intact; 1: broken."""
import hashlib
import json
import sys

FIELDS = ["id", "atTicks", "actorId", "actorName", "action", "subjectType", "subjectId", "organizations", "before", "after", "previousHash"]


def canonical(entry):
    lines = []
    for field in FIELDS:
        value = entry.get(field)
        if field == "previousHash" and value is None:
            value = ""
        if value is None:
            lines.append("-\n")
            continue
        text = str(value)
        lines.append(f"{len(text.encode('utf-8'))}:{text}\n")
    return "".join(lines)


def main(path):
    with open(path, encoding="utf-8") as f:
        entries = json.load(f)["entries"]
    broken = 0
    previous, previous_place = None, 0
    for entry in entries:
        # Entries follow each other in the chain by position; an export made before positions existed has only ids.
        place = entry.get("chainPosition") or entry["id"]
        expected = hashlib.sha256(canonical(entry).encode("utf-8")).hexdigest()
        if entry.get("hash") != expected:
            print(f"entry {entry['id']}: content does not match its hash (edited)")
            broken += 1
        elif previous is not None and previous_place + 1 == place and entry.get("previousHash") != previous.get("hash"):
            print(f"entry {entry['id']}: link to entry {previous['id']} is broken")
            broken += 1
        elif previous is not None and previous_place + 1 != place:
            print(f"entry {entry['id']}: chain positions {previous_place + 1}..{place - 1} are not in this export (filtered or removed)")
        previous, previous_place = entry, place
    print(f"{len(entries)} entries checked, {broken} broken")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
