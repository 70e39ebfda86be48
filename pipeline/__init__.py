"""Data pipeline: reference tables, demo data, ingest, validation and publishing."""
