"""narrative: how several news outlets cover the same event.

Split each outlet's article into sentences, embed them, align them across
outlets into claims, and tell what everyone reported, what only some did,
what one outlet alone stressed and what each left out.

>>> import narrative
>>> result = narrative.compare("data/konstantinovka")      # doctest: +SKIP
>>> result.omissions.head()                                 # doctest: +SKIP
"""

__version__ = "0.1.0"

from .claims import DEFAULT_THRESHOLD, ClaimAligner, align_claims, find_claims  # noqa: E402
from .compare import (  # noqa: E402
    assign_themes,
    claim_status,
    claims_table,
    coverage_table,
    emphasis_table,
    is_omission,
    omissions_table,
    outlet_similarity,
)
from .embed import DEFAULT_MODEL, EmbeddingCache, SentenceEncoder, embed  # noqa: E402
from .errors import InputError, NarrativeError  # noqa: E402
from .io import read_input  # noqa: E402
from .pipeline import Comparison, compare  # noqa: E402
from .profiles import majority_placement, outlet_profiles  # noqa: E402
from .segment import segment, split_sentences  # noqa: E402
from .wording import log_odds_dirichlet, word_choice  # noqa: E402

__all__ = [
    "__version__",
    "DEFAULT_MODEL",
    "DEFAULT_THRESHOLD",
    "ClaimAligner",
    "Comparison",
    "EmbeddingCache",
    "InputError",
    "NarrativeError",
    "SentenceEncoder",
    "align_claims",
    "assign_themes",
    "claim_status",
    "claims_table",
    "compare",
    "coverage_table",
    "embed",
    "emphasis_table",
    "find_claims",
    "is_omission",
    "log_odds_dirichlet",
    "majority_placement",
    "omissions_table",
    "outlet_profiles",
    "outlet_similarity",
    "read_input",
    "segment",
    "split_sentences",
    "word_choice",
]
