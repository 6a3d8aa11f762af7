"""The Jinan demo city as plain Python data, read by ``yiwang.demo.loader``.

Each module holds one kind of record; natural keys (region code, department
code, topic code, certificate type code, item code, username) identify rows so
that loading twice changes nothing.
"""
