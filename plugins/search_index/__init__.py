"""Site search: a Pagefind index of the built site, diacritic-insensitive for Vietnamese."""

from .search_index import SearchIndexError, folded_words, index_site, prepare, register

__all__ = ["SearchIndexError", "folded_words", "index_site", "prepare", "register"]
