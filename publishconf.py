"""Settings for the public site: pelicanconf plus absolute URLs and feeds."""

import os
import runpy
from pathlib import Path

# pelicanconf.py beside this file, read afresh: ``from pelicanconf import *`` takes the
# pelicanconf module a process imported first, which in a process that builds more than one
# checkout (the desk, the test suite) may be another checkout's.
_base = runpy.run_path(str(Path(__file__).with_name("pelicanconf.py")))
globals().update({name: value for name, value in _base.items() if not name.startswith("_")})

SITEURL = os.environ.get("SITEURL", "https://hvdt.example.vn")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL  # feeds, sitemap.xml and metadata: the public address (pelicanconf.py)
DELETE_OUTPUT_DIRECTORY = True
SHOW_DRAFTS = False  # no draft, no article dated in the future: they wait on the writer's machine
