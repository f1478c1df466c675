"""The web console (/console): server-rendered pages over the same services and visibility
rules as the API, for the people who read the ledger. No CDN: its files are under static/."""
