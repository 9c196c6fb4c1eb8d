"""Column profiles: dates written in a format, far beyond the dates deckgen reads."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from deckgen.propose.profile import pd_dates, profile_table


def test_dates_past_the_nanosecond_range_are_no_dates_on_every_numpy() -> None:
    # Regression: the parsed dates were cast to nanoseconds first, which NumPy 2.5 refuses past
    # 2262 (OverflowError in `deckgen init`) and NumPy 2.4 wrapped round: 2600 read as 2015.
    texts = ["01/02/2600", "03/04/2026", "09/09/5360", "31/12/9999", "31/12/2262", "31/12/2199"]
    texts += ["01/01/1901", "31/12/1900", "not a date", "31/02/2026"]
    days = pd_dates(pa.chunked_array([pa.array(texts)]), "%d/%m/%Y")
    expected = ["NaT", "2026-04-03", "NaT", "NaT", "NaT", "2199-12-31", "1901-01-01", "NaT"]
    assert days.dtype == np.dtype("datetime64[ns]")
    assert days.tolist() == np.array([*expected, "NaT", "NaT"], "datetime64[ns]").tolist()


def test_a_column_of_far_future_dates_is_not_taken_for_dates() -> None:
    far = [f"{day:02d}/{month:02d}/2600" for day in range(13, 29) for month in (1, 2, 3)]
    near = [text.replace("/2600", "/2026") for text in far]
    profiles = profile_table(pa.table({"far": far, "near": near}))
    assert [(p.name, p.kind, p.date_format) for p in profiles] == [
        ("far", "text", None),
        ("near", "date", "%d/%m/%Y"),
    ]


def test_emails_and_order_numbers_are_told_from_random_tokens() -> None:
    rows = 40
    profiles = profile_table(
        pa.table(
            {
                "Email": [f"customer{i}@shop.example" for i in range(rows)],
                "Name": [f"#{1001 + i}" for i in range(rows)],
                "Invoice": [f"SO-{i:05d}" for i in range(rows)],
                "Token": [f"ch_3Mm{i:03d}Lr{i * 7:04d}kdIwH" for i in range(rows)],
                "Note": ["no address here"] * rows,
            }
        )
    )
    shapes = {p.name: (p.emails, p.numbered) for p in profiles}
    assert shapes == {
        "Email": (1.0, False),
        "Name": (0.0, True),
        "Invoice": (0.0, True),
        "Token": (0.0, False),
        "Note": (0.0, False),
    }
