"""Stage 1: the OOXML package (``Package``: safe zip and XML reading; ``EditablePackage``: the same
parts held in memory for rewriting), styles and list numbering, the body walker and the text map
that ingest (reading) and redline (writing) share."""
