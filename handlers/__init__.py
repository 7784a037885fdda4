"""What each GitHub event means for the onboarding: the one dispatch table.

Keys are `event.action` (or `event` for every action). Reading this table tells you
everything the bot reacts to; `app.yml` subscribes to exactly these events.
"""

from handlers import installation, repository

ROUTES = {
    "installation.created": [installation.created],
    "installation.deleted": [installation.deleted],
    "installation_repositories.added": [installation.repositories_added],
    "installation_repositories.removed": [installation.repositories_removed],
    "repository.transferred": [repository.arrived],
    "repository.created": [repository.arrived],
}
