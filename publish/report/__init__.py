"""`make report`: build/report.html and build/report.json — cadence per author, the scheduled queue,
what went out where (ledger), brand scores over time, and, with LOGS, referrals from access logs.

Small modules with one job each: `posts` (headers → PostInfo), `cadence`, `history` (ledger and
holds), `scores` (brand guard API), `logs` (streaming log formats), `referrals` (counting),
`svg` (charts), `html` (the page), `build` (joins them into one dict). Written into
LECTERN_BUILD_DIR, which a deploy never uploads (publish/deploy/guard.py `never_deployed`).
"""
