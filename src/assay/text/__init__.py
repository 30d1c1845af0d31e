"""Derived views of a Document: words with character spans, BIO tags, sentence spans."""
from assay.text.bio import spans_to_tags, tags_to_spans
from assay.text.sentences import split_sentences
from assay.text.tokens import doc_words, join_tokens, word_spans

__all__ = ["doc_words", "join_tokens", "spans_to_tags", "split_sentences", "tags_to_spans",
           "word_spans"]
