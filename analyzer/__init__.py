"""Clause analyzer for technology-licensing and joint-venture agreements."""

__version__ = "0.1.0"


def analyze(*args, **kwargs):
    """See ``analyzer.pipeline.analyze``."""
    from .pipeline import analyze as _analyze

    return _analyze(*args, **kwargs)


def parse(*args, **kwargs):
    """See ``analyzer.parsers.parse``."""
    from .parsers import parse as _parse

    return _parse(*args, **kwargs)


__all__ = ["__version__", "analyze", "parse"]
