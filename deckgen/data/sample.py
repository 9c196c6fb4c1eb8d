"""Realistic, seeded sample data with all seven sheets (the `deckgen sample` command).

The story (sample_data/README.md tells it in full): a growing retailer acquires customers
through eight channels that differ in volume, cost, conversion and the loyalty of the
customers they bring. Each customer has a latent loyalty that drives repeat purchases, club
membership, satisfaction and feedback, so every slide has something to show. Everything is
vectorised numpy drawn from one seeded generator in a fixed order: the same arguments give the
same tables and, written out, the same bytes.
"""

from __future__ import annotations

import json
import os
import shlex
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter
import xlsxwriter.exceptions

from deckgen.config import CONFIG_NAME
from deckgen.data.sample_words import INTERESTS, PRODUCTS, TOPICS, WORDS, Words
from deckgen.data.schema import CHANNELS, FEEDBACK_KINDS, GENDERS, SEVERITIES, SHEETS
from deckgen.errors import ConfigError, InputError
from deckgen.period import Period


@dataclass(frozen=True)
class _Channel:
    """How one acquisition channel behaves in the sample."""

    mix: float  # share of new customers, 0..1
    tracked: float  # share of its customers that left a lead record, 0..1
    conversion: float  # share of its leads that become customers, 0..1
    lag_days: float  # mean days from lead to first order
    repeat: float  # base chance of a second order, 0..1
    cac_usd: float  # spend per new customer, US dollars
    reach_per_usd: float  # people reached per dollar spent
    season: tuple[float, ...]  # volume multiplier per calendar month, Jan..Dec


_FLAT = (1.0,) * 12
_CHANNELS: dict[str, _Channel] = {
    "trade_show": _Channel(0.06, 0.95, 0.35, 30, 0.62, 150, 2, (0.3, 0.3, 4, 0.3, 0.3, 0.3, 0.3, 0.3, 4, 0.6, 0.3, 0.3)),
    "email": _Channel(0.16, 0.95, 0.22, 6, 0.60, 12, 70, _FLAT),
    "seo": _Channel(0.20, 0.90, 0.16, 10, 0.52, 22, 160, _FLAT),
    "social": _Channel(0.22, 0.90, 0.10, 8, 0.36, 55, 90, (1, 1, 1, 1, 1.1, 1.1, 1.1, 1, 1, 1, 1.3, 1.3)),
    "blog": _Channel(0.07, 0.85, 0.12, 14, 0.50, 35, 80, _FLAT),
    "tv": _Channel(0.12, 0.45, 0.06, 18, 0.38, 320, 260, (0.8, 0.6, 0.8, 0.8, 0.8, 0.5, 0.5, 0.5, 0.9, 1.2, 1.9, 1.9)),
    "radio": _Channel(0.07, 0.45, 0.07, 16, 0.42, 210, 220, _FLAT),
    "print": _Channel(0.10, 0.55, 0.08, 20, 0.45, 170, 120, (0.9, 0.8, 1, 1, 1, 0.8, 0.8, 0.8, 1, 1.1, 1.4, 1.4)),
}  # fmt: skip


def _channel_array(field: str) -> np.ndarray:
    return np.array([getattr(_CHANNELS[code], field) for code in CHANNELS], dtype=float)


_RETAIL_SEASON = np.array([0.85, 0.8, 0.9, 0.95, 1.0, 0.95, 0.9, 0.9, 1.0, 1.05, 1.35, 1.5])
_GENDER_SHARE = (0.52, 0.45, 0.01, 0.02)  # in GENDERS order
_INCOMES = np.array(["low", "middle", "high"], dtype=object)
_INCOME_PRICE = np.array([0.8, 1.0, 1.35])
_INCOME_LOYALTY = np.array([-0.1, 0.0, 0.15])
_INCOME_CONVERSION = np.array([-0.3, 0.0, 0.4])
# Per interest, in INTERESTS order: popularity, effect on loyalty, effect on lead conversion.
_INTEREST_SHARE = np.array([1.0, 1.3, 1.5, 1.0, 0.9, 0.8, 0.7, 0.9, 0.8, 0.6])
_INTEREST_LOYALTY = np.array([0.1, 0.35, 0.0, 0.05, -0.15, -0.25, 0.1, 0.3, 0.15, 0.25])
_INTEREST_CONVERSION = np.array([0.1, 0.3, 0.2, 0.0, -0.1, -0.2, 0.0, 0.15, 0.1, 0.05])
_INTEREST_PRODUCTS: dict[str, tuple[str, ...]] = {
    "outdoor": ("outdoor_gear", "footwear"),
    "fitness": ("sportswear", "footwear"),
    "fashion": ("apparel", "accessories", "footwear"),
    "home": ("home", "kitchen"),
    "travel": ("accessories", "apparel"),
    "tech": ("electronics",),
    "cooking": ("kitchen",),
    "wellness": ("beauty", "sportswear"),
    "family": ("home", "apparel"),
    "sustainability": ("apparel", "home"),
}
_PRODUCT_PRICE_USD = np.array([70, 95, 45, 65, 140, 80, 60, 40, 180])  # in PRODUCTS order
_TIERS = np.array(["silver", "gold", "platinum"], dtype=object)
_TIER_POINTS = np.array([300, 900])  # cumulative points that reach gold, platinum
_SEVERITY_BY_KIND = np.array(
    [
        [0.85, 0.15, 0.0, 0.0],  # comment
        [0.10, 0.45, 0.35, 0.10],  # complaint
        [0.10, 0.40, 0.35, 0.15],  # issue
        [0.50, 0.40, 0.10, 0.0],  # concern
    ]
)  # kind (FEEDBACK_KINDS order) x severity (SEVERITIES order)
_RESOLVE_DAYS = np.array([16.0, 10.0, 6.0, 3.0])  # mean days to resolve, by severity
_TOPIC_BY_KIND = np.array(
    [
        [0.25, 0.30, 0.15, 0.15, 0.10, 0.05],
        [0.30, 0.20, 0.10, 0.20, 0.08, 0.12],
        [0.25, 0.15, 0.10, 0.10, 0.25, 0.15],
        [0.15, 0.20, 0.30, 0.15, 0.10, 0.10],
    ]
)  # kind x topic (TOPICS order)
_EPOCH = np.datetime64("1970-01-01", "D")


def generate_sample(
    *,
    customers: int = 2000,
    months: int = 24,
    end: str = "2026-10",
    seed: int = 7,
    lang: str = "en",
) -> dict[str, pd.DataFrame]:
    """The seven sample sheets as frames in deckgen's names, keyed by sheet name."""
    if lang not in WORDS:
        raise ConfigError(f"lang must be one of {', '.join(WORDS)}; got {lang!r}")
    if customers < 1 or months < 1:
        raise ConfigError(f"customers and months must be at least 1; got {customers}, {months}")
    return _Generator(customers, _first_period(end, months), months, seed, WORDS[lang]).frames()


def write_sample(
    path: Path,
    *,
    customers: int = 2000,
    months: int = 24,
    end: str = "2026-10",
    seed: int = 7,
    lang: str = "en",
) -> str:
    """Write the sample workbook to `path` (.xlsx) and return a one-paragraph summary."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"the sample is written as an .xlsx workbook, not {path.name!r}")
    frames = generate_sample(customers=customers, months=months, end=end, seed=seed, lang=lang)
    first = _first_period(end, months)
    last = first.shift(months - 1)
    # The file's creation date is the day after the data ends: fixed, so the bytes are too.
    write_workbook(frames, path, created=datetime.combine(last.shift(1).start, datetime.min.time()))
    counts = {name: f"{len(frame):,}" for name, frame in frames.items()}
    words = WORDS[lang]
    config, applies = _write_sample_config(path.parent / CONFIG_NAME, path.name, words, lang)
    render = f"deckgen render {shlex.quote(str(path))} -o deck.pptx"
    if not applies:  # the flags then give the sample's settings all the same
        render += f" --lang {lang} --currency {words.currency} --client {shlex.quote(words.client)}"
    return (
        f"Wrote {path}: {counts['customers']} customers and {counts['orders']} orders from "
        f"{first.start:%B %Y} to {last.end:%B %Y}, {counts['leads']} leads, "
        f"{counts['channels']} channel-months of spend and reach, {counts['feedback']} feedback "
        f"items, {counts['surveys']} survey answers and {counts['loyalty']} loyalty-club events "
        f"(seed {seed}, language {lang}, amounts in {words.currency}); {config}. "
        f"Check it with: deckgen validate {path}; render it with: {render}"
    )


def sample_config(workbook: str, words: Words, lang: str) -> str:
    """The deckgen.toml text naming the sample's client, currency and language."""
    return (
        f"# deckgen.toml for {workbook}, written by `deckgen sample`. The sample uses deckgen's\n"
        "# sheet and column names, so it needs no [sheets] mapping (see docs/data-format.md).\n"
        f"client = {json.dumps(words.client, ensure_ascii=False)}\n"
        f'currency = "{words.currency}"\n'
        f'lang = "{lang}"\n'
    )


def _write_sample_config(path: Path, workbook: str, words: Words, lang: str) -> tuple[str, bool]:
    """Write the sample's deckgen.toml unless one is there. Returns what was done (for the
    summary) and whether the file now gives the sample's settings.

    An existing file is never overwritten: a consultant's edits may be in it.
    """
    text = sample_config(workbook, words, lang)
    try:
        with path.open("x", encoding="utf-8") as handle:  # "x": fails if the file exists
            handle.write(text)
    except FileExistsError:
        try:
            same = _settings_of(path.read_text(encoding="utf-8")) == _settings_of(text)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            same = False
        if same:
            return f"its settings are already in {path}", True
        return (
            f"left the existing {path} unchanged (it names another client, currency or language)",
            False,
        )
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    return f"client, currency and language written to {path}", True


def _settings_of(text: str) -> tuple[object, ...]:
    """The settings the sample's config decides, as a TOML text gives them."""
    data = tomllib.loads(text)
    return tuple(data.get(key) for key in ("client", "currency", "lang"))


def write_workbook(frames: dict[str, pd.DataFrame], path: Path, *, created: datetime) -> None:
    """Write `frames` as the sheets of an .xlsx file; the same frames give the same bytes."""
    path = Path(path)
    if not path.parent.is_dir():
        raise InputError(f"cannot write {path}: the folder {path.parent} does not exist")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # renamed when complete
    try:
        book = xlsxwriter.Workbook(tmp)
        book.set_properties({"created": created, "author": "deckgen"})
        header = book.add_format({"bold": True, "bg_color": "#DDE4EE", "bottom": 1})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        for name, frame in frames.items():
            _write_sheet(book.add_worksheet(name), frame, header, day)
        book.close()
        os.replace(tmp, path)
    except (OSError, xlsxwriter.exceptions.FileCreateError) as exc:
        # xlsxwriter wraps the OSError of its file (a read-only folder, a full disk) in its own.
        reason = exc.args[0] if isinstance(exc, xlsxwriter.exceptions.FileCreateError) else exc
        raise InputError(
            f"cannot write {path}: {getattr(reason, 'strerror', None) or reason}"
        ) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _write_sheet(sheet, frame: pd.DataFrame, header, day) -> None:
    sheet.freeze_panes(1, 0)
    for col, name in enumerate(frame.columns):
        sheet.write_string(0, col, name, header)
        values = frame[name]
        present = values.notna().to_numpy()
        width = len(name)
        if pd.api.types.is_datetime64_any_dtype(values):
            serial = (values - pd.Timestamp("1899-12-30")) / pd.Timedelta(days=1)
            _write_cells(sheet.write_number, col, serial.to_numpy(), present, day)
            width = max(width, 10)
        elif pd.api.types.is_bool_dtype(values):
            _write_cells(sheet.write_boolean, col, values.to_numpy(dtype=object), present)
        elif pd.api.types.is_numeric_dtype(values):
            _write_cells(sheet.write_number, col, values.to_numpy(dtype=float), present)
            width = max(width, 8)
        elif isinstance(values.dtype, pd.StringDtype):
            _write_cells(sheet.write_string, col, values.to_numpy(dtype=object), present)
            if present.any():
                width = max(width, min(40, int(values.str.len().max())))
        else:  # mixed cells, as in a hand-made test workbook
            write = partial(_write_any, sheet, day)
            _write_cells(write, col, values.to_numpy(dtype=object), present)
        sheet.set_column(col, col, width + 2)


def _write_any(sheet, day, row: int, col: int, value: object, fmt=None) -> None:
    """Write one cell of any type: dates, booleans, numbers or text."""
    if isinstance(value, datetime | date):
        sheet.write_datetime(row, col, value, day)
    elif isinstance(value, bool | np.bool_):
        sheet.write_boolean(row, col, bool(value))
    elif isinstance(value, int | float | np.number):
        sheet.write_number(row, col, float(value))
    else:
        sheet.write_string(row, col, str(value))


def _write_cells(write, col: int, values: np.ndarray, present: np.ndarray, fmt=None) -> None:
    # xlsxwriter takes one cell per call; this loop runs only when writing a sample file.
    for row, value in zip(np.flatnonzero(present).tolist(), values[present].tolist(), strict=True):
        write(row + 1, col, value, fmt)


def _first_period(end: str, months: int) -> Period:
    try:
        return Period.parse(end).shift(1 - months)
    except ValueError as exc:
        raise ConfigError(f"end: {exc}") from None


def _day_number(day: date) -> int:
    return int((np.datetime64(day, "D") - _EPOCH).astype(int))


def _calendar_month(days: np.ndarray) -> np.ndarray:
    """Calendar month 0..11 of day numbers."""
    return (_EPOCH + days.astype("timedelta64[D]")).astype("datetime64[M]").astype(int) % 12


def _dates(days: np.ndarray) -> np.ndarray:
    """Day numbers as datetime64[ns]; negative day numbers stand for missing (NaT)."""
    out = (_EPOCH + np.maximum(days, 0).astype("timedelta64[D]")).astype("datetime64[ns]")
    return np.where(days >= 0, out, np.datetime64("NaT", "ns"))


def _ids(prefix: str, count: int) -> np.ndarray:
    """`count` ids like C00001, numbered from 1, zero-padded to a common width."""
    width = max(5, len(str(count)))
    digits = np.arange(1, count + 1)[:, None] // 10 ** np.arange(width - 1, -1, -1) % 10
    chars = np.concatenate([np.full((count, 1), ord(prefix)), digits + ord("0")], axis=1)
    return chars.astype(np.uint8).view(f"S{width + 1}").ravel().astype(str).astype(object)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: np.ndarray | float) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    return np.log(p / (1 - p))


def _pick(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One index per row of `weights` (rows need not sum to 1)."""
    cumulative = np.cumsum(weights, axis=1)
    draw = rng.random(len(weights)) * cumulative[:, -1]
    return np.minimum((draw[:, None] >= cumulative).sum(axis=1), weights.shape[1] - 1)


class _Generator:
    """One sample: every sheet drawn from one seeded random generator, in a fixed order."""

    def __init__(self, customers: int, first: Period, months: int, seed: int, words: Words):
        self.n = customers
        self.rng = np.random.default_rng(seed)
        self.words = words
        periods = tuple(first.shift(k) for k in range(months))
        self.month_start = np.array([_day_number(p.start) for p in periods])
        self.month_days = np.array([p.days for p in periods])
        self.start = int(self.month_start[0])
        self.end = _day_number(periods[-1].end)
        self.years = range(periods[0].start.year, periods[-1].end.year + 1)
        calendar_month = np.array([p.month - 1 for p in periods])
        trend = np.linspace(1.0, 1.6, months)  # the business grows over the window
        channel_season = np.array([_CHANNELS[c].season for c in CHANNELS])[:, calendar_month]
        weight = trend * _RETAIL_SEASON[calendar_month] * channel_season  # channel x month
        self.channel_month_share = weight / weight.sum(axis=1, keepdims=True)
        self.city_effect = self.rng.normal(0, 0.3, len(words.places))
        self.customers = pd.DataFrame()
        self.leads = pd.DataFrame()
        self.orders = pd.DataFrame()
        self.ids = np.array([], dtype=object)

    def frames(self) -> dict[str, pd.DataFrame]:
        """All seven sheets in schema order."""
        self._draw_customers_and_leads()
        self._draw_orders()
        self._draw_club()
        self.ids = _ids("C", self.n)[self.customers["rank"].to_numpy()]
        frames = {
            "customers": self._customer_sheet(),
            "orders": self._order_sheet(),
            "leads": self._lead_sheet(),
            "channels": self._channel_sheet(),
            "feedback": self._feedback_sheet(),
            "surveys": self._survey_sheet(),
            "loyalty": self._loyalty_sheet(),
        }
        return {sheet.name: frames[sheet.name] for sheet in SHEETS}

    # -- people, customers and leads -------------------------------------------------------

    def _people(self, n: int) -> pd.DataFrame:
        """Attributes of `n` people (customers or prospects) as integer codes."""
        rng = self.rng
        place_weight = np.array([p.weight for p in self.words.places], dtype=float)
        age = np.clip(np.rint(rng.normal(38, 12, n)), 18, 79).astype(int)
        low = 0.3 + 0.15 * (age < 25) - 0.1 * (age >= 45)
        high = 0.2 - 0.1 * (age < 25) + 0.1 * (age >= 45)
        draw = rng.random(n)
        # Up to three distinct interests by popularity (Gumbel top-k); the first is the main one.
        keys = np.log(_INTEREST_SHARE) + rng.gumbel(size=(n, len(INTERESTS)))
        top = np.argsort(-keys, axis=1)[:, :3]
        return pd.DataFrame(
            {
                "place": rng.choice(len(place_weight), n, p=place_weight / place_weight.sum()),
                "age": age,
                "gender": rng.choice(len(GENDERS), n, p=_GENDER_SHARE),
                "income": (draw > low).astype(int) + (draw > 1 - high),
                "interest1": top[:, 0],
                "interest2": top[:, 1],
                "interest3": top[:, 2],
                "interests": rng.choice(3, n, p=[0.35, 0.4, 0.25]) + 1,
                "first_name": rng.integers(0, 1 << 20, n),
                "surname": rng.integers(0, len(self.words.surnames), n),
            }
        )

    def _conversion_odds(self, people: pd.DataFrame) -> np.ndarray:
        """Relative odds that prospects with these attributes become customers."""
        age = people["age"].to_numpy()
        return np.exp(
            _INCOME_CONVERSION[people["income"].to_numpy()]
            + 0.35 * ((age >= 25) & (age < 45))
            + _INTEREST_CONVERSION[people["interest1"].to_numpy()]
            + self.city_effect[people["place"].to_numpy()]
        )

    def _day_in_channel_month(self, channel: np.ndarray) -> np.ndarray:
        """A day in a month drawn from each channel's monthly volume."""
        month = np.zeros(len(channel), dtype=int)
        for code, share in enumerate(self.channel_month_share):
            rows = np.flatnonzero(channel == code)
            month[rows] = self.rng.choice(len(share), len(rows), p=share)
        offset = np.floor(self.rng.random(len(channel)) * self.month_days[month]).astype(int)
        return self.month_start[month] + offset

    def _draw_customers_and_leads(self) -> None:
        rng, n = self.rng, self.n
        channel = rng.choice(len(CHANNELS), n, p=_channel_array("mix"))
        tracked = rng.random(n) < _channel_array("tracked")[channel]
        tracked[0] = True  # at least one lead converts, however small the sample
        first = self._day_in_channel_month(channel)

        # A channel's tracked customers are its converted leads, chosen among all its leads
        # with odds that depend on the prospect's attributes (what prospect scoring learns).
        converters = np.bincount(channel[tracked], minlength=len(CHANNELS))
        total = np.where(
            converters > 0,
            np.maximum(np.ceil(converters / _channel_array("conversion")), converters + 1),
            0,
        ).astype(int)
        lead_channel = np.repeat(np.arange(len(CHANNELS)), total)
        leads = self._people(len(lead_channel))
        # Weighted sampling without replacement per channel (Efraimidis-Spirakis keys).
        key = np.log(rng.random(len(leads))) / self._conversion_odds(leads)
        by_key = np.lexsort((-key, lead_channel))
        group_start = np.concatenate(([0], np.cumsum(total)[:-1]))
        rank_in_channel = np.arange(len(leads)) - group_start[lead_channel[by_key]]
        converted = np.zeros(len(leads), dtype=bool)
        converted[by_key] = rank_in_channel < converters[lead_channel[by_key]]

        tracked_idx = np.flatnonzero(tracked)
        tracked_idx = tracked_idx[np.argsort(channel[tracked_idx], kind="stable")]
        converted_idx = np.flatnonzero(converted)  # already grouped by channel
        customer_of = np.full(len(leads), -1)
        customer_of[converted_idx] = tracked_idx

        customers = self._people(n)
        customers.iloc[tracked_idx] = leads.iloc[converted_idx].to_numpy()
        customers["channel"] = channel
        customers["first"] = first
        customers["loyalty"] = (
            rng.normal(0, 1, n)
            + _INTEREST_LOYALTY[customers["interest1"].to_numpy()]
            + _INCOME_LOYALTY[customers["income"].to_numpy()]
        )
        customers["spend_level"] = np.exp(rng.normal(0, 0.2, n))
        # Customer ids follow the first order, as a shop system numbers its customers.
        customers["rank"] = np.argsort(np.lexsort((rng.random(n), first)))

        lag = np.rint(rng.gamma(2.0, _channel_array("lag_days")[lead_channel] / 2)).astype(int)
        created = self._day_in_channel_month(lead_channel)
        created[converted] = np.maximum(self.start, first[tracked_idx] - lag[converted])
        age = self.end - created
        draw = rng.random(len(leads))
        still_open = ((age <= 60) & (draw < 0.9)) | ((age > 60) & (age <= 120) & (draw < 0.15))
        leads["channel"] = lead_channel
        leads["created"] = created
        leads["status"] = np.where(converted, "converted", np.where(still_open, "open", "lost"))
        leads["customer"] = customer_of
        self.customers, self.leads = customers, leads

    # -- orders and the club -----------------------------------------------------------------

    def _draw_orders(self) -> None:
        rng, customers = self.rng, self.customers
        n = len(customers)
        loyalty = customers["loyalty"].to_numpy()
        repeat = _channel_array("repeat")[customers["channel"].to_numpy()]
        second = _logit(repeat) + 0.9 * loyalty  # log-odds of a second order
        later = _logit(0.72) + 0.9 * loyalty  # log-odds of each further order
        gap_mean = np.clip(75 * np.exp(-0.3 * loyalty), 25, 200)  # days between orders
        # Club members join at their first or second order and then buy more often.
        wants_club = rng.random(n) < _sigmoid(-1.1 + 0.9 * loyalty)
        join_at = np.where(rng.random(n) < 0.45, 1, 2)
        peak = _RETAIL_SEASON.max()

        last = customers["first"].to_numpy().copy()
        count = np.ones(n, dtype=int)
        who, day, number = [np.arange(n)], [last.copy()], [np.zeros(n, dtype=int)]
        alive = np.ones(n, dtype=bool)
        while alive.any():
            idx = np.flatnonzero(alive)
            member = wants_club[idx] & (count[idx] >= join_at[idx])
            odds = np.where(count[idx] == 1, second[idx], later[idx]) + 0.5 * member
            stays = rng.random(len(idx)) < _sigmoid(odds)
            alive[idx[~stays]] = False
            pending = idx[stays]
            while pending.size:
                gap = 3 + rng.gamma(1.5, gap_mean[pending] / 1.5)
                candidate = last[pending] + np.rint(gap).astype(int)
                in_window = candidate <= self.end
                alive[pending[~in_window]] = False
                pending, candidate = pending[in_window], candidate[in_window]
                last[pending] = candidate
                # Demand is seasonal: an intent to buy in a slow month may come to nothing.
                season = _RETAIL_SEASON[_calendar_month(candidate)] / peak
                accept = rng.random(pending.size) < season
                bought = pending[accept]
                who.append(bought)
                day.append(candidate[accept])
                number.append(count[bought])
                count[bought] += 1
                pending = pending[~accept]

        orders = pd.DataFrame(
            {
                "customer": np.concatenate(who),
                "day": np.concatenate(day),
                "number": np.concatenate(number),  # 0 = first order
            }
        )
        orders["rank"] = customers["rank"].to_numpy()[orders["customer"].to_numpy()]
        orders = orders.sort_values(["day", "rank"], ignore_index=True)
        customers["orders"] = count
        customers["member"] = wants_club & (count >= join_at)
        customers["join_at"] = join_at
        if not customers["member"].any():  # at least one member, however small the sample
            best = int(np.argmax(count))
            customers.loc[best, ["member", "join_at"]] = [True, 1]
        self.orders = orders
        self._price_orders()

    def _price_orders(self) -> None:
        """Product category and value (US dollars) of each order."""
        rng, orders, customers = self.rng, self.orders, self.customers
        who = orders["customer"].to_numpy()
        main = customers["interest1"].to_numpy()[who]
        choices = [[PRODUCTS.index(p) for p in _INTEREST_PRODUCTS[i]] for i in INTERESTS]
        table = np.array([np.resize(c, 6) for c in choices])  # 6 divides 1, 2 and 3 choices
        liked = table[main, rng.integers(0, 6, len(orders))]
        product = np.where(
            rng.random(len(orders)) < 0.65, liked, rng.integers(0, len(PRODUCTS), len(orders))
        )
        holiday = _calendar_month(orders["day"].to_numpy()) >= 10
        orders["product"] = product
        orders["usd"] = np.maximum(
            5.0,
            _PRODUCT_PRICE_USD[product]
            * _INCOME_PRICE[customers["income"].to_numpy()[who]]
            * customers["spend_level"].to_numpy()[who]
            * np.exp(rng.normal(0, 0.35, len(orders)))
            * np.where(holiday, 1.12, 1.0)
            * np.where(orders["number"].to_numpy() == 0, 0.9, 1.0),
        )

    def _draw_club(self) -> None:
        """Join day of each member: the day of the order at which they joined."""
        customers, orders = self.customers, self.orders
        join_number = customers["join_at"].to_numpy()[orders["customer"].to_numpy()] - 1
        member = customers["member"].to_numpy()[orders["customer"].to_numpy()]
        joins = orders[member & (orders["number"].to_numpy() == join_number)]
        join_day = np.full(len(customers), -1)
        join_day[joins["customer"].to_numpy()] = joins["day"].to_numpy()
        customers["join_day"] = join_day

    # -- sheets ------------------------------------------------------------------------------

    def _labels(self, people: pd.DataFrame) -> dict[str, np.ndarray]:
        """Place, income and interest labels of people, in the sample's language."""
        words = self.words
        place = people["place"].to_numpy()
        interest = np.array([words.interests[k] for k in INTERESTS], dtype=object)
        count = people["interests"].to_numpy()
        joined = interest[people["interest1"].to_numpy()]
        for extra, column in ((2, "interest2"), (3, "interest3")):
            more = ";" + interest[people[column].to_numpy()]
            joined = joined + np.where(count >= extra, more, "")
        return {
            "country": np.array([p.country for p in words.places], dtype=object)[place],
            "region": np.array([p.region for p in words.places], dtype=object)[place],
            "city": np.array([p.city for p in words.places], dtype=object)[place],
            "age": people["age"].to_numpy(),
            "gender": np.array(GENDERS, dtype=object)[people["gender"].to_numpy()],
            "income_band": _INCOMES[people["income"].to_numpy()],
            "interest": interest[people["interest1"].to_numpy()],
            "interests": joined,
        }

    def _customer_sheet(self) -> pd.DataFrame:
        c = self.customers.iloc[np.argsort(self.customers["rank"].to_numpy())]
        labels = self._labels(c)
        signup = np.maximum(self.start, c["first"].to_numpy() - self.rng.integers(0, 3, len(c)))
        return pd.DataFrame(
            {
                "customer_id": self.ids[c.index.to_numpy()],
                "signup_date": _dates(signup),
                "country": labels["country"],
                "region": labels["region"],
                "city": labels["city"],
                "age": labels["age"],
                "gender": labels["gender"],
                "income_band": labels["income_band"],
                "interests": labels["interests"],
                "acquisition_channel": np.array(CHANNELS, dtype=object)[c["channel"].to_numpy()],
                "loyalty_member": c["member"].to_numpy(),
                "loyalty_join_date": _dates(c["join_day"].to_numpy()),
            }
        )

    def _order_sheet(self) -> pd.DataFrame:
        o = self.orders
        products = np.array([self.words.products[p] for p in PRODUCTS], dtype=object)
        return pd.DataFrame(
            {
                "order_id": _ids("O", len(o)),
                "customer_id": self.ids[o["customer"].to_numpy()],
                "order_date": _dates(o["day"].to_numpy()),
                "amount": self._money(o["usd"].to_numpy()),
                "product_category": products[o["product"].to_numpy()],
            }
        )

    def _money(self, usd: np.ndarray, step: float | None = None) -> np.ndarray:
        """US dollars in the sample's currency, rounded to its step."""
        step = step or self.words.money_step
        return np.round(np.round(usd * self.words.money_per_usd / step) * step, 2)

    def _lead_sheet(self) -> pd.DataFrame:
        order = np.lexsort((self.rng.random(len(self.leads)), self.leads["created"].to_numpy()))
        leads = self.leads.iloc[order]
        labels = self._labels(leads)
        words = self.words
        gender = leads["gender"].to_numpy()
        pick = leads["first_name"].to_numpy()
        female = np.array(words.female_names, dtype=object)
        male = np.array(words.male_names, dtype=object)
        women = (gender == GENDERS.index("female")) | ((gender > 1) & (pick % 2 == 0))
        first = np.where(women, female[pick % len(female)], male[pick % len(male)])
        surname = np.array(words.surnames, dtype=object)[leads["surname"].to_numpy()]
        customer = leads["customer"].to_numpy()
        has_customer = customer >= 0
        first_order = self.customers["first"].to_numpy()
        return pd.DataFrame(
            {
                "lead_id": _ids("L", len(leads)),
                "created_date": _dates(leads["created"].to_numpy()),
                "channel": np.array(CHANNELS, dtype=object)[leads["channel"].to_numpy()],
                "status": leads["status"].to_numpy(dtype=object),
                "name": first + " " + surname,
                "country": labels["country"],
                "region": labels["region"],
                "age": labels["age"],
                "income_band": labels["income_band"],
                "interest": labels["interest"],
                "converted_date": _dates(np.where(has_customer, first_order[customer], -1)),
                "customer_id": np.where(has_customer, self.ids[customer], None),
            }
        )

    def _channel_sheet(self) -> pd.DataFrame:
        rng = self.rng
        months = len(self.month_start)
        expected = self.n * _channel_array("mix")[:, None] * self.channel_month_share
        spend_usd = (
            _channel_array("cac_usd")[:, None] * expected * rng.lognormal(0, 0.12, expected.shape)
        )
        reach = (
            spend_usd
            * _channel_array("reach_per_usd")[:, None]
            * rng.lognormal(0, 0.1, expected.shape)
        )
        return pd.DataFrame(
            {
                "month": np.tile(_dates(self.month_start), len(CHANNELS)),
                "channel": np.repeat(np.array(CHANNELS, dtype=object), months),
                "spend": self._money(spend_usd.ravel(), self.words.money_step * 100),
                "reach": np.rint(reach.ravel()).astype(int),
            }
        ).sort_values(["month"], kind="stable", ignore_index=True)

    def _after_orders(self, rate: np.ndarray, min_days: int, max_days: int) -> pd.DataFrame:
        """Orders drawn with probability `rate` each, dated a few days later within the window.

        Always at least one row, so that a tiny sample still has every sheet.
        """
        rng, orders = self.rng, self.orders
        chosen = orders[rng.random(len(orders)) < rate].copy()
        chosen["day"] = chosen["day"] + rng.integers(min_days, max_days + 1, len(chosen))
        chosen = chosen[chosen["day"] <= self.end]
        if chosen.empty:
            chosen = orders.iloc[:1].copy()
        return chosen.sort_values(["day", "rank"], ignore_index=True)

    def _feedback_sheet(self) -> pd.DataFrame:
        rng, customers = self.rng, self.customers
        loyalty = customers["loyalty"].to_numpy()
        at_risk = _sigmoid(-loyalty)[self.orders["customer"].to_numpy()]
        rows = self._after_orders(0.05 + 0.06 * at_risk, 1, 12)
        who = rows["customer"].to_numpy()
        day = rows["day"].to_numpy()
        n = len(rows)
        praise = rng.random(n) < _sigmoid(0.9 * loyalty[who] - 0.5)
        negative = _pick(rng, np.tile([0.45, 0.35, 0.2], (n, 1))) + 1
        kind = np.where(praise, 0, negative)
        topic_weight = _TOPIC_BY_KIND[kind].copy()
        busy = np.isin(_calendar_month(day), (10, 11, 0))  # parcels pile up Nov-Jan
        topic_weight[busy, TOPICS.index("delivery")] *= 2
        topic = _pick(rng, topic_weight)
        severity = _pick(rng, _SEVERITY_BY_KIND[kind])
        resolve = day + np.ceil(rng.gamma(2.0, _RESOLVE_DAYS[severity] / 2)).astype(int)
        resolved = (resolve <= self.end) & (rng.random(n) > 0.04)
        started = (self.end - day >= 2) & (rng.random(n) < 0.4)
        status = np.where(resolved, "resolved", np.where(started, "in_progress", "open"))
        # Texts per (topic, kind): the first variant, then the last (the same when only one).
        variants = [self.words.texts[(t, k)] for t in TOPICS for k in FEEDBACK_KINDS]
        texts = np.array([v[0] for v in variants] + [v[-1] for v in variants], dtype=object)
        slot = topic * len(FEEDBACK_KINDS) + kind + len(variants) * rng.integers(0, 2, n)
        anonymous = rng.random(n) < 0.08
        return pd.DataFrame(
            {
                "feedback_id": _ids("F", n),
                "date": _dates(day),
                "kind": np.array(FEEDBACK_KINDS, dtype=object)[kind],
                "topic": np.array([self.words.topics[t] for t in TOPICS], dtype=object)[topic],
                "severity": np.array(SEVERITIES, dtype=object)[severity],
                "status": status.astype(object),
                "customer_id": np.where(anonymous, None, self.ids[who]),
                "resolved_date": _dates(np.where(resolved, resolve, -1)),
                "text": texts[slot],
            }
        )

    def _survey_sheet(self) -> pd.DataFrame:
        rng, customers = self.rng, self.customers
        rows = self._after_orders(np.full(len(self.orders), 0.15), 2, 10)
        who = rows["customer"].to_numpy()
        n = len(rows)
        loyalty = customers["loyalty"].to_numpy()[who]
        orders = customers["orders"].to_numpy()[who]
        repeat = rows["number"].to_numpy() > 0
        mood = 0.3 + 0.9 * loyalty + 0.6 * rng.normal(0, 1, n) + 0.2 * repeat
        satisfaction = 1 + np.searchsorted([-1.4, -0.6, 0.2, 1.2], mood)
        recommend = np.clip(np.rint(2.2 * satisfaction - 1.5 + rng.normal(0, 1.2, n)), 0, 10)
        # Hostages stay although unhappy; mercenaries are happy but do not come back.
        flag = rng.random(n)
        hostage = (orders >= 3) & (flag < 0.10)
        mercenary = (orders == 1) & (flag < 0.15)
        satisfaction = np.where(hostage, rng.integers(1, 3, n), satisfaction)
        recommend = np.where(hostage, rng.integers(3, 7, n), recommend)
        satisfaction = np.where(mercenary, rng.integers(4, 6, n), satisfaction)
        recommend = np.where(mercenary, rng.integers(5, 8, n), recommend)
        return pd.DataFrame(
            {
                "response_id": _ids("S", n),
                "date": _dates(rows["day"].to_numpy()),
                "satisfaction": satisfaction.astype(int),
                "recommend": recommend.astype(int),
                "customer_id": self.ids[who],
            }
        )

    def _loyalty_sheet(self) -> pd.DataFrame:
        rng, customers, orders = self.rng, self.customers, self.orders
        member = customers["member"].to_numpy()
        join_day = customers["join_day"].to_numpy()
        who = orders["customer"].to_numpy()
        day = orders["day"].to_numpy()
        earning = member[who] & (day >= join_day[who])
        earned = orders[earning].copy()
        earned["points"] = np.rint(earned["usd"])  # one point per dollar, in every currency
        earned["total"] = earned.groupby("customer")["points"].cumsum()
        earned["tier"] = np.searchsorted(_TIER_POINTS, earned["total"], side="right")
        earned["visit"] = earned.groupby("customer").cumcount()
        events = [
            _events(np.flatnonzero(member), join_day[member], "joined", tier=0),
            _events(earned["customer"], earned["day"], "points_earned", points=earned["points"]),
        ]
        upgrade = earned["tier"] > earned.groupby("customer")["tier"].shift(fill_value=0)
        up = earned[upgrade]
        events.append(_events(up["customer"], up["day"], "tier_change", tier=up["tier"]))
        # Redeem 200 points at some later visits, never more than was earned before.
        candidate = (earned["visit"] > 0) & (rng.random(len(earned)) < 0.3)
        before = earned.assign(c=candidate).groupby("customer")["c"].cumsum() - candidate
        redeem = earned[candidate & (earned["total"] - earned["points"] >= 200 * (before + 1))]
        events.append(_events(redeem["customer"], redeem["day"], "points_redeemed", points=-200))
        month = _calendar_month(earned["day"].to_numpy())
        draw = rng.random(len(earned))
        for offer, chosen in (
            ("member_discount", (draw < 0.25) & (earned["visit"] > 0)),
            ("free_shipping", (draw >= 0.25) & (draw < 0.37)),
            ("early_access", (draw >= 0.37) & (draw < 0.72) & (month == 10)),
        ):
            rows = earned[chosen]
            events.append(_events(rows["customer"], rows["day"], "offer_redeemed", offer=offer))
        events.extend(self._birthdays_and_referrals(member, join_day))
        table = pd.concat(events, ignore_index=True)
        table = table[table["day"] <= self.end]
        # Every event carries the member's tier at that moment: the last one set before it.
        table["key"] = table["day"] * len(_EVENT_ORDER) + table["order"]
        table = table.sort_values(["key", "customer"], kind="stable", ignore_index=True)
        setters = table.loc[table["tier"] >= 0, ["key", "customer", "tier"]]
        current = pd.merge_asof(table[["key", "customer"]], setters, on="key", by="customer")
        table["tier"] = current["tier"].to_numpy()
        table = table.sort_values(["day", "customer", "order"], kind="stable", ignore_index=True)
        return pd.DataFrame(
            {
                "customer_id": self.ids[table["customer"].to_numpy()],
                "date": _dates(table["day"].to_numpy()),
                "event": table["event"].to_numpy(dtype=object),
                "tier": _TIERS[table["tier"].to_numpy().astype(int)],
                "points": table["points"].to_numpy(dtype=float),
                "offer": table["offer"].to_numpy(dtype=object),
            }
        )

    def _birthdays_and_referrals(
        self, member: np.ndarray, join_day: np.ndarray
    ) -> list[pd.DataFrame]:
        rng = self.rng
        members = np.flatnonzero(member)
        n = len(members)
        loyalty = self.customers["loyalty"].to_numpy()[members]
        # A birthday gift in each birthday month after joining (most members claim it).
        birthday = rng.integers(0, 365, n)  # day of the year
        gifts = []
        for year in self.years:
            day = _day_number(date(year, 1, 1)) + birthday
            claimed = (day >= join_day[members]) & (rng.random(n) < 0.7)
            gifts.append(
                _events(members[claimed], day[claimed], "offer_redeemed", offer="birthday_gift")
            )
        # Some members refer a friend and get a reward two weeks later.
        refers = rng.random(n) < _sigmoid(-2.0 + 0.8 * loyalty)
        referral_day = join_day[members] + rng.integers(10, 200, n)
        referrers = members[refers]
        referred = referral_day[refers]
        return [
            *gifts,
            _events(referrers, referred, "referral"),
            _events(referrers, referred + 14, "offer_redeemed", offer="referral_reward"),
        ]


# Order of events on the same day; a tier change comes before the points that caused it.
_EVENT_ORDER = {
    "joined": 0,
    "tier_change": 1,
    "points_earned": 2,
    "points_redeemed": 3,
    "offer_redeemed": 4,
    "referral": 5,
}


def _events(customer, day, event: str, *, tier=-1, points=np.nan, offer=None) -> pd.DataFrame:
    """Loyalty events of one kind; tier -1 means 'unchanged'."""
    customer = np.asarray(customer)
    return pd.DataFrame(
        {
            "customer": customer,
            "day": np.asarray(day),
            "event": event,
            "order": _EVENT_ORDER[event],
            "tier": np.broadcast_to(np.asarray(tier), customer.shape).astype(int),
            "points": np.broadcast_to(np.asarray(points, dtype=float), customer.shape),
            "offer": offer,
        }
    )
