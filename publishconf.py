"""Settings for the public site: pelicanconf plus absolute URLs and feeds."""

import os
import sys

sys.path.append(os.path.dirname(__file__))

from pelicanconf import *

SITEURL = os.environ.get("SITEURL", "https://hvdt.example.vn")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
DELETE_OUTPUT_DIRECTORY = True
