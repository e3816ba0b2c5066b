"""fieldmap: the thin Python glue of a PostgreSQL-native field-mapping registry.

The database is the product; this package only moves data in and out of the
stored functions in the ``fieldmap`` schema.
"""

__version__ = "0.1.0"
