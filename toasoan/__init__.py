"""Tòa soạn: a git-based newsroom on Pelican — the content model and its tools."""
