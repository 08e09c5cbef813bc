"""Fake social APIs on 127.0.0.1 (pytest-httpserver) that check requests as the real APIs do.

Each fake validates method, path, auth header, required headers and body shape, keeps what was
"posted", and can be told to answer the next call with a real error body (`fail_next`).
"""
