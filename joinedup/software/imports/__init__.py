"""
Usage and licence imports. Each reader checks the whole file first and collects every problem
with its row and column; only a file with no problems is written, in one transaction.

The readers here turn a file into an `ImportResult` (what would be written); `write_*` functions
in `joinedup.software.services_imports` write it.
"""
