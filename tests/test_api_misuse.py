"""The Python API given the wrong kind of argument: an InputError naming the argument and what it should be."""

import numpy as np
import pandas as pd
import pytest

import narrative
from narrative import plot
from narrative.claims import ClaimAligner, check_threshold, claim_confidence, find_claims
from narrative.embed import EmbeddingCache, SentenceEncoder, embed
from narrative.errors import InputError
from narrative.segment import segment, split_sentences

SENTENCES = pd.DataFrame(
    {
        "event": ["e"] * 4,
        "outlet": ["a", "a", "b", "b"],
        "position": [0, 1, 0, 1],
        "text": [
            "A fire hit the Millbrook bakery on Tuesday.",
            "No one was hurt in the fire.",
            "Flames damaged the Millbrook bakery on Tuesday.",
            "Nobody was injured by the flames.",
        ],
    }
)
#: Hand-made vectors: the two first sentences of each outlet alike, the others apart.
VECTORS = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.99, 0.1, 0.0], [0.0, 0.1, 1.0]])
CLUSTER = ClaimAligner(threshold=0.9, method="cluster")


# --- embed and SentenceEncoder (no model is loaded: the arguments are refused first)


def test_embed_refuses_a_single_str_instead_of_embedding_its_characters():
    encoder = narrative.SentenceEncoder()
    with pytest.raises(InputError, match="got a single str") as err:
        narrative.embed("A single sentence.", encoder=encoder)
    assert "embed([text], encoder=...)" in err.value.fix
    assert encoder._model is None  # refused before the model loads


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (b"A sentence.", "got bytes"),
        (None, "got None"),
        (5, r"got an int \(5\)"),
        ({"a": "A sentence."}, "got a dict"),
        (SENTENCES, "got a whole DataFrame"),
        (["A sentence.", None], r"texts\[1\] is None, not a sentence"),
        (pd.Series(["A sentence.", np.nan]), r"texts\[1\] is a float \(nan\), not a sentence"),
    ],
)
def test_embed_refuses_what_is_no_list_of_sentences(texts, expected):
    with pytest.raises(InputError, match=expected) as err:
        embed(texts, encoder=SentenceEncoder())
    assert err.value.fix


def test_embed_refuses_an_encoder_or_cache_of_another_type(tmp_path):
    with pytest.raises(InputError, match="encoder= to be a SentenceEncoder; got str"):
        embed(["A sentence."], encoder="all-MiniLM-L6-v2")
    with pytest.raises(InputError, match="cache= to be an EmbeddingCache or None; got str") as err:
        embed(["A sentence."], encoder=SentenceEncoder(), cache=str(tmp_path))
    assert "EmbeddingCache(" in err.value.fix


@pytest.mark.parametrize("model", [123, None, "", b"all-MiniLM-L6-v2"])
def test_encoder_refuses_a_model_that_is_no_name_or_folder(model):
    with pytest.raises(InputError, match="the model must be a sentence-transformers model name or a model folder"):
        SentenceEncoder(model)


def test_cache_folders_must_be_paths():
    with pytest.raises(InputError, match="cache_dir must be a path .*got an int \\(5\\)") as err:
        SentenceEncoder(cache_dir=5)
    assert "--cache-dir" in err.value.fix and "(in Python: cache_dir=" in err.value.fix
    with pytest.raises(InputError, match="must be a path"):
        EmbeddingCache(5)


def test_encoder_refuses_a_batch_size_that_would_never_end():
    with pytest.raises(InputError, match="'batch_size' parameter of SentenceEncoder must be a positive integer"):
        SentenceEncoder(batch_size=0).describe()


# --- segment and split_sentences


@pytest.mark.parametrize(
    ("text", "expected", "fix"),
    [
        (None, "got None", "as a str"),
        (b"A fire. No one was hurt.", "got a bytes", "decode it first"),
        (5, "got an int", "as a str"),
        (["A fire."], "got a list", "narrative.segment(articles)"),
    ],
)
def test_split_sentences_refuses_what_is_no_text(text, expected, fix):
    with pytest.raises(InputError, match=f"split_sentences needs the article's text as a str; {expected}") as err:
        split_sentences(text)
    assert fix in err.value.fix


@pytest.mark.parametrize("articles", [None, {"event": "e", "outlet": "a", "text": "Hi there. Bye."}, b"text"])
def test_segment_refuses_what_is_no_table(articles):
    with pytest.raises(InputError, match="segment needs the articles table as a pandas DataFrame") as err:
        segment(articles)
    assert "event, outlet and text" in err.value.fix


def test_segment_names_the_missing_columns_and_the_row_without_text():
    with pytest.raises(InputError, match=r"lacks column\(s\) \['text'\]"):
        segment(pd.DataFrame({"event": ["e"], "outlet": ["a"]}))
    with pytest.raises(InputError, match=r"lacks column\(s\) \['event', 'text'\]"):
        segment(pd.DataFrame({"outlet": ["a"], "body": ["A fire."]}))
    articles = pd.DataFrame({"event": ["e", "e"], "outlet": ["a", "b"], "text": ["A fire. No one was hurt.", None]})
    with pytest.raises(InputError, match=r"outlet 'b' \(event 'e'\) is a float \(nan\), not text") as err:
        segment(articles)
    assert err.value.row == 2 and "dropna" in err.value.fix


# --- claims


def test_find_claims_names_the_missing_columns():
    with pytest.raises(InputError, match=r"given to find_claims lacks column\(s\) \['outlet'\]") as err:
        find_claims(SENTENCES.drop(columns=["outlet"]), VECTORS, aligner=CLUSTER)
    assert "event, outlet, position and text" in err.value.fix
    with pytest.raises(InputError, match="find_claims needs the sentences table as a pandas DataFrame; got a dict"):
        find_claims(SENTENCES.to_dict(), VECTORS, aligner=CLUSTER)


@pytest.mark.parametrize(
    ("embeddings", "expected"),
    [
        (np.zeros((2, 3)), "4 sentences but 2 rows of embeddings"),
        (np.zeros(4), r"2-D array of numbers .*got shape \(4,\)"),
        (np.zeros((4, 0)), r"got shape \(4, 0\)"),
        ("vectors", "got a str"),
        ([["a", "b"]] * 4, "got a list holding text"),
        ([[1.0, 0.0], [1.0], [0.0, 1.0], [1.0, 1.0]], "rows of different lengths"),
        (np.full((4, 3), np.nan), r"NaN or infinite values in 4 row\(s\) \(first: row 0"),
        (np.vstack([VECTORS[:2], [np.inf, 0, 0], VECTORS[3]]), r"in 1 row\(s\) \(first: row 2"),
    ],
)
def test_find_claims_refuses_embeddings_of_the_wrong_shape_or_type_or_with_nan(embeddings, expected):
    with pytest.raises(InputError, match=expected) as err:
        find_claims(SENTENCES, embeddings, aligner=CLUSTER)
    assert err.value.fix


def test_find_claims_takes_a_list_of_vectors_like_an_array():
    membership, ids = find_claims(SENTENCES, VECTORS.tolist(), aligner=CLUSTER)
    assert ids == find_claims(SENTENCES, VECTORS, aligner=CLUSTER)[1]
    assert ids[0] == ids[2]


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [(2, "got 2"), (-3, "got -3"), ("0.5", r"got a str \('0.5'\)"), (float("nan"), "got nan"), (True, "got a bool")],
)
def test_a_threshold_outside_0_to_1_or_not_a_number_is_an_input_error(threshold, expected):
    with pytest.raises(InputError, match=f"the threshold must be a number from 0 to 1 .*; {expected}") as err:
        find_claims(SENTENCES, VECTORS, aligner=ClaimAligner(threshold=threshold))
    assert "--threshold" in err.value.fix and "(in Python: threshold=" in err.value.fix
    with pytest.raises(InputError, match="the threshold must be a number"):
        ClaimAligner(threshold=threshold).fit(VECTORS, groups=SENTENCES["outlet"], texts=SENTENCES["text"])


def test_cluster_method_takes_a_cosine_threshold_from_minus_1():
    assert check_threshold(-0.5, method="cluster") == -0.5
    with pytest.raises(InputError, match="from -1 to 1"):
        check_threshold(1.5, method="cluster")


def test_other_estimator_parameters_and_lengths_are_input_errors():
    with pytest.raises(InputError, match="'linkage' parameter of ClaimAligner"):
        ClaimAligner(linkage="ward", method="cluster").fit(VECTORS)
    with pytest.raises(InputError, match="groups has 2 entries but X has 4 rows"):
        ClaimAligner(method="cluster").fit(VECTORS, groups=["a", "b"])
    with pytest.raises(InputError, match="aligner must be a ClaimAligner; got a float"):
        find_claims(SENTENCES, VECTORS, aligner=0.3)


def test_claim_confidence_names_the_table_it_needs():
    with pytest.raises(InputError, match=r"lacks column\(s\) \['claim_id', 'confidence', 'uncertain'\]") as err:
        claim_confidence(SENTENCES)
    assert "find_claims" in err.value.fix


# --- plots


@pytest.mark.parametrize("name", sorted(plot.TABLES))
def test_every_plot_names_the_missing_columns_and_the_table_to_pass(name, close_figures):
    columns, table = plot.TABLES[name]
    with pytest.raises(InputError, match=f"the table given to {name} as data= lacks column") as err:
        getattr(plot, name)(data=pd.DataFrame({"event": ["e"], "unrelated": [1]}))
    assert all(repr(c) in err.value.problem for c in columns)
    assert err.value.fix.startswith(f"pass {table}")
    with pytest.raises(InputError, match=f"{name} needs data= to be a pandas DataFrame; got nothing"):
        getattr(plot, name)(data=None)


def test_omissions_plot_refuses_the_sentences_table(close_figures):
    with pytest.raises(InputError, match=r"plot_omissions as data= lacks column\(s\) \['carried_by'\]") as err:
        plot.plot_omissions(data=SENTENCES.assign(claim_id="C1"))
    assert err.value.fix.startswith("pass result.omissions")


def test_coverage_plot_checks_its_claims_and_omissions_tables(close_figures):
    coverage = pd.DataFrame({"event": "e", "claim_id": ["C1", "C1"], "outlet": ["a", "b"], "weight": [0.5, 0.5]})
    with pytest.raises(InputError, match=r"as claims= lacks column\(s\) \['label'\]") as err:
        plot.plot_coverage(coverage, claims=SENTENCES.assign(claim_id="C1"))
    assert err.value.fix.startswith("pass result.claims")
    with pytest.raises(InputError, match=r"as omissions= lacks column\(s\) \['carried_by'\]"):
        plot.plot_coverage(coverage, omissions=SENTENCES.assign(claim_id="C1"))
    with pytest.raises(InputError, match=r"lacks column\(s\) \['event'\]"):
        plot.plot_omissions(pd.DataFrame(columns=["outlet", "claim_id", "carried_by"]), event="e")


def test_claims_and_omissions_tables_name_the_table_they_need():
    from narrative.compare import claims_table, omissions_table

    with pytest.raises(InputError, match=r"sentences table given to claims_table lacks column\(s\) \['claim_id'\]"):
        claims_table(SENTENCES, VECTORS)
    with_ids = SENTENCES.assign(claim_id=["C1", "C2", "C1", "C3"])
    with pytest.raises(InputError, match="one embedding row per sentence; got an array of shape \\(2, 3\\)"):
        claims_table(with_ids, VECTORS[:2])
    claims = claims_table(with_ids, VECTORS.tolist())  # a list of rows, like an array
    assert list(claims["claim_id"]) == ["C1", "C2", "C3"]
    with pytest.raises(InputError, match="claims table given to omissions_table lacks"):
        omissions_table(with_ids, pd.DataFrame())
