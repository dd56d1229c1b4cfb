"""Stage 9: folder review: a local process pool or Dask distributed, one task per file, a resumable
journal."""
