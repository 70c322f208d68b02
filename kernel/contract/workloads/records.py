"""A realistic custom workload: parse a batch of JSON records and aggregate them.
Pure Python (json, dict and str work): under the GIL threads do not help it."""

import json

# Module state, made once per process at import (the kernel times it apart as "setup").
RECORDS = [json.dumps({"id": i, "user": "user-%d" % (i % 97), "amount": (i * 7919) % 1000 / 10,
                       "tags": ["a", "b", "c"][: i % 3 + 1]}) for i in range(2000)]


def work(index):
    """Called as work(task index): totals per user over 2000 records, rotated by the index."""
    totals = {}
    for line in RECORDS[index % 50:] + RECORDS[: index % 50]:
        record = json.loads(line)
        user = record["user"]
        totals[user] = totals.get(user, 0.0) + record["amount"] * len(record["tags"])
    best = max(totals, key=totals.get)
    return best, round(totals[best], 2), len(totals)
