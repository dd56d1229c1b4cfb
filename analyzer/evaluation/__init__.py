"""Evaluation on CUAD: data loading, metrics, the baseline, heading-derived labels, entity scores."""
