"""Settings for the public site: pelicanconf plus absolute URLs and feeds."""

import os
import sys

sys.path.append(os.path.dirname(__file__))

from pelicanconf import *

SITEURL = os.environ.get("SITEURL", "https://hvdt.example.vn")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL  # feeds, sitemap.xml and metadata: the public address (pelicanconf.py)
DELETE_OUTPUT_DIRECTORY = True
SHOW_DRAFTS = False  # no draft, no article dated in the future: they wait on the writer's machine
