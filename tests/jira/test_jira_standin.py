"""The Jira stand-in, driven by the real `jira` library over HTTP: Jira's answers and error
shapes in both flavours, Atlassian's documented examples, and the hooks tests use to watch
and disturb it (request log, failures, lost answers, rate limits)."""

from __future__ import annotations

import json
import time

import pytest
import requests
from jira import JIRA, JIRAError

from bot.sandbox.jira import JiraStandin
from bot.sandbox.jira_state import JiraState
from tests.jira.support import World, fixture


def create(jira: JIRA, **payload):
    return jira._session.post(jira._get_url("project"), data=json.dumps(payload))


def payload(world: World, key: str = "OS2FORMS", name: str = "OS2forms", **extra):
    lead = "leadAccountId" if world.flavour == "cloud" else "lead"
    return {"key": key, "name": name, "projectTypeKey": "software", lead: world.bot.id, **extra}


def refusal(call) -> JIRAError:
    with pytest.raises(JIRAError) as caught:
        call()
    return caught.value


def body(error: JIRAError) -> dict:
    return error.response.json()


# --- server, identity, auth ---------------------------------------------------------------------

def test_server_info_names_the_flavour_and_needs_no_login(world, jira_server):
    anonymous = JIRA(jira_server.url, get_server_info=True, max_retries=0)
    expected = "Cloud" if world.flavour == "cloud" else "Server"
    assert anonymous.deploymentType == expected
    assert anonymous.server_info()["baseUrl"] == jira_server.url
    assert anonymous._is_cloud is (world.flavour == "cloud")


def test_myself_is_the_authenticated_account(world, library):
    me = library.myself()
    assert me["displayName"] == "OS2 bot"
    if world.flavour == "cloud":
        assert me["accountId"] == world.bot.account_id and "name" not in me
    else:
        assert (me["name"], me["key"]) == ("os2bot", world.bot.key)


def test_v3_is_cloud_only(world, jira_server, state):
    answer = requests.get(f"{jira_server.url}/rest/api/3/serverInfo", timeout=5)
    assert answer.status_code == (200 if world.flavour == "cloud" else 404)


def test_no_or_wrong_credentials_are_401_in_jiras_shape(world, jira_server):
    anonymous = JIRA(jira_server.url, get_server_info=False, max_retries=0)
    assert refusal(anonymous.myself).status_code == 401
    wrong = ({"basic_auth": (world.bot.email, "not-the-token")} if world.flavour == "cloud"
             else {"token_auth": "not-the-token"})
    error = refusal(JIRA(jira_server.url, **wrong, get_server_info=False, max_retries=0).myself)
    assert error.status_code == 401
    assert body(error) == {"errorMessages": ["You are not authenticated. Authentication required to perform "
                                             "this operation."], "errors": {}}


def test_each_flavour_takes_its_own_kind_of_credential(world, jira_server, state):
    token = world.token
    if world.flavour == "cloud":    # Cloud: e-mail + API token as basic auth; an API token is no Bearer token
        assert refusal(JIRA(jira_server.url, token_auth=token, get_server_info=False, max_retries=0).myself).status_code == 401
    else:                           # Data Center: a PAT is Bearer only; basic auth takes the password
        assert refusal(JIRA(jira_server.url, basic_auth=("os2bot", token), get_server_info=False,
                            max_retries=0).myself).status_code == 401
        state.set_password(world.bot, "hunter2")
        assert JIRA(jira_server.url, basic_auth=("os2bot", "hunter2"), get_server_info=False).myself()["name"] == "os2bot"


def test_a_deactivated_account_or_revoked_token_is_refused(world, library, state):
    assert library.myself()
    state.revoke_tokens(world.bot)
    assert refusal(library.myself).status_code == 401


# --- projects -----------------------------------------------------------------------------------

def test_create_answers_201_with_self_id_and_key_and_the_project_is_readable(world, library, state):
    answer = create(library, **payload(world, description="Formularer", categoryId=world.category,
                                       permissionScheme=world.scheme, assigneeType="PROJECT_LEAD"))
    assert answer.status_code == 201
    created = answer.json()
    documented = fixture("create-project.response.201.json")
    assert set(created) == set(documented) and type(created["id"]) is type(documented["id"])   # int, as documented
    project = library.project("OS2FORMS").raw
    assert project["id"] == str(created["id"]) and project["self"] == created["self"]
    assert project["description"] == "Formularer" and project["assigneeType"] == "PROJECT_LEAD"
    assert project["projectCategory"]["name"] == "OS2-produkter"
    assert project["lead"]["displayName"] == "OS2 bot"
    assert set(project["roles"]) == {"Administrators", "Users", "Developers"}
    assert [p.key for p in library.projects()] == ["OS2FORMS"]
    assert state.project("OS2FORMS").permission_scheme == world.scheme
    assert library.project(str(created["id"])).key == "OS2FORMS"          # by id as well


def test_a_missing_project_is_404_with_jiras_message(library):
    error = refusal(lambda: library.project("NOPE"))
    assert error.status_code == 404
    assert body(error) == {"errorMessages": ["No project could be found with key 'NOPE'."], "errors": {}}


def test_a_taken_key_and_name_are_400_in_errors(world, library):
    create(library, **payload(world))
    error = refusal(lambda: create(library, **payload(world)))
    assert error.status_code == 400
    assert body(error) == {"errorMessages": [], "errors": {
        "projectName": "A project with that name already exists.",
        "projectKey": "A project with that project key already exists."}}


@pytest.mark.parametrize("key, message", [
    ("os2forms", "pattern"),
    ("OS2FORMSPLUS", "The project key must not exceed 10 characters in length."),
    ("CON", "This keyword is invalid as it is a reserved word on this operating system."),
    ("", "You must specify a valid project key."),
])
def test_invalid_keys_are_refused_as_jira_words_it(world, library, state, key, message):
    if message == "pattern":
        message = state.key_warning
    error = refusal(lambda: create(library, **payload(world, key=key)))
    assert (error.status_code, body(error)["errors"]) == (400, {"projectKey": message})
    verdict = library._get_json("projectvalidate/key", params={"key": key})
    assert verdict == {"errorMessages": [], "errors": {"projectKey": message}}


def test_key_rules_differ_by_flavour(flavour, jira_server):
    """Cloud allows digits after the first letter; Data Center's default pattern is letters only."""
    state = JiraState(flavour)
    jira_server.state = state
    admin = state.add_user("Admin", "admin@os2.eu", admin=True)
    token = state.issue_token(admin)
    auth = {"basic_auth": ("admin@os2.eu", token)} if flavour == "cloud" else {"token_auth": token}
    jira = JIRA(jira_server.url, **auth, get_server_info=False, max_retries=0)
    verdict = jira._get_json("projectvalidate/key", params={"key": "OS2FORMS"})
    assert bool(verdict["errors"]) is (flavour == "datacenter")
    assert jira._get_json("projectvalidate/key", params={"key": "OSFORMS"})["errors"] == {}


def test_validate_says_a_free_key_is_free_and_a_taken_one_taken(world, library):
    assert library._get_json("projectvalidate/key", params={"key": "OS2FORMS"}) == {"errorMessages": [], "errors": {}}
    create(library, **payload(world))
    assert library._get_json("projectvalidate/key", params={"key": "OS2FORMS"})["errors"] == {
        "projectKey": "A project with that project key already exists."}


def test_a_trashed_project_is_gone_but_its_key_stays_taken(world, library, state):
    create(library, **payload(world))
    state.trash_project("OS2FORMS")
    assert refusal(lambda: library.project("OS2FORMS")).status_code == 404
    assert library.projects() == []
    error = refusal(lambda: create(library, **payload(world)))
    assert body(error)["errors"] == {"projectKey": "A project with that project key already exists."}


def test_the_lead_must_exist(world, library):
    error = refusal(lambda: create(library, **{**payload(world), ("leadAccountId" if world.flavour == "cloud"
                                                                   else "lead"): "nobody"}))
    assert body(error)["errors"] == {"projectLead": "The user you have specified as project lead does not exist."}
    lead_field = "leadAccountId" if world.flavour == "cloud" else "lead"
    error = refusal(lambda: create(library, **{k: v for k, v in payload(world).items() if k != lead_field}))
    assert body(error)["errors"] == {"projectLead": "You must specify a valid project lead."}


def test_unknown_scheme_or_category_is_400(world, library, state):
    error = refusal(lambda: create(library, **payload(world, permissionScheme=999, categoryId=998)))
    assert error.status_code == 400 and len(body(error)["errorMessages"]) == 2
    assert state.projects == {}


def test_only_a_jira_administrator_creates_projects(world, jira_server, state):
    jira = JIRA(jira_server.url, **world.auth(world.mette), get_server_info=False, max_retries=0)
    error = refusal(lambda: create(jira, **payload(world)))
    assert error.status_code == 403
    assert body(error) == {"errorMessages": ["You must have global administrator rights in order to modify projects."],
                           "errors": {}}
    assert state.projects == {}


def test_the_documented_cloud_create_example_is_accepted(jira_server):
    state = JiraState("cloud")
    jira_server.state = state
    admin = state.add_user("Mia Krystof", "mia@example.com", admin=True, account_id="5b10a0effa615349cb016cd8")
    state.add_permission_scheme("Example scheme", id=10011)
    state.add_category("FIRST", id=10120)
    jira = JIRA(jira_server.url, basic_auth=("mia@example.com", state.issue_token(admin)), get_server_info=False)
    request = fixture("create-project.request.json")
    answer = create(jira, **request)
    assert answer.status_code == 201 and answer.json()["key"] == "EX"
    project = jira.project("EX").raw
    documented = fixture("get-project.response.200.json")
    for field in ("self", "id", "key", "description", "lead", "assigneeType", "name", "roles", "avatarUrls",
                  "projectCategory", "simplified", "style", "url", "issueTypes", "components", "versions"):
        assert field in project and type(project[field]) is type(documented[field]), field
    assert set(project["lead"]) <= set(documented["lead"]) | {"emailAddress", "timeZone", "locale"}


def test_answers_use_only_fields_of_atlassians_schemas(world, library):
    """Contract: what the stand-in answers for roles and errors fits the OpenAPI description."""
    schemas = fixture("jira-cloud-platform-v3.project-endpoints.openapi-excerpt.json")["components"]["schemas"]
    create(library, **payload(world))
    library.project_role("OS2FORMS", 10000).add_user(users=[world.mette.id], groups=["os2-sekretariatet"])
    role = library.project_role("OS2FORMS", 10000).raw
    assert set(role) <= set(schemas["ProjectRole"]["properties"])
    for actor in role["actors"]:
        assert set(actor) <= set(schemas["RoleActor"]["properties"])
    error = refusal(lambda: create(library, **payload(world)))
    assert set(body(error)) <= set(schemas["ErrorCollection"]["properties"])


# --- roles and actors ---------------------------------------------------------------------------

@pytest.fixture
def project(world, library):
    create(library, **payload(world))
    return "OS2FORMS"


def test_project_roles_name_their_urls(library, project):
    documented = fixture("get-project-roles.response.200.json")
    roles = library.project_roles(project)
    assert set(roles) == set(documented)
    assert {name: r["id"] for name, r in roles.items()} == {name: url.rsplit("/", 1)[1] for name, url in documented.items()}


def test_actors_are_added_and_read_in_each_flavours_shape(world, library, project, state):
    role = library.project_role(project, 10000)
    role.add_user(users=[world.mette.id, world.lars.id], groups=["os2-sekretariatet"])
    actors = library.project_role(project, 10000).raw["actors"]
    assert [a["displayName"] for a in actors] == ["Lars Leverandør", "Mette Eksempel", "os2-sekretariatet"]
    user = actors[1]
    if world.flavour == "cloud":
        documented = fixture("get-project-role.response.200.json")["actors"]
        assert set(user) == set(documented[1]) and user["actorUser"] == {"accountId": world.mette.account_id}
        assert set(actors[2]) == set(documented[0])
    else:
        assert user["name"] == "mette" and "actorUser" not in user
    assert state.role_actors(project, "Developers") == {("user", world.mette.id), ("user", world.lars.id),
                                                       ("group", "os2-sekretariatet")}


def test_adding_someone_already_there_is_400_and_adds_nobody(world, library, project, state):
    library.project_role(project, 10000).add_user(users=[world.mette.id])
    error = refusal(lambda: library.project_role(project, 10000).add_user(users=[world.lars.id, world.mette.id]))
    assert error.status_code == 400
    assert body(error)["errorMessages"] == [f"'{world.mette.id}' is already a member of the project role."]
    assert state.role_actors(project, 10000) == {("user", world.mette.id)}


def test_adding_an_unknown_person_is_refused(library, project, state):
    error = refusal(lambda: library.project_role(project, 10000).add_user(users=["nobody"]))
    assert error.status_code == 404 and body(error)["errorMessages"] == ["'nobody' could not be found"]
    assert state.role_actors(project, 10000) == set()


def test_groups_by_id_as_documented(world, library, project, state):
    group_id = state.groups["os2-sekretariatet"].group_id
    answer = library._session.post(library._get_url(f"project/{project}/role/10000"),
                                   data=json.dumps({"groupId": [group_id]}))
    assert [a["name"] for a in answer.json()["actors"]] == ["os2-sekretariatet"]


def test_put_sets_exactly_the_actors_given(world, library, project, state):
    state.add_actor(project, 10000, user=world.lars)
    request = {"categorisedActors": {"atlassian-user-role-actor": [world.mette.id],
                                     "atlassian-group-role-actor": ["os2-sekretariatet"]}}
    answer = library._session.put(library._get_url(f"project/{project}/role/10000"), data=json.dumps(request))
    assert answer.status_code == 200
    assert state.role_actors(project, 10000) == {("user", world.mette.id), ("group", "os2-sekretariatet")}


def test_delete_removes_one_actor_then_404(world, library, project, state):
    state.add_actor(project, 10000, user=world.mette)
    state.add_actor(project, 10000, group="os2-sekretariatet")
    url = library._get_url(f"project/{project}/role/10000")
    assert library._session.delete(url, params={"user": world.mette.id}).status_code == 204
    assert state.role_actors(project, 10000) == {("group", "os2-sekretariatet")}
    error = refusal(lambda: library._session.delete(url, params={"user": world.mette.id}))
    assert error.status_code == 404
    assert library._session.delete(url, params={"group": "os2-sekretariatet"}).status_code == 204


def test_roles_are_for_project_administrators(world, jira_server, library, project, state):
    jira = JIRA(jira_server.url, **world.auth(world.mette), get_server_info=False, max_retries=0)
    error = refusal(lambda: jira.project_roles(project))
    assert error.status_code == 403
    assert body(error)["errorMessages"] == ["You cannot edit the configuration of this project."]
    state.add_actor(project, "Administrators", group="os2-sekretariatet")     # Mette is in the group
    assert "Developers" in jira.project_roles(project)
    assert refusal(lambda: jira.project_role(project, 99999)).status_code == 404


# --- people --------------------------------------------------------------------------------------

def test_user_search_by_email_in_each_flavour(world, library):
    if world.flavour == "cloud":
        found = library.search_users(query="mette@eksempel.dk")
        assert [u.accountId for u in found] == [world.mette.account_id]
        error = refusal(lambda: library.search_users(user="mette"))
        assert body(error)["errorMessages"] == ["The query parameter 'username' is not supported in GDPR strict mode."]
    else:
        found = library.search_users(user="mette@eksempel.dk")
        assert [u.name for u in found] == ["mette"]
        assert [u.name for u in library.search_users(user="mett")] == ["mette"]


def test_user_search_leaves_out_the_inactive_and_hidden_addresses(world, library, state):
    state.add_user("Mette Gammel", "mette.gammel@eksempel.dk", active=False, name="mgammel")
    term = {"query": "mette"} if world.flavour == "cloud" else {"user": "mette"}
    assert [u.displayName for u in library.search_users(**term)] == ["Mette Eksempel"]
    assert len(library.search_users(**term, includeInactive=True)) == 2
    if world.flavour == "cloud":
        world.mette.email_visible = False
        (mette,) = library.search_users(query="mette@eksempel.dk")
        assert "emailAddress" not in mette.raw


def test_group_members_are_paged(world, library, state):
    for n in range(3):
        state.add_user(f"Person {n}", f"p{n}@os2.eu", groups=("os2-sekretariatet",))
    page = library._get_json("group/member", params={"groupname": "os2-sekretariatet", "maxResults": 2})
    assert (page["total"], page["isLast"], len(page["values"])) == (4, False, 2)
    rest = library._get_json("group/member", params={"groupname": "os2-sekretariatet", "startAt": 2})
    assert rest["isLast"] and len(rest["values"]) == 2


def test_permission_schemes_and_categories(world, library):
    names = [s["name"] for s in library.permissionschemes()]
    assert names == ["Default Permission Scheme", "OS2 Permission Scheme"]
    assert [(c["id"], c["name"]) for c in library.projectcategories()] == [(str(world.category), "OS2-produkter")]


# --- watching and disturbing it ------------------------------------------------------------------

def test_the_log_counts_reads_writes_and_who(world, library, state, project):
    state.reset_counts()
    library.project(project)
    library.project_role(project, 10000).add_user(users=[world.mette.id])
    assert [(r.method, r.status) for r in state.requests] == [("GET", 200), ("GET", 200), ("POST", 200)]
    assert state.count(write=True) == 1 and state.count(method="GET", path=r"/rest/api/2/project/\w+") == 1
    assert {r.user for r in state.requests} == {world.bot.id}
    state.reset_counts()
    assert state.count() == 0


def test_a_failure_without_retry_after_is_not_retried_by_the_library(library, state):
    state.fail_next(1, 503)
    error = refusal(library.myself)
    assert error.status_code == 503 and "Service Unavailable" in error.response.text
    assert state.count() == 1
    assert library.myself()


def test_a_503_with_retry_after_is_retried_by_the_library(library, state):
    state.fail_next(1, 503, retry_after=1)
    assert library.myself()["displayName"] == "OS2 bot"
    assert [r.status for r in state.requests] == [503, 200]


def test_a_failure_can_target_one_method_and_route(world, library, state):
    state.fail_next(1, 500, match=r"^POST .*/project$")
    assert library.permissionschemes()         # a read is not affected
    assert refusal(lambda: create(library, **payload(world))).status_code == 500
    assert create(library, **payload(world)).status_code == 201


def test_a_lost_answer_happens_and_the_library_posts_again(world, jira_server, state):
    """What the client's "key already exists for the project we just made" path rests on:
    the write lands, the answer is a 503 with Retry-After, the library (as shipped) POSTs again."""
    jira = JIRA(jira_server.url, **world.auth(), get_server_info=False)        # the library's own defaults
    state.lose_answer_next(match=r"^POST .*/project$")
    started = time.monotonic()
    error = refusal(lambda: create(jira, **payload(world)))
    assert time.monotonic() - started >= 0.9               # it waited as asked (Retry-After: 1, at least half of 2 s)
    assert [(r.method, r.status) for r in state.requests] == [("POST", 503), ("POST", 400)]
    assert body(error)["errors"]["projectKey"] == "A project with that project key already exists."
    assert list(state.projects) == ["OS2FORMS"]


def test_a_rate_limit_answers_429_with_retry_after(library, state):
    state.rate_limit_next(2, retry_after=7)
    error = refusal(library.myself)                      # max_retries=1: two 429s exhaust it
    assert error.status_code == 429 and error.response.headers["Retry-After"] == "7"
    assert error.response.headers["X-RateLimit-Remaining"] == "0"
    state.rate_limit_next(1, retry_after=1)
    assert library.myself()
    assert [r.status for r in state.requests] == [429, 429, 429, 200]


def test_clear_faults_ends_an_outage(library, state):
    state.fail_next(100, 502)
    assert refusal(library.myself).status_code == 502
    state.clear_faults()
    assert library.myself()


def test_a_standin_serves_on_its_own_too():
    state = JiraState("datacenter")
    with JiraStandin(state) as server:
        assert server.url.startswith("http://127.0.0.1:") and not server.url.endswith(":0")
        assert requests.get(f"{server.url}/rest/api/2/serverInfo", timeout=5).json()["deploymentType"] == "Server"
        assert requests.get(f"{server.url}/rest/api/2/nothing", timeout=5).status_code == 404
    assert [r.status for r in state.requests] == [200, 404]
