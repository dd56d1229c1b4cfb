"""Stage 3: the clause tree. ``segment()`` finds numbered clauses, headings, recitals, definitions,
schedules and the signature block; clause-number labels are read in ``clause_numbers``, the
headings of a document in ``headings`` and the clause at an offset in ``clause_index``."""
