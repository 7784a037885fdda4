"""The secretariat's overview of the portfolio: a record per repository kept by reconcile,
and the page, JSON and badges served from those records (never from GitHub per request)."""
