"""narrative: how several news outlets cover the same event.

Split each outlet's article into sentences, embed them, align them across
outlets into claims, and tell what everyone reported, what only some did,
what one outlet alone stressed and what each left out.

>>> import narrative
>>> result = narrative.compare("data/konstantinovka")      # doctest: +SKIP
>>> result.omissions.head()                                 # doctest: +SKIP
"""

__version__ = "0.1.0"

import functools as _functools


@_functools.lru_cache(maxsize=1)
def _code_digest() -> str:
    """SHA-256 of the package's own files (code, pair weights, report template), recorded in
    provenance: two installs of one version number with different code (an edited checkout)
    tell apart by it, and a corpus run redoes the events that an older code computed."""
    import hashlib
    from pathlib import Path

    root = Path(__file__).parent
    h = hashlib.sha256()
    for f in sorted(root.rglob("*")):
        if f.is_file() and f.suffix in {".py", ".json", ".j2", ".css", ".js"} and "__pycache__" not in f.parts:
            h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


# Names are imported on first use (PEP 562), so that ``import narrative`` and the command line
# start fast: a corpus run whose events are all finished imports neither scikit-learn nor torch.
_EXPORTS = {
    "claims": ["DEFAULT_THRESHOLD", "ClaimAligner", "align_claims", "find_claims"],
    "compare": [
        "assign_themes",
        "claim_status",
        "claims_table",
        "coverage_table",
        "emphasis_table",
        "is_omission",
        "omissions_table",
        "outlet_similarity",
    ],
    "embed": ["DEFAULT_MODEL", "EmbeddingCache", "SentenceEncoder", "embed"],
    "errors": ["InputError", "NarrativeError"],
    "io": ["read_input"],
    "pipeline": ["Comparison", "compare"],
    "profiles": ["majority_placement", "outlet_profiles"],
    "segment": ["segment", "split_sentences"],
    "wording": ["log_odds_dirichlet", "word_choice"],
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}


# Three submodules share their name with a function the package exports (narrative.compare, the
# comparison tables, and narrative.compare, the pipeline; likewise embed and segment). They are
# loaded now (none imports scikit-learn or torch), so that loading one later cannot put the module
# where the function belongs; the functions then come through __getattr__.
import importlib as _importlib  # noqa: E402

for _name in ("compare", "embed", "segment"):
    _importlib.import_module(f".{_name}", __name__)
    del globals()[_name]
del _name


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'narrative' has no attribute {name!r}")
    value = getattr(_importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted([*globals(), *_WHERE])


__all__ = ["__version__", *sorted(_WHERE)]
