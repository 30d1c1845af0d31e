"""Every corpus in ../shared/datasets reads with the counts its source states (skipped without it)."""
import pytest

from bench.dataset_counts import CORPORA, count, mismatches


@pytest.mark.parametrize("corpus", CORPORA, ids=[c.name for c in CORPORA])
def test_corpus_reads_with_the_stated_counts(corpus, datasets):
    found = count(corpus, datasets)
    assert found["documents"] > 0
    assert mismatches(corpus, found) == []
