"""Channel sentences: which channel wins customers cheapest, or wins the most."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from deckgen.metrics.channels import ChannelsResult
from deckgen.narrative.claims import Agg, Claim, Const, Fig, Relation, claim, rounded, states
from deckgen.narrative.told import Told, told
from deckgen.period import Period


def channel_path(channel: str) -> str:
    """The claim path of one channel's figures."""
    return f"channels.channels[channel={channel}]"


class ChannelState(StrEnum):
    """What the channels headline can say."""

    CHEAPEST = "cheapest"  # two or more channels with a CAC: the cheapest against the dearest
    ONLY_PRICED = "only_priced"  # one channel with a CAC
    MOST_CUSTOMERS = "most_customers"  # no spend: the channel with the most new customers
    NO_CUSTOMERS = "no_customers"  # no new customer came through any channel


@dataclass(frozen=True)
class ChannelsHeadline:
    """The channels' finding."""

    state: ChannelState
    channel: str | None  # the cheapest, the only priced, or the one with most new customers
    cac: float | None
    dearest: str | None
    dearest_cac: float | None
    times: int | None  # dearest / cheapest, rounded, when 2 or more
    below: float | None  # 1 - cheapest / dearest, when under 2 times
    blended_cac: float | None
    customers: int  # new customers of `channel`
    total_customers: int  # new customers of all channels (with unattributed ones)
    period: Period
    tied: tuple[str, ...] = ()  # MOST_CUSTOMERS: other channels with as many new customers


def tell_headline(r: ChannelsResult, period: Period) -> Told[ChannelsHeadline]:
    """The channels headline and its claims."""
    priced = r.priced
    claims: list[Claim] = []
    total = int(r.total.new_customers.current)
    blended = r.total.cac.current if r.total.cac is not None else None
    if blended is not None:
        claims.append(states("the blended CAC", blended, Fig("channels.total.cac.current")))
    if len(priced) >= 2:
        cheap, dear = priced[0], priced[-1]
        c, d = (
            Fig(f"{channel_path(cheap.channel)}.cac.current"),
            Fig(f"{channel_path(dear.channel)}.cac.current"),
        )
        times = dear.cac.current / cheap.cac.current
        claims += [
            states("the cheapest CAC", cheap.cac.current, c),
            states("the dearest CAC", dear.cac.current, d),
            claim("cheapest below dearest", c, Relation.LT, d),
            rounded("times cheaper", round(times), d / c)
            if times >= 2
            else states("share cheaper", 1 - 1 / times, Const(1) - c / d),
        ]
        claims += [
            claim(
                f"{cheap.channel} is the cheapest",
                Fig(f"{channel_path(p.channel)}.cac.current"),
                Relation.GE,
                c,
            )
            for p in priced
        ]
        claims += [
            claim(
                f"{dear.channel} is the dearest",
                Fig(f"{channel_path(p.channel)}.cac.current"),
                Relation.LE,
                d,
            )
            for p in priced
        ]
        record = ChannelsHeadline(
            ChannelState.CHEAPEST,
            cheap.channel,
            cheap.cac.current,
            dear.channel,
            dear.cac.current,
            round(times) if times >= 2 else None,
            None if times >= 2 else 1 - 1 / times,
            blended,
            int(cheap.new_customers.current),
            total,
            period,
        )
        return told(record, claims)
    if len(priced) == 1:
        only = priced[0]
        claims += [
            states(
                "the only CAC", only.cac.current, Fig(f"{channel_path(only.channel)}.cac.current")
            ),
            _unpriced(r, but=only.channel),
        ]
        record = ChannelsHeadline(
            ChannelState.ONLY_PRICED,
            only.channel,
            only.cac.current,
            None,
            None,
            None,
            None,
            blended,
            int(only.new_customers.current),
            total,
            period,
        )
        return told(record, claims)
    # The channel with most new customers; ties keep the rank order.
    best = max(r.channels, key=lambda c: c.new_customers.current, default=None)
    claims += _unpriced(r)
    if best is None or best.new_customers.current == 0:
        claims.append(
            claim(
                "no channel won a customer",
                Fig("channels.channels[*].new_customers.current", Agg.MAX),
                Relation.LE,
                0,
            )
        )
        record = ChannelsHeadline(
            ChannelState.NO_CUSTOMERS, None, None, None, None, None, None, blended, 0, total, period
        )
        return told(record, claims)
    n = Fig(f"{channel_path(best.channel)}.new_customers.current")
    tied = tuple(
        c.channel
        for c in r.channels
        if c is not best and c.new_customers.current == best.new_customers.current
    )
    claims += [
        states(f"{best.channel}'s new customers", best.new_customers.current, n),
        states("all new customers", total, Fig("channels.total.new_customers.current")),
        claim(
            f"{best.channel} won the most",
            Fig("channels.channels[*].new_customers.current", Agg.MAX),
            Relation.LE,
            n,
        ),
        [
            claim(
                f"{c} won as many", Fig(f"{channel_path(c)}.new_customers.current"), Relation.EQ, n
            )
            for c in tied
        ],
        claim(
            "the channels named are all that won the most",
            Fig(
                f"channels.channels[*new_customers.current={best.new_customers.current}].channel",
                Agg.COUNT,
            ),
            Relation.EQ,
            len(tied) + 1,
        ),
    ]
    record = ChannelsHeadline(
        ChannelState.MOST_CUSTOMERS,
        best.channel,
        None,
        None,
        None,
        None,
        None,
        blended,
        int(best.new_customers.current),
        total,
        period,
        tied,
    )
    return told(record, claims)


def _unpriced(r: ChannelsResult, but: str | None = None) -> list[Claim]:
    """Claims that no channel (but `but`) has a CAC above zero: none, or zero for no spend."""
    found = []
    for c in r.channels:
        if c.channel == but:
            continue
        cac = Fig(f"{channel_path(c.channel)}.cac")
        if c.cac is None:
            found.append(claim(f"{c.channel} has no CAC", cac, Relation.IS_NONE))
        else:
            found.append(
                claim(
                    f"{c.channel} has no CAC above zero",
                    Fig(f"{channel_path(c.channel)}.cac.current"),
                    Relation.LE,
                    0,
                )
            )
    return found


@dataclass(frozen=True)
class Cohort:
    """The month whose customers' first 90 days the ROI column measures."""

    cohort: Period


@dataclass(frozen=True)
class ChannelsNotes:
    """What the channels notes explain."""

    period: Period
    cohort: Period
    unattributed: int  # new customers with no known channel
