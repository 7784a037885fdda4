"""Level names and the level a report reaches, on hand-made criteria."""

import pytest

from bot.governance import Criterion, Mark, Report, achieved_level, level_gaps, parse_level


@pytest.mark.parametrize(
    "raw,level",
    [
        ("sandkasse", 0), ("Sandkasse", 0), ("SANDKASSE", 0), ("sandbox", 0), ("0", 0),
        ("1", 1), ("2", 2), ("3", 3), (" 2 ", 2), ("2.", 2), ("Niveau 2", 2), ("niveau2", 2),
        ("N3", 3), ("n1", 1), ("Level 1", 1), ("niveau: 3", 3), ("**2**", 2), ("<i>sandkasse</i>", 0),
        ("sandkasse (0)", 0), ("Niveau 0 (sandkasse)", 0), (1, 1), (0, 0),
    ],
)
def test_level_names_are_read(raw, level):
    assert parse_level(raw) == level


@pytest.mark.parametrize(
    "raw", ["", "4", "-1", "høj", "7", "Niveau 5", "1-2", "2 eller 3", "sandkasse (2)", None, 4, True, 2.0, "x" * 500]
)
def test_anything_else_is_no_level(raw):
    assert parse_level(raw) is None


def criterion(cid, level, mark=Mark.MET, recommendation=False):
    return Criterion(
        id=cid, text=cid, level=level, level_raw=str(level), recommendation=recommendation,
        mark=mark, mark_raw="", documentation="", section="", line=1,
    )


def report(*criteria):
    return Report(path=None, title=None, template_version=None, draft=False, criteria=criteria)


def full(**overrides):
    """One required criterion per level, all met, with overrides by id."""
    base = {"A0": 0, "A1": 1, "A2": 2, "A3": 3}
    return report(*(overrides.get(cid, criterion(cid, lvl)) for cid, lvl in base.items()))


def test_all_met_reaches_3():
    assert achieved_level(full()) == 3


@pytest.mark.parametrize("cid,expected", [("A0", None), ("A1", 0), ("A2", 1), ("A3", 2)])
def test_the_first_unmet_level_caps_the_result(cid, expected):
    assert achieved_level(full(**{cid: criterion(cid, int(cid[1]), Mark.NOT_MET)})) == expected


def test_a_higher_level_met_does_not_lift_a_lower_gap():
    r = full(A1=criterion("A1", 1, Mark.IN_DOUBT))
    assert achieved_level(r) == 0
    assert [c.id for c in level_gaps(r, 3).blocking] == ["A1"]


def test_not_relevant_counts_as_fulfilled():
    assert achieved_level(full(A2=criterion("A2", 2, Mark.NOT_RELEVANT))) == 3


@pytest.mark.parametrize("mark", [Mark.NOT_MET, Mark.IN_DOUBT, Mark.PLANNED, Mark.NOT_EVALUATED, Mark.UNREADABLE])
def test_every_other_mark_blocks(mark):
    assert achieved_level(full(A3=criterion("A3", 3, mark))) == 2


def test_recommendations_never_block_but_are_advised_up_to_the_target():
    r = report(*full().criteria, criterion("B2", 2, Mark.NOT_MET, recommendation=True))
    assert achieved_level(r) == 3
    assert [c.id for c in level_gaps(r, 2).advised] == ["B2"]
    assert level_gaps(r, 1).advised == ()


def test_a_met_recommendation_is_not_advised():
    r = report(*full().criteria, criterion("B2", 2, Mark.MET, recommendation=True))
    assert level_gaps(r, 3).advised == ()


def test_a_required_criterion_with_an_unread_level_blocks_every_level_even_when_met():
    r = report(*full().criteria, criterion("X", None, Mark.MET))
    assert achieved_level(r) is None
    assert [c.id for c in level_gaps(r, 0).blocking] == ["X"]


def test_a_recommendation_with_an_unread_level_never_blocks():
    r = report(*full().criteria, criterion("X", None, Mark.NOT_MET, recommendation=True))
    assert achieved_level(r) == 3
    assert [c.id for c in level_gaps(r, 0).advised] == ["X"]


def test_a_level_the_report_holds_no_criterion_for_cannot_be_reached():
    assert achieved_level(report(criterion("A0", 0), criterion("A1", 1))) == 1
    assert achieved_level(report(criterion("A0", 0), criterion("A2", 2))) == 0


def test_an_empty_report_reaches_nothing():
    assert achieved_level(report()) is None
    gaps = level_gaps(report(), 3)
    assert gaps.blocking == () and gaps.advised == () and gaps.reached and gaps.target == 3
