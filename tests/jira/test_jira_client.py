"""The bot's Jira client against the Jira stand-in over HTTP, through the real `jira` library,
in both flavours: every method, lost answers, foreign projects, error kinds, counting."""

from __future__ import annotations

import asyncio
import time
import traceback

import pytest

from bot.errors import PermanentError, RateLimited, SettingsError, TransientError
from bot.jira import ForeignProject, JiraClient, JiraRefused, ProjectSpec, product_marker, project_key
from bot.settings import load_settings
from tests.jira.support import World, make_client, run

MARKER = product_marker("R_kgDOOS2forms")
CREATE = r"^POST /rest/api/2/project$"


def spec(world: World, key: str = "OS2FORMS", **extra) -> ProjectSpec:
    fields = {"name": "OS2forms", "lead": world.bot.id, "marker": MARKER,
              "description": "Selvbetjeningsløsning til kommuner.", **extra}
    return ProjectSpec(key=key, **fields)


# --- construction and settings ---------------------------------------------------------------

def test_building_the_client_sends_nothing_and_sets_timeouts_and_bounded_retries(world, jira_server, state):
    client = make_client(world, jira_server.url, JIRA_TIMEOUT="7")
    session = client.jira._session
    assert session.timeout == (5.0, 7.0)
    assert session.max_retries == 1 and session.max_retry_delay == 0.05
    assert state.requests == [] and client.counter.api_requests == 0
    default = JiraClient(load_settings(world.env(jira_server.url), dotenv=False))
    assert default.jira._session.max_retry_delay == 5.0           # production: wait in place at most 5 s


def test_missing_settings_are_refused(world, jira_server):
    with pytest.raises(PermanentError, match="JIRA_URL and JIRA_TOKEN"):
        JiraClient(load_settings({}, dotenv=False))
    with pytest.raises(SettingsError, match="JIRA_USER"):
        load_settings({"JIRA_URL": jira_server.url, "JIRA_TOKEN": "t", "JIRA_FLAVOUR": "cloud"}, dotenv=False)


def test_auto_flavour_asks_server_info_once(world, client, state):
    assert run(client.flavour()) == world.flavour
    assert run(client.flavour()) == world.flavour
    info = run(client.server_info())
    assert info["deploymentType"] == ("Cloud" if world.flavour == "cloud" else "Server")
    assert state.count(path=r".*/serverInfo") == 2          # the flavour's, and the one asked for


def test_a_set_flavour_is_not_asked(world, jira_server, state):
    client = make_client(world, jira_server.url, JIRA_FLAVOUR=world.flavour)
    assert run(client.find_user("mette@eksempel.dk"))["id"] == world.mette.id
    assert state.count(path=r".*/serverInfo") == 0


def test_myself(world, client):
    assert run(client.myself())["displayName"] == "OS2 bot"


# --- projects -------------------------------------------------------------------------------------

def test_project_is_a_dict_or_none(world, client, state):
    assert run(client.project("OS2FORMS")) is None
    state.add_project("OS2FORMS", "OS2forms", lead=world.bot, description="x")
    assert run(client.project("OS2FORMS"))["name"] == "OS2forms"


def test_validate_key_gives_jiras_problems(world, client, state):
    assert run(client.validate_key("OS2FORMS")) == []
    assert run(client.validate_key("os2forms")) == [state.key_warning]
    assert run(client.validate_key("OS2KITOSUDVIKLING")) == ["The project key must not exceed 10 characters in length."]
    state.add_project("OS2FORMS", "OS2forms", lead=world.bot)
    assert run(client.validate_key("OS2FORMS")) == ["A project with that project key already exists."]


def test_a_data_center_on_its_default_pattern_takes_letters_only(world, client, state):
    state.key_pattern = r"[A-Z][A-Z]+"
    assert run(client.validate_key(project_key("os2forms"))) != []
    assert run(client.validate_key(project_key("os2forms", digits=False))) == []


def test_create_project_sends_the_documented_payload_and_returns_the_project(world, client, state):
    made = run(client.create_project(spec(world, category_id=world.category, permission_scheme=world.scheme,
                                          assignee_type="PROJECT_LEAD", url="https://github.com/OS2offdig/os2forms")))
    assert made["key"] == "OS2FORMS" and made["name"] == "OS2forms"
    assert made["description"] == f"Selvbetjeningsløsning til kommuner.\n\n{MARKER}"
    assert made["projectCategory"]["id"] == str(world.category)
    project = state.project("OS2FORMS")
    assert (project.lead, project.permission_scheme, project.assignee_type, project.url) == (
        world.bot.id, world.scheme, "PROJECT_LEAD", "https://github.com/OS2offdig/os2forms")
    assert state.count(method="POST") == 1


def test_a_lost_answer_on_create_returns_the_one_project(world, client, state):
    """The POST lands, its answer is a 503 with Retry-After; the library posts again and Jira says
    the key exists: it is this product's project (the marker), so it is returned, not made twice."""
    state.lose_answer_next(match=CREATE)
    made = run(client.create_project(spec(world)))
    assert made["key"] == "OS2FORMS" and MARKER in made["description"]
    assert list(state.projects) == ["OS2FORMS"]
    creates = [(r.method, r.status) for r in state.requests if r.method == "POST"]
    assert creates == [("POST", 503), ("POST", 400)]


def test_a_lost_answer_without_retry_after_is_transient_then_the_next_attempt_finds_the_project(world, client, state):
    state.lose_answer_next(status=502, retry_after=None, match=CREATE)
    with pytest.raises(TransientError) as lost:
        run(client.create_project(spec(world)))
    assert "502" in str(lost.value)
    assert run(client.create_project(spec(world)))["key"] == "OS2FORMS"
    assert list(state.projects) == ["OS2FORMS"]


def test_a_foreign_project_under_the_key_raises_foreign_project(world, client, state):
    state.add_project("OS2FORMS", "OS2forms (gammel)", lead=world.lars, description="Lavet i hånden")
    with pytest.raises(ForeignProject) as foreign:
        run(client.create_project(spec(world, name="OS2forms 2")))
    assert foreign.value.key == "OS2FORMS" and foreign.value.project["name"] == "OS2forms (gammel)"
    assert isinstance(foreign.value, PermanentError) and foreign.value.status == 400
    key = project_key("os2forms", taken={foreign.value.key})
    assert key == "OS2FORMS2"
    assert run(client.create_project(spec(world, key=key, name="OS2forms 2")))["key"] == "OS2FORMS2"


def test_a_key_held_by_a_project_the_bot_cannot_see_is_foreign_too(world, client, state):
    state.add_project("OS2FORMS", "OS2forms", lead=world.lars, description=MARKER)   # even with our marker
    state.trash_project("OS2FORMS")          # Cloud's trash: 404 to everyone, the key still taken
    assert run(client.project("OS2FORMS")) is None
    with pytest.raises(ForeignProject) as foreign:
        run(client.create_project(spec(world)))
    assert foreign.value.project is None and "cannot see" in str(foreign.value)


def test_a_spec_without_a_marker_is_refused(world):
    with pytest.raises(ValueError, match="marker"):
        spec(world, marker=" ")


def test_the_marker_is_not_added_twice(world, client):
    made = run(client.create_project(spec(world, description=f"OS2forms {MARKER}")))
    assert made["description"] == f"OS2forms {MARKER}"


def test_an_invalid_key_is_a_refusal_not_a_foreign_project(world, client, state):
    with pytest.raises(JiraRefused) as refused:
        run(client.create_project(spec(world, key="CON")))
    assert not isinstance(refused.value, ForeignProject)
    assert refused.value.status == 400
    assert refused.value.errors == {"projectKey": "This keyword is invalid as it is a reserved word on this operating system."}
    assert str(refused.value).endswith(": This keyword is invalid as it is a reserved word on this operating system.")


def test_a_taken_name_is_a_refusal_with_jiras_message(world, client, state):
    state.add_project("OTHER", "OS2forms", lead=world.lars)
    with pytest.raises(PermanentError, match="A project with that name already exists."):
        run(client.create_project(spec(world)))


def test_without_jira_admin_rights_create_is_403_with_atlassians_message(world, jira_server, state):
    world.bot.admin = False
    client = make_client(world, jira_server.url)
    with pytest.raises(PermanentError) as refused:
        run(client.create_project(spec(world)))
    assert refused.value.status == 403
    assert "You must have global administrator rights in order to modify projects." in str(refused.value)
    assert state.projects == {}


# --- people and roles ----------------------------------------------------------------------------

def test_find_user_by_email(world, client):
    assert run(client.find_user("mette@eksempel.dk")) == {"id": world.mette.id, "display_name": "Mette Eksempel"}
    assert run(client.find_user("METTE@eksempel.dk"))["id"] == world.mette.id
    assert run(client.find_user("nobody@eksempel.dk")) is None


def test_find_user_is_none_for_the_inactive_and_the_ambiguous(world, client, state):
    state.add_user("Inaktiv", "gone@eksempel.dk", active=False, name="gone")
    assert run(client.find_user("gone@eksempel.dk")) is None
    state.add_user("Lars To", "lars@leverandoer.dk", name="lars2")        # two accounts, one address
    assert run(client.find_user("lars@leverandoer.dk")) is None


def test_find_user_on_cloud_accepts_a_hidden_address_when_the_search_found_one_person(world, client, state):
    if world.flavour != "cloud":
        pytest.skip("e-mail visibility is a Cloud profile setting")
    world.mette.email_visible = False
    assert run(client.find_user("mette@eksempel.dk"))["id"] == world.mette.account_id
    state.add_user("Atlassian-app", "mette@eksempel.dk.app", account_type="app")
    assert run(client.find_user("mette@eksempel.dk"))["id"] == world.mette.account_id   # apps are not people


@pytest.fixture
def project(world, state) -> str:
    state.add_project("OS2FORMS", "OS2forms", lead=world.bot, description=MARKER)
    return "OS2FORMS"


def test_role_ids(client, project):
    assert run(client.role_ids(project)) == {"Administrators": 10002, "Users": 10001, "Developers": 10000}


def test_actors_are_added_read_and_removed(world, client, state, project):
    run(client.add_actors(project, 10000, users=[world.mette.id, world.lars.id], groups=["os2-sekretariatet"]))
    expected = {("user", world.mette.id), ("user", world.lars.id), ("group", "os2-sekretariatet")}
    assert run(client.role_actors(project, 10000)) == expected == state.role_actors(project, 10000)
    run(client.remove_actor(project, 10000, user=world.lars.id))
    run(client.remove_actor(project, 10000, group="os2-sekretariatet"))
    assert run(client.role_actors(project, 10000)) == {("user", world.mette.id)}


def test_adding_someone_already_there_is_done(world, client, state, project):
    state.add_actor(project, 10000, user=world.mette)
    run(client.add_actors(project, 10000, users=[world.mette.id]))
    run(client.add_actors(project, 10000, users=[world.mette.id, world.lars.id]))   # Jira refuses the pair: 400
    assert state.role_actors(project, 10000) == {("user", world.mette.id), ("user", world.lars.id)}
    assert [r.status for r in state.requests if r.method == "POST"] == [400, 400, 200]


def test_a_lost_answer_on_add_actors_is_done(world, client, state, project):
    state.lose_answer_next(match=r"^POST .*/role/10000$")
    run(client.add_actors(project, 10000, users=[world.mette.id]))
    assert state.role_actors(project, 10000) == {("user", world.mette.id)}
    assert [r.status for r in state.requests if r.method == "POST"] == [503, 400]


def test_adding_an_unknown_person_is_permanent_with_jiras_message(world, client, state, project):
    with pytest.raises(PermanentError, match="'nobody' could not be found") as refused:
        run(client.add_actors(project, 10000, users=["nobody", world.mette.id]))
    assert refused.value.status == 404
    assert state.role_actors(project, 10000) == set()


def test_removing_someone_not_there_is_done_but_an_unknown_project_is_not(world, client, state, project):
    run(client.remove_actor(project, 10000, user=world.mette.id))
    state.lose_answer_next(match=r"^DELETE ")
    state.add_actor(project, 10000, user=world.lars)
    run(client.remove_actor(project, 10000, user=world.lars.id))      # 503 + Retry-After, again: 404, checked: gone
    assert state.role_actors(project, 10000) == set()
    with pytest.raises(PermanentError, match="No project could be found with key 'NOPE'") as missing:
        run(client.remove_actor("NOPE", 10000, user=world.lars.id))
    assert missing.value.status == 404
    with pytest.raises(ValueError):
        run(client.remove_actor(project, 10000, user="a", group="b"))


def test_managing_roles_without_rights_is_403(world, jira_server, state, project):
    world.bot.admin = False
    client = make_client(world, jira_server.url)
    with pytest.raises(PermanentError, match="You cannot edit the configuration of this project.") as refused:
        run(client.add_actors(project, 10000, users=[world.mette.id]))
    assert refused.value.status == 403


# --- error kinds ----------------------------------------------------------------------------------

def test_wrong_credentials_are_permanent_401_and_never_show_the_token(world, jira_server, state):
    state.revoke_tokens(world.bot)
    client = make_client(world, jira_server.url, JIRA_FLAVOUR=world.flavour)
    with pytest.raises(PermanentError) as refused:
        run(client.myself())
    error = refused.value
    assert error.status == 401
    assert "You are not authenticated. Authentication required to perform this operation." in str(error)
    shown = "".join(traceback.format_exception(error))
    assert world.token not in shown and "Authorization" not in shown and error.__context__ is None


def test_a_503_is_transient_then_jira_is_back(world, client, state):
    state.fail_next(1, 503)
    with pytest.raises(TransientError) as down:
        run(client.project("OS2FORMS"))
    assert not isinstance(down.value, PermanentError)
    assert run(client.project("OS2FORMS")) is None


def test_a_503_with_retry_after_is_retried_in_place_once(world, client, state):
    state.fail_next(1, 503, retry_after=1)
    assert run(client.myself())["displayName"] == "OS2 bot"
    state.fail_next(2, 503, retry_after=30)
    with pytest.raises(TransientError) as down:
        run(client.myself())
    assert down.value.retry_after == 30
    assert [r.status for r in state.requests] == [503, 200, 503, 503]


def test_a_rate_limit_is_waited_out_once_then_handed_back_with_its_retry_after(world, client, state):
    state.rate_limit_next(1, retry_after=2)
    assert run(client.myself())
    state.rate_limit_next(2, retry_after=45)
    with pytest.raises(RateLimited) as limited:
        run(client.myself())
    assert limited.value.retry_after == 45


def test_a_slow_jira_times_out_as_transient(world, jira_server, state):
    client = make_client(world, jira_server.url, JIRA_TIMEOUT="0.3", JIRA_FLAVOUR=world.flavour)
    state.latency = 1.0
    with pytest.raises(TransientError, match="timed out"):
        run(client.myself())


def test_an_unreachable_jira_is_transient(world):
    client = make_client(world, "http://127.0.0.1:9", JIRA_FLAVOUR=world.flavour)
    started = time.monotonic()
    with pytest.raises(TransientError, match="unreachable"):
        run(client.myself())
    assert time.monotonic() - started < 3


# --- counting and the event loop ------------------------------------------------------------------

def test_every_request_is_counted_retries_included(world, client, state):
    state.lose_answer_next(match=CREATE)
    run(client.create_project(spec(world)))
    run(client.add_actors("OS2FORMS", 10000, users=[world.mette.id]))
    # serverInfo (auto flavour), POST 503, POST 400, GET project; POST actors
    assert client.counter.snapshot() == {"read": 2, "write": 3}
    assert client.counter.api_requests == len(state.requests) == 5 and client.counter.writes == state.count(write=True)
    client.counter.reset()
    assert client.counter.api_requests == 0


def test_calls_run_off_the_event_loop(world, jira_server, state):
    client = make_client(world, jira_server.url, JIRA_FLAVOUR=world.flavour)
    state.latency = 0.5

    async def go():
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.02)
                ticks += 1

        beat = asyncio.create_task(ticker())
        started = time.monotonic()
        found = await asyncio.gather(client.find_user("mette@eksempel.dk"), client.project("OS2FORMS"))
        elapsed = time.monotonic() - started
        beat.cancel()
        return found, ticks, elapsed

    (person, _), ticks, elapsed = run(go())
    assert person["id"] == world.mette.id
    assert ticks >= 10            # the loop kept turning while Jira was slow
    assert elapsed < 0.9          # the two calls overlapped (one after the other: 1 s)


# --- project keys (pure) ----------------------------------------------------------------------------

@pytest.mark.parametrize("name, taken, key", [
    ("os2forms", set(), "OS2FORMS"),
    ("os2-kitos-udvikling", set(), "OS2KITOSUD"),
    ("os2forms", {"OS2FORMS"}, "OS2FORMS2"),
    ("os2forms", {"os2forms", "OS2FORMS2"}, "OS2FORMS3"),
    ("os2-kitos-udvikling", {"OS2KITOSUD"}, "OS2KITOSU2"),
    ("OS2mo", set(), "OS2MO"),
    ("2fa-login", set(), "FALOGIN"),
    ("con", set(), "CON2"),
    ("x", set(), "OSX"),
    ("---", set(), "OS"),
    ("Ærø kommune", set(), "AEROEKOMMU"),
])
def test_project_key(name, taken, key):
    assert project_key(name, taken) == key


def test_project_key_letters_only_for_a_default_data_center():
    assert project_key("os2forms", digits=False) == "OSFORMS"
    assert project_key("os2forms", {"OSFORMS"}, digits=False) == "OSFORMSB"
    assert project_key("os2-kitos-udvikling", {"OSKITOSUDV"}, digits=False) == "OSKITOSUDB"


def test_project_keys_always_follow_jiras_rules():
    import re

    names = ["os2forms", "a", "", "9", "Ø", "os2-" * 20, "læs-mig", "CON", "lpt1", "x" * 40]
    for name in names:
        taken: set[str] = set()
        for _ in range(30):
            key = project_key(name, taken)
            assert re.fullmatch(r"[A-Z][A-Z0-9]{1,9}", key) and key not in taken and key not in {"CON", "LPT1"}
            taken.add(key)
