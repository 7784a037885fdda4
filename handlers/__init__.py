"""What each GitHub event means for the onboarding: the one dispatch table.

Keys are `event.action` (or `event` for every action). Reading this table tells you
everything the bot reacts to; `app.yml` subscribes to exactly these events.
"""

from bot.store import RECONCILE_ACTION, RECONCILE_EVENT
from handlers import installation, onboarding

ROUTES = {
    "installation.created": [installation.created],
    "installation.deleted": [installation.deleted],
    "installation_repositories.added": [installation.repositories_added],
    "installation_repositories.removed": [installation.repositories_removed],
    "repository.transferred": [onboarding.transferred],
    "repository.created": [onboarding.created],
    "push": [onboarding.pushed],
    "issues.edited": [onboarding.issue_changed],
    "issues.closed": [onboarding.issue_changed],
    "issues.reopened": [onboarding.issue_changed],
    "issues.labeled": [onboarding.issue_changed],
    "issues.unlabeled": [onboarding.issue_changed],
    "issue_comment.created": [onboarding.commented],
    "issue_comment.edited": [onboarding.commented],   # a person's edit of the indstilling is put back
    f"{RECONCILE_EVENT}.{RECONCILE_ACTION}": [onboarding.job],
}

# Events whose every handler ends in one reconcile of the repository (or nothing): a run of
# them queued for one repository is coalesced into one reconcile (Store.claim). Commands need
# no delivery of their own: the reconcile finds every unanswered command in the issue.
LEVEL_TRIGGERED = frozenset({"repository", "push", "issues", "issue_comment", RECONCILE_EVENT})
