"""Stage 3: the clause tree. ``segment()`` finds numbered clauses, headings, recitals, definitions,
schedules and the signature block; clause-number labels are read in ``clause_numbers``."""
