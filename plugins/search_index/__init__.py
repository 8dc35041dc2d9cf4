"""Site search: Pagefind indexes, in shards, built from the content model; diacritic-insensitive."""

from .records import SearchRecord, folded_words, plain_text, searchable
from .search_index import SearchIndexError, index_records, register, shard_records

__all__ = ["SearchIndexError", "SearchRecord", "folded_words", "index_records", "plain_text", "register",
           "searchable", "shard_records"]
