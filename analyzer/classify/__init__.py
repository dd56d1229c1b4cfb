"""Stage 5: clause classification. Units and their features, the TF-IDF stage, the encoder stage and
the agreement type; ``get_classifier()`` loads the artifact."""
