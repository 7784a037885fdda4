"""Who is calling and what they may see: GitHub App JWTs and installation tokens.

The rules follow GitHub's: a JWT (RS256, iss = app id, at most 10 minutes long) for
`/app/*`, an installation token for everything else; public repositories are
readable by anyone (without login too), private ones only by an installation that covers
them or by a person's token (`GitHubState.add_personal_token`) whose owner may read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import jwt

from bot.sandbox.state import GitHubState, Installation, Repository, StandinError, Token

NOT_ACCESSIBLE = "Resource not accessible by integration"
LEVELS = {"none": 0, "read": 1, "write": 2, "admin": 3}


@dataclass
class Caller:
    kind: str  # app, installation, user (a person's token) or none
    installation: Installation | None = None
    token: Token | None = None
    login: str | None = None  # the person, for kind == "user"

    @property
    def installation_id(self) -> int | None:
        return self.installation.id if self.installation else None


def bad_credentials() -> StandinError:
    return StandinError(401, "Bad credentials")


def identify(state: GitHubState, authorization: str | None) -> Caller:
    """Parse the Authorization header; a credential that is present but wrong is a 401."""
    if not authorization:
        return Caller("none")
    scheme, _, credential = authorization.strip().partition(" ")
    credential = credential.strip()
    if scheme.lower() not in ("bearer", "token") or not credential:
        raise bad_credentials()
    if credential.count(".") == 2:
        verify_jwt(state, credential)
        return Caller("app")
    person = state.personal_tokens.get(credential)
    if person is not None:
        return Caller("user", login=person)
    token = state.tokens.get(credential)
    if token is None or token.expires_at <= state.now():
        raise bad_credentials()
    installation = state.installations.get(token.installation_id)
    if installation is None:
        raise bad_credentials()
    return Caller("installation", installation, token)


def budget_holder(state: GitHubState, authorization: str | None) -> str:
    """Whose rate-limit budget a request is charged to: its installation's, the App's (JWT), or
    an anonymous one; never raises (a bad credential is answered later, and still charged)."""
    credential = (authorization or "").strip().partition(" ")[2].strip()
    if not credential:
        return "anonymous"
    if credential.count(".") == 2:
        return "app"
    token = state.tokens.get(credential)
    return f"installation:{token.installation_id}" if token is not None else "anonymous"


def verify_jwt(state: GitHubState, encoded: str) -> None:
    """GitHub's checks on an App JWT. Times are the caller's wall clock, not the
    stand-in's (`advance` moves tokens' lives, not the signing machine's clock)."""
    try:
        claims = jwt.decode(encoded, state.app.public_key_pem, algorithms=["RS256"],
                            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False,
                                     "verify_aud": False})
    except jwt.PyJWTError:
        raise StandinError(401, "A JSON web token could not be decoded") from None
    if str(claims.get("iss")) not in (str(state.app.id), state.app.client_id):
        raise StandinError(401, "Integration not found")
    now = datetime.now(timezone.utc).timestamp()
    iat, exp = claims.get("iat"), claims.get("exp")
    if not isinstance(iat, (int, float)) or iat > now + 60:
        raise StandinError(401, "'Issued at' claim ('iat') must be an Integer representing the time "
                                "that the assertion was issued")
    if not isinstance(exp, (int, float)) or exp <= now:
        raise StandinError(401, "'Expiration time' claim ('exp') must be a numeric value representing "
                                "the future time at which the assertion expires")
    if exp - iat > 600 + 60 or exp > now + 600 + 60:
        raise StandinError(401, "'Expiration time' claim ('exp') is too far in the future")


def require_app(caller: Caller) -> None:
    if caller.kind != "app":
        raise StandinError(401, "A JSON web token could not be decoded")


def _covers(caller: Caller, repo: Repository) -> bool:
    if caller.installation is None or not caller.installation.covers(repo):
        return False
    names = caller.token.repositories if caller.token else None
    return names is None or repo.full_name.lower() in {n.lower() for n in names}


def repo_access(state: GitHubState, caller: Caller, owner: str, name: str, *, write: bool = False,
                permission: str = "metadata") -> Repository:
    """The repository if the caller may read (or write) it under `permission`, else GitHub's error."""
    repo = state.find_repo(owner, name)
    if repo is None:
        raise StandinError(404, "Not Found")
    if caller.kind == "app":
        raise StandinError(403, NOT_ACCESSIBLE)
    if caller.kind == "user":
        if repo.private and not state.can_read(repo, caller.login or ""):
            raise StandinError(404, "Not Found")
        if write:
            raise StandinError(403, "Resource not accessible by personal access token")
        return repo
    covered = _covers(caller, repo)
    if not covered:
        if repo.private:
            raise StandinError(404, "Not Found")
        if write:
            if caller.kind == "none":
                raise StandinError(401, "Requires authentication")
            raise StandinError(403, NOT_ACCESSIBLE)
        return repo
    granted = LEVELS.get((caller.token.permissions if caller.token else {}).get(permission, "none"), 0)
    needed = LEVELS["write"] if write else LEVELS["read"]
    if permission != "metadata" and granted < needed and (write or repo.private):
        raise StandinError(403, NOT_ACCESSIBLE)
    if write and repo.archived:
        raise StandinError(403, "Repository was archived so is read-only.")
    return repo


def org_access(state: GitHubState, caller: Caller, org: str, permission: str = "members",
               level: str = "read") -> None:
    """Org-private data (teams, memberships) is for an installation on that org; changing it
    needs the permission at `level` "write" (members:write to manage teams)."""
    if caller.kind == "app":
        raise StandinError(403, NOT_ACCESSIBLE)
    if caller.installation is None or caller.installation.account.lower() != org.lower():
        raise StandinError(404, "Not Found")
    granted = (caller.token.permissions if caller.token else {}).get(permission, "none")
    if LEVELS.get(granted, 0) < LEVELS[level]:
        raise StandinError(403, NOT_ACCESSIBLE)
