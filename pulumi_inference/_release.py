"""This package's own release (not a cluster's version: that is ``_version``)."""

__version__ = "0.2.0"
