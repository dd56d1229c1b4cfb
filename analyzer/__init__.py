"""Clause analyzer for technology-licensing and joint-venture agreements."""

from analyzer.core.version import __version__


def analyze(*args, **kwargs):
    """See ``analyzer.pipeline.analyze``."""
    from analyzer.pipeline import analyze as _analyze

    return _analyze(*args, **kwargs)


def parse(*args, **kwargs):
    """See ``analyzer.ingest.parse``."""
    from analyzer.ingest import parse as _parse

    return _parse(*args, **kwargs)


__all__ = ["__version__", "analyze", "parse"]
