"""Small request helpers shared by views."""
from urllib.parse import urlsplit

from flask import request, url_for


def safe_next_url(default_endpoint="main.dashboard"):
    """The ``next`` target if it stays on this site, else a default page.

    Refusing absolute and scheme-relative URLs prevents open redirects.
    """
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if target and not parts.scheme and not parts.netloc and target.startswith("/") \
            and not target.startswith("//") and "\\" not in target:
        return target
    return url_for(default_endpoint)
