"""The aligner's default settings, importable without scikit-learn (the command line shows them).

:mod:`narrative.claims` re-exports both; refer to them there.
"""

#: Default match probability at or above which two sentences state the same claim
#: (picked by leave-one-event-out cross-validation on the claims-gold development set).
DEFAULT_THRESHOLD = 0.15

#: Default of ``method="pairwise"``: a sentence that already holds a claim carries another
#: only with a match probability of at least ``threshold + SECONDARY_MARGIN`` (picked with the threshold).
SECONDARY_MARGIN = 0.10
