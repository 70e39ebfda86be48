"""The data layer: where the project's files live and how published versions are found.

Both `pipeline/` (which writes) and `indicators/` (which reads) depend on this package; it depends on
nothing of the project's own.
"""
