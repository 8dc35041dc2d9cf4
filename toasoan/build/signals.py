"""Signals Tòa soạn adds to Pelican's (blinker signals, like :mod:`pelican.plugins.signals`)."""

from __future__ import annotations

from blinker import signal

content_patched = signal("toasoan_content_patched")
"""A resident preview (:mod:`toasoan.build.session`) put new bodies into articles or pages of its
last Pelican run. Sent with that run's ``Pelican`` object as sender, ``contents`` (the
patched articles and pages) and ``generators``. Plugins that keep what a body shows outside
Pelican's writer — search shards, content checks, the JSON Feed, the sitemap — bring it up
to date. The session then renders again the pages that show the bodies and sends Pelican's
``finalized``, so plugins finish as after a build."""

patch_ahead = signal("toasoan_patch_ahead")
"""A build (:mod:`toasoan.build.session`) may patch the bodies of some files: sent as soon as it
knows which files changed — in a new process before it loads the saved run, in a resident
preview before it checks the outputs — with the ``Pelican`` object and ``contents``: those
articles and pages read again on their own, without the run, so their links to other pages
and files are not resolved (read ``_content``, not ``content``). A plugin may start slow work
that needs no more than them; the patch itself decides whether that work is used
(search_index has Pagefind index the edited pages' shards meanwhile, and takes a bundle only
when its key matches what the patch makes)."""
