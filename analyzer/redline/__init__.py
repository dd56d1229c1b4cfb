"""Stage 7: the tracked-change DOCX writer."""

from analyzer.redline.writer import redline_bytes, write_redline

__all__ = ["redline_bytes", "write_redline"]
