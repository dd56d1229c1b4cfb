"""Stage 0, shared by every stage: the report schema (pydantic), errors, the category taxonomy,
the canonical-text builder, file reading and atomic writes, settings and the version."""
