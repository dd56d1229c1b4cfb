"""Stage 1: the OOXML package (safe zip and XML reading), styles and list numbering, the body walker
and the text map that ingest (reading) and redline (writing) share."""
