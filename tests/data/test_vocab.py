"""rnnlab.data.vocab: character and word vocabularies with an unknown symbol."""
import doctest

import numpy as np
import pytest

from rnnlab.data import UNKNOWN, Vocabulary, tokenize, vocab


def test_docstring_examples_run():
    assert doctest.testmod(vocab).failed == 0


def test_characters_round_trip_and_frequency_order():
    v = Vocabulary.from_text("abracadabra")
    assert v.symbols == [UNKNOWN, "a", "b", "r", "c", "d"]     # 5, 2, 2 (b before r), 1, 1
    assert v.decode(v.encode("cab")) == "cab"
    assert v.encode("cabz").tolist() == [4, 1, 2, 0]


def test_words_split_punctuation_and_respect_min_count_and_max_size():
    text = "the cat sat. the cat ran. a dog!"
    assert tokenize(text, "word")[:4] == ["the", "cat", "sat", "."]
    v = Vocabulary.from_text(text, level="word", min_count=2)
    assert v.symbols == [UNKNOWN, "the", "cat", "."]
    assert v.decode(v.encode("the dog")) == f"the {UNKNOWN}"
    assert len(Vocabulary.from_text(text, level="word", max_size=2)) == 3


def test_one_hot_rows_are_unit_vectors_at_the_index():
    v = Vocabulary(list("xyz"))
    oh = v.one_hot(np.array([[1, 3], [0, 2]]))
    assert oh.shape == (2, 2, 4)
    assert (oh.argmax(-1) == [[1, 3], [0, 2]]).all() and (oh.sum(-1) == 1).all()


@pytest.mark.parametrize("call, exc, words", [
    (lambda v: v.one_hot([-1]), ValueError, "ids must lie in 0..3, got -1"),
    (lambda v: v.one_hot([4]), ValueError, "got 4"),
    (lambda v: v.decode([1.5]), TypeError, "ids must be integers"),
    (lambda v: v.encode(3), TypeError, "text must be a str"),
    (lambda v: v.encode("xq", errors="strict"), ValueError, "symbol 'q' at position 1"),
    (lambda v: Vocabulary(["ab"]), ValueError, "single characters"),
    (lambda v: Vocabulary(["a", "a"]), ValueError, "must not repeat"),
    (lambda v: Vocabulary.from_text(b"abc"), TypeError, "text must be a str"),
    (lambda v: Vocabulary.from_text("abc", level="byte"), ValueError, "level must be one of"),
])
def test_bad_input_is_refused(call, exc, words):
    with pytest.raises(exc) as err:
        call(Vocabulary(list("xyz")))
    assert words in str(err.value)
