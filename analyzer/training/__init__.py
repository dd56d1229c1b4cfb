"""Training of the clause classifier artifact from CUAD (``python -m analyzer.training``,
``clause-analyzer train``).

Stage 1 (``tfidf``) fits the TF-IDF + logistic-regression unit model, its calibration,
thresholds and the agreement-type model; stage 2 (``encoder``) fits the MiniLM head and
its fusion with stage 1. Units are built by ``analyzer.classify.units.document_units``,
the same function the runtime path matches. The artifact is assembled in a temporary
folder beside the output and moved into place when complete (``artifact.publish``).
"""

from analyzer.training.run import STAGES, train

__all__ = ["STAGES", "train"]
