"""Stage 6: review against a playbook. Playbooks (load, validate), presence and attributes over the
whole contract, findings and the placeholders of suggested language."""
