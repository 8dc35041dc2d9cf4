"""``article.prev_article`` / ``article.next_article``: neighbours in publication order."""

from .neighbours import link_neighbours, register

__all__ = ["link_neighbours", "register"]
