"""The sample generator: deterministic, every sheet valid, and a story on every slide."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from deckgen.cli import cli, main
from deckgen.config import Settings
from deckgen.data.sample import generate_sample, write_sample
from deckgen.data.schema import SHEETS
from deckgen.data.validate import validate_frames
from deckgen.errors import ConfigError, InputError

CHECKED_IN = Path(__file__).parents[2] / "sample_data" / "sample.xlsx"
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")


@pytest.fixture(scope="module")
def story():
    """The default sample's tables (the checked-in workbook's content)."""
    return validate_frames(generate_sample(), Settings(), "sample").tables


def test_cli_defaults_write_the_checked_in_workbook_byte_for_byte(tmp_path):
    out = tmp_path / "s.xlsx"
    result = CliRunner().invoke(cli, ["sample", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == CHECKED_IN.read_bytes()
    assert "2,000 customers" in result.output
    assert "from November 2024 to October 2026" in result.output


def test_same_arguments_same_frames_other_seed_other_frames():
    first = generate_sample(customers=80, months=5, seed=3)
    again = generate_sample(customers=80, months=5, seed=3)
    other = generate_sample(customers=80, months=5, seed=4)
    for sheet in SHEETS:
        pd.testing.assert_frame_equal(first[sheet.name], again[sheet.name])
    assert not first["orders"].equals(other["orders"])


def test_window_and_size_follow_the_arguments(story):
    assert len(story.customers) == 2000
    assert story.orders["order_date"].min() >= pd.Timestamp("2024-11-01")
    assert story.orders["order_date"].max() <= pd.Timestamp("2026-10-31")
    months = story.channels["month"].dt.to_period("M")
    assert months.nunique() == 24
    assert (story.channels.groupby("month").size() == 8).all()


@pytest.mark.parametrize("lang", ["fa", "ar"])
def test_persian_and_arabic_samples_keep_the_structure_and_the_codes(lang):
    frames = generate_sample(customers=60, months=6, seed=1, lang=lang)
    english = generate_sample(customers=60, months=6, seed=1)
    for sheet in SHEETS:
        assert list(frames[sheet.name].columns) == [c.name for c in sheet.columns]
        for column in sheet.columns:
            if column.allowed:
                values = set(frames[sheet.name][column.name].dropna())
                assert values <= set(column.allowed), (sheet.name, column.name)
    for sheet, column in [
        ("customers", "city"),
        ("customers", "interests"),
        ("leads", "name"),
        ("feedback", "topic"),
        ("feedback", "text"),
    ]:
        assert frames[sheet][column].dropna().str.contains(ARABIC_SCRIPT).all(), column
    assert validate_frames(frames, Settings(lang=lang), lang).ok
    assert frames["orders"]["amount"].median() > english["orders"]["amount"].median()


def test_about_half_the_customers_buy_once(story):
    orders = story.orders.groupby("customer_id").size()
    assert 0.4 <= (orders == 1).mean() <= 0.65
    assert orders.max() >= 6


def test_holiday_months_sell_more(story):
    monthly = story.orders.groupby(story.orders["order_date"].dt.to_period("M")).size()
    holidays = monthly[[p.month in (11, 12) for p in monthly.index]]
    summer = monthly[[p.month in (6, 7, 8) for p in monthly.index]]
    assert holidays.mean() > summer.mean()


def test_channels_differ_in_conversion_cost_reach_and_loyalty(story):
    leads = story.leads
    conversion = leads.groupby("channel")["status"].apply(lambda s: (s == "converted").mean())
    assert conversion["trade_show"] > conversion["email"] > conversion["tv"]
    new = story.customers.groupby("acquisition_channel").size()
    spend = story.channels.groupby("channel")["spend"].sum()
    reach = story.channels.groupby("channel")["reach"].sum()
    cac = spend / new
    assert min(cac[["tv", "radio", "print"]]) > max(cac[["email", "seo"]])
    assert min(reach[["tv", "radio"]]) > max(reach[["email", "blog", "trade_show"]])
    orders = story.orders.groupby("customer_id").size()
    repeat = orders.reindex(story.customers["customer_id"]).to_numpy() > 1
    by_channel = pd.Series(repeat).groupby(story.customers["acquisition_channel"].to_numpy()).mean()
    assert by_channel["email"] > by_channel["social"]


def test_converted_leads_link_to_their_customers_first_order(story):
    converted = story.leads[story.leads["status"] == "converted"]
    assert converted["customer_id"].notna().all()
    first = story.orders.groupby("customer_id")["order_date"].min()
    assert (
        converted["converted_date"].to_numpy() == first.loc[converted["customer_id"]].to_numpy()
    ).all()
    assert (converted["created_date"] <= converted["converted_date"]).all()
    others = story.leads[story.leads["status"] != "converted"]
    assert others["customer_id"].isna().all()


def test_open_leads_are_recent_and_described(story):
    open_leads = story.leads[story.leads["status"] == "open"]
    assert len(open_leads) >= 100
    assert (open_leads["created_date"] >= pd.Timestamp("2026-10-31") - pd.Timedelta(days=120)).all()
    attributes = ["country", "region", "age", "income_band", "interest", "name"]
    assert open_leads[attributes].notna().all().all()


def test_recent_feedback_is_more_often_open(story):
    feedback = story.feedback
    assert set(feedback["kind"]) == {"comment", "complaint", "issue", "concern"}
    recent = feedback["date"] > pd.Timestamp("2026-09-15")
    unresolved = feedback["status"] != "resolved"
    assert unresolved[recent].mean() > unresolved[~recent].mean()
    resolved = feedback[~unresolved]
    assert resolved["resolved_date"].notna().all()
    assert (resolved["resolved_date"] >= resolved["date"]).all()
    assert feedback.loc[unresolved, "resolved_date"].isna().all()


def test_satisfaction_goes_with_repeat_buying_with_hostages_and_mercenaries(story):
    orders = story.orders.groupby("customer_id").size()
    surveys = story.surveys.assign(orders=orders.reindex(story.surveys["customer_id"]).to_numpy())
    repeat = surveys["orders"] > 1
    assert surveys.loc[repeat, "recommend"].mean() > surveys.loc[~repeat, "recommend"].mean()
    assert surveys["satisfaction"].corr(surveys["recommend"]) > 0.5
    assert ((surveys["satisfaction"] <= 2) & (surveys["orders"] >= 3)).sum() >= 5  # hostages
    assert ((surveys["satisfaction"] >= 4) & (surveys["orders"] == 1)).sum() >= 5  # mercenaries


def test_loyalty_club_has_every_event_tier_and_offer(story):
    loyalty = story.loyalty
    assert set(loyalty["event"]) == {
        "joined",
        "tier_change",
        "points_earned",
        "points_redeemed",
        "offer_redeemed",
        "referral",
    }
    assert set(loyalty["tier"]) == {"silver", "gold", "platinum"}
    assert set(loyalty["offer"].dropna()) == {
        "member_discount",
        "birthday_gift",
        "free_shipping",
        "referral_reward",
        "early_access",
    }
    members = story.customers[story.customers["loyalty_member"]]
    joined = loyalty[loyalty["event"] == "joined"].set_index("customer_id")["date"]
    assert joined.index.is_unique
    assert (
        joined.loc[members["customer_id"]].to_numpy() == members["loyalty_join_date"].to_numpy()
    ).all()
    balance = loyalty.groupby("customer_id")["points"].sum()
    assert (balance >= 0).all()


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"path": "sample.csv"}, InputError, "written as an .xlsx workbook"),
        ({"path": "missing/sample.xlsx"}, InputError, "does not exist"),
        ({"end": "2026-13"}, ConfigError, "month must be 1..12"),
        ({"end": "October"}, ConfigError, "YYYY-MM"),
        ({"lang": "de"}, ConfigError, "lang must be one of en, fa, ar"),
    ],
)
def test_bad_arguments_are_deckgen_errors(tmp_path, kwargs, error, message):
    path = tmp_path / kwargs.pop("path", "sample.xlsx")
    with pytest.raises(error, match=message):
        write_sample(path, customers=10, months=3, **kwargs)


def test_cli_bad_end_month_exits_2_with_one_message(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(
        sys, "argv", ["deckgen", "sample", "-o", str(tmp_path / "s.xlsx"), "--end", "2026-13"]
    )
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
    assert capsys.readouterr().err.strip() == "error: end: month must be 1..12, got 13"


def test_cli_folder_it_cannot_write_exits_2_and_leaves_nothing(tmp_path, monkeypatch, capsys):
    """A read-only folder (here: the zip file refused as it is opened, as the file system does,
    which a test run as root cannot get from chmod) is one message: it was a traceback."""

    def refused(file, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(file))

    monkeypatch.setattr("xlsxwriter.workbook.ZipFile", refused)
    output = tmp_path / "s.xlsx"
    monkeypatch.setattr(sys, "argv", ["deckgen", "sample", "-o", str(output), "--customers", "10"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
    assert capsys.readouterr().err.strip() == f"error: cannot write {output}: Permission denied"
    assert list(tmp_path.iterdir()) == []
