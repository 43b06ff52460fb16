"""
Benchmarks for JoinedUp, run with `make bench` (that is, `python -m bench`).

They are not part of `make test`. Each benchmark module makes its own data in a throwaway
database, times one piece of the platform and returns its figures; `bench/__main__.py` runs
them all and writes `docs/performance.md`.
"""
