#!/usr/bin/env python3
"""The baseline tokenwarden's sync is measured against: what an admin would write as a cron job.

Fetches every page of one provider's token listing with `requests` (one keep-alive session),
following the API's own next links, and upserts one row per token into SQLite with `sqlite3`,
committing each page. No retries, no policy, no history: the straightforward version.

Usage: cron_sync.py awx|planningcenter BASE_URL CREDENTIAL_FILE DATABASE
Prints the number of tokens stored.
"""
import base64
import sqlite3
import sys
from urllib.parse import urljoin

import requests


def pages(kind, base, credential):
    session = requests.Session()
    if kind == "awx":
        session.headers["Authorization"] = "Bearer " + credential
        url = base + "/api/v2/tokens/?application__isnull=true&order_by=id&page_size=200"
    else:
        session.headers["Authorization"] = "Basic " + base64.b64encode(credential.encode()).decode()
        url = base + "/api/v2/personal_access_tokens?per_page=100&offset=0"
    while url:
        response = session.get(url, timeout=60)
        response.raise_for_status()
        page = response.json()
        if kind == "awx":
            yield [(str(t["id"]), t["description"], t["summary_fields"]["user"]["username"], t["created"], None, t["expires"], t["scope"])
                   for t in page["results"] if t.get("application") is None]
            url = urljoin(base, page["next"]) if page.get("next") else None
        else:
            yield [(t["id"], t["attributes"]["name"], None, None, None, None, None) for t in page["data"]]
            url = page.get("links", {}).get("next")


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("awx", "planningcenter"):
        sys.exit(__doc__)
    kind, base, credential_file, database = sys.argv[1:]
    with open(credential_file) as f:
        credential = f.read().strip()
    db = sqlite3.connect(database)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("""CREATE TABLE IF NOT EXISTS token (
        provider TEXT NOT NULL, id TEXT NOT NULL, name TEXT, owner TEXT, created_at TEXT, last_used_at TEXT,
        expires_at TEXT, scopes TEXT, last_seen_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (provider, id))""")
    count = 0
    for rows in pages(kind, base, credential):
        db.executemany("""INSERT INTO token (provider, id, name, owner, created_at, last_used_at, expires_at, scopes)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (provider, id) DO UPDATE SET name = excluded.name, owner = excluded.owner,
              created_at = excluded.created_at, last_used_at = excluded.last_used_at, expires_at = excluded.expires_at,
              scopes = excluded.scopes, last_seen_at = CURRENT_TIMESTAMP""",
                       [(kind,) + row for row in rows])
        db.commit()
        count += len(rows)
    db.close()
    print(count)


if __name__ == "__main__":
    main()
