"""The text cells SQL vouched for by regular expression, now judged on Arrow (deckgen.data.vouch):
the same cells flagged as DuckDB's `regexp_matches(...) OR ... IN (missing)` flagged them."""

from __future__ import annotations

import threading
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from deckgen.data import cells, vouch
from deckgen.data.lead_store import LeadStore
from deckgen.data.order_store import OrderPart, OrderStore

# Every character the pattern names, its neighbours, and what clients' exports hold: control
# characters, the Unicode spaces (NBSP, narrow NBSP, ideographic, line and paragraph
# separators), zero-width ones (not spaces to Python or RE2), non-characters, Persian and
# Arabic-Indic digits, an RTL mark, the dot and zeros of `42.0`, quotes SQL would need escaped.
HOSTILE = (
    "".join(chr(c) for c in range(0, 0x21))
    + "\x7f\x80\x85\x9f\xa0\u1680\u180e\u2000\u200a\u200b\u200c\u200d\u2028\u2029\u202f"
    + "\u205f\u2060\u3000\ufeff\ufffd\ufffe\uffff\U0001f600\U0010ffff"
    + "۰۱۴۲٠٤٢٫٬\u200f\u064a\u0627"
    + ".0-#/<>'\"NnAaLlUuIiDdQq1 "
)
# Cells a plain scan would miss if it were wrong: NA spellings (and near misses), numbers as ids,
# code aliases, spaces where RE2's \s and Python's strip disagree (\v, \x1c), ends of each kind.
CELLS = [
    *cells.MISSING_TEXTS,
    *(text.lower() for text in cells.MISSING_TEXTS),
    *(" " + text for text in cells.MISSING_TEXTS),
    *("NA ", "N/A\u00a0", "na", "Na", "NONE", "#N/A N/A ", "nul", "nulll", "#N/A  N/A"),
    *("42", "42.0", "42.00", "42.", "42.5", "42.10", ".0", "0", "00", "0.0", "4.2e1", "۴۲.۰"),
    *("L7", " L7", "L7 ", "L\x077", "L7\x00", "\tL7", "L7\n", "L7\r", "\x0bL7", "L7\x0c"),
    *("\x1cL7", "L7\x1f", "\x85L7", "L7\x85", "\u00a0L7", "L7\u00a0", "\u202fL7", "L7\u3000"),
    *("\u200bL7", "L7\u200b", "\ufeffL7", "L7\ufffe", "L\uffff7", "L7\u2028", "\u2029L7"),
    *("E-mail", " Converted ", "email", "Trade show", "Ana Silva", "Ana  Silva", "علی رضایی"),
    *("رضا ", " رضا", "P01-L0000010", "P01-C000042", "", " ", "  ", "\x00", "'", "''", "a'b"),
]


def _old_flags(values: list[str | None], kind: str) -> np.ndarray:
    """The rows DuckDB's former check flagged (vouch.cell_checks before the text scan)."""
    pattern = vouch.UNVOUCHED_TEXT + (vouch.READ_AS_NUMBER if kind == "id" else "")
    missing = ", ".join("'" + text.replace("'", "''") + "'" for text in cells.MISSING_TEXTS)
    table = pa.table({"x": pa.array(values, pa.string()), "row_": np.arange(len(values))})
    db = duckdb.connect()
    try:
        db.register("cells", table)
        found = db.sql(
            f"SELECT row_ FROM cells WHERE regexp_matches(x, '{pattern}') OR x IN ({missing}) "
            "ORDER BY row_"
        ).fetchnumpy()["row_"]
    finally:
        db.close()
    return np.asarray(found, np.int64)


@pytest.mark.parametrize("kind", ["id", "text"])
def test_hostile_cells_flagged_as_by_the_regex(kind):
    values = [*CELLS, None, *(a + "x" + b for a in HOSTILE for b in ("", "0", ".0", " "))]
    values += [c + "L7" for c in HOSTILE] + ["L7" + c for c in HOSTILE] + list(HOSTILE)
    new = vouch.unvouched_text(pa.array(values, pa.string()), kind)
    np.testing.assert_array_equal(new, _old_flags(values, kind))
    if kind == "id":
        flagged = {values[k] for k in new}
        assert {"42.0", "42.00", " L7", "L\x077", "L7\u00a0", "NA", "null", ""} <= flagged
        assert not {"42", "42.5", "42.10", "L7", "P01-L0000010", "\u200bL7", "na"} & flagged


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.none(),
            st.sampled_from(CELLS),
            st.text(alphabet=st.sampled_from(HOSTILE), max_size=6),
            st.text(max_size=6),  # any code point but the surrogates Arrow's UTF-8 cannot hold
        ),
        max_size=40,
    ),
    kind=st.sampled_from(["id", "text"]),
)
def test_any_cells_flagged_as_by_the_regex(values, kind):
    values = [v if v is None else v.encode("utf-8", "replace").decode("utf-8") for v in values]
    column = pa.array(values, pa.string())
    old = _old_flags(values, kind)
    np.testing.assert_array_equal(vouch.unvouched_text(column, kind), old)
    # As Parquet hands a column read as a dictionary: each distinct value judged once.
    np.testing.assert_array_equal(vouch.unvouched_text(column.dictionary_encode(), kind), old)


@pytest.mark.parametrize("kind", ["id", "text"])
def test_a_slice_is_judged_by_its_own_cells(kind):
    """A batch may be a slice of a larger array: bytes outside it (a control character, a
    space) are not its cells', and its offsets do not start at 0."""
    values = pa.array(["L\x07", " L1", "L2", "NA", "L30", "C4", "N/A", "x\x01"], pa.large_string())
    part = values.slice(2, 4)  # L2, NA, L30, C4: all printable ASCII
    expected = _old_flags(part.to_pylist(), kind)
    assert vouch.unvouched_text(part, kind).tolist() == expected.tolist()
    assert expected.tolist() == [1]  # NA; L30 is no number ending in .0


def test_large_strings_and_empty_columns():
    values = pa.array(["L1", " L2", None, "NA", "L3.0"], pa.large_string())
    assert vouch.unvouched_text(values, "id").tolist() == [1, 3, 4]
    assert vouch.unvouched_text(values, "text").tolist() == [1, 3]
    assert vouch.unvouched_text(pa.nulls(3), "id").tolist() == []
    assert vouch.unvouched_text(pa.array([], pa.string()), "id").tolist() == []


def test_text_scan_stops_at_the_batch_after_its_stop_event(tmp_path: Path, monkeypatch):
    """Set before the scan, nothing is judged; set by the first batch's judging, the batches
    after it are not read."""
    monkeypatch.setattr(vouch, "BATCH_ROWS", 2)
    monkeypatch.setattr(vouch, "SCAN_THREADS", 1)  # one run after another
    file = tmp_path / "leads.parquet"
    ids = [f"L{k}" for k in range(1, 21)]
    names = [f"N{k}" if k != 6 else "N6 " for k in range(1, 21)]  # distinct: read plain
    pq.write_table(pa.table({"lead_id": ids, "name": names}), file, row_group_size=4)
    stop, judged = threading.Event(), []
    judge = vouch.unvouched_text

    def stopping(values: pa.Array, kind: str) -> np.ndarray:
        judged.append(len(values))
        stop.set()
        return judge(values, kind)

    monkeypatch.setattr(vouch, "unvouched_text", stopping)
    kinds = {"lead_id": "id", "name": "text"}
    assert vouch.text_scan([file], kinds, "lead_id").flagged[0].tolist() == [5]  # N6's space
    assert judged == [2] * 20 and stop.is_set()  # ten batches, two columns each
    judged.clear()
    with pytest.raises(vouch.ScanStopped):
        vouch.text_scan([file], kinds, "lead_id", stop)
    assert judged == []
    stop.clear()
    with pytest.raises(vouch.ScanStopped):
        vouch.text_scan([file], kinds, "lead_id", stop)
    assert judged == [2, 2]  # the first batch's two columns


def test_text_scan_across_batches_and_files(tmp_path: Path, monkeypatch):
    """Rows are counted per file across its batches; the key's order across batches and files."""
    monkeypatch.setattr(vouch, "BATCH_ROWS", 2)
    first, second = tmp_path / "a.parquet", tmp_path / "b.parquet"
    pq.write_table(
        pa.table(
            {
                "order_id": ["O1", "O2", "O3", "O4", "O5 ", "O6", "O7"],
                "customer_id": ["C1", "C2", "C1.0", None, "C2", "C3", "\x07C1"],
                "name": ["Ana", "Ana ", "Bo", "Ana", "Bo", "", "Ana "],
            }
        ),
        first,
        row_group_size=3,  # groups of 3, 3 and 1 rows, each read in batches of 2
    )
    pq.write_table(
        pa.table({"order_id": ["O8", "O9"], "customer_id": ["NA", "C9"], "name": ["B", "C"]}),
        second,
    )
    kinds = {"order_id": "id", "customer_id": "id", "name": "text"}
    scan = vouch.text_scan([first, second], kinds, "order_id")
    assert [rows.tolist() for rows in scan.flagged] == [[1, 2, 4, 5, 6], [0]]
    assert scan.key_increasing
    # O9 after O8, then O10 < O9 as text: not increasing, though each file alone is.
    pq.write_table(pa.table({"order_id": ["O10"], "customer_id": ["C1"], "name": ["j"]}), first)
    assert not vouch.text_scan([second, first], kinds, "order_id").key_increasing
    # A null key, also a group's first (the groups after it in order).
    for ids in (["O1", None, "O3", "O4"], [None, "O2", "O3", "O4"], ["O1", "O2", None, "O4"]):
        pq.write_table(pa.table({"order_id": ids, "name": ["a"] * 4}), first, row_group_size=2)
        assert not vouch.text_scan([first], {"name": "text"}, "order_id").key_increasing
    pq.write_table(pa.table({"order_id": ["O1", "O3", "O2"]}), first, row_group_size=2)
    assert not vouch.text_scan([first], {}, "order_id").key_increasing


def test_days_of_the_rows_not_judged(tmp_path: Path):
    """The leads' and orders' days counted without the judged rows (a row judged twice is taken
    off once; a day left with no row is not listed; the dates out of range are judged ones)."""
    created = [datetime(2026, 1, d) for d in (1, 1, 2, 3, 3, 3)] + [datetime(1850, 5, 5), None]
    converted = [None, datetime(2026, 2, 1), None, datetime(2026, 2, 1), None, None, None, None]
    leads = tmp_path / "leads.parquet"
    pq.write_table(
        pa.table(
            {
                "lead_id": [f"L{k}" for k in range(8)],
                "created_date": pa.array(created, pa.timestamp("us")),
                "channel": ["email"] * 8,
                "status": ["open"] * 8,
                "converted_date": pa.array(converted, pa.timestamp("us")),
            }
        ),
        leads,
        row_group_size=3,
    )
    store = LeadStore(leads)
    (created_days, created_n), (converted_days, converted_n) = store.days(np.array([2, 3, 6]))
    assert [str(d)[:10] for d in created_days] == ["2026-01-01", "2026-01-03"]
    assert created_n.tolist() == [2, 2]
    assert [str(d)[:10] for d in converted_days] == ["2026-02-01"] and converted_n.tolist() == [1]
    ((every, n),) = store.days(np.zeros(0, np.int64))[:1]
    assert [str(d)[:10] for d in every] == ["1850-05-05", "2026-01-01", "2026-01-02", "2026-01-03"]
    assert n.tolist() == [1, 2, 1, 3]

    orders = tmp_path / "orders.parquet"
    pq.write_table(
        pa.table(
            {
                "order_id": [f"O{k}" for k in range(6)],
                "customer_id": ["C1", "C2", None, "C1", "C9", "C1"],
                "order_date": pa.array(created[:6], pa.timestamp("us")),
                "amount": [1.0, 2.0, None, 4.0, 5.0, 6.0],
            }
        ),
        orders,
        row_group_size=2,
    )
    order_store = OrderStore((OrderPart("orders", orders),))
    customers = pa.chunked_array([pa.array(["C1", "C2"], pa.large_string())])
    judged = order_store.unvouched({"product_category": None}, customers, date(2026, 6, 1))
    # Row 0 (the first, always judged), 2 (no amount) and 4 (an unknown customer) are judged.
    assert judged.row.tolist() == [0, 2, 4]
    order_store.add(np.array([0, 0]), np.array([4, 5]))  # row 4 judged twice, then row 5
    days, n = order_store.days()
    assert [str(d)[:10] for d in days] == ["2026-01-01", "2026-01-03"]
    assert n.tolist() == [1, 1]


def test_a_file_of_many_small_row_groups_has_its_footer_read_once(tmp_path: Path, monkeypatch):
    """Each file's footer is read once, not once per row group: a file written in 2,000 groups
    of 100 rows took 40 s CPU to scan (its 2.6 MB footer parsed 2,000 times), against 0.4 s
    for the former SQL; its rows are still numbered across the groups it reads together."""
    footers = []

    class Counted(pq.ParquetFile):
        def __init__(self, source, *args, metadata=None, **kwargs):
            if metadata is None:
                footers.append(source)
            super().__init__(source, *args, metadata=metadata, **kwargs)

    monkeypatch.setattr(pq, "ParquetFile", Counted)
    monkeypatch.setattr(vouch, "BATCH_ROWS", 4)  # groups of 1 row read 4 at a time
    ids = [f"O{k:02d}" for k in range(30)]
    names = ["Ana"] * 30
    ids[3], ids[4], names[4], names[17] = "O03.0", "O03", " Bo", "NA"  # rows 3 and 4, 17
    first, second = tmp_path / "a.parquet", tmp_path / "b.parquet"
    pq.write_table(pa.table({"order_id": ids, "name": names}), first, row_group_size=1)
    pq.write_table(pa.table({"order_id": ["O30", "O31 "], "name": ["B", "C"]}), second)
    kinds = {"order_id": "id", "name": "text"}
    scan = vouch.text_scan([first, second], kinds, "order_id")
    assert [rows.tolist() for rows in scan.flagged] == [[3, 4, 17], [1]]
    assert not scan.key_increasing  # O03.0 then O03: not greater
    assert sorted(map(str, footers)) == [str(first), str(second)]
    ids[3], ids[4] = "O03", "O04"  # sorted: across groups and the runs of 4 read together
    pq.write_table(pa.table({"order_id": ids, "name": names}), first, row_group_size=1)
    assert vouch.text_scan([first, second], kinds, "order_id").key_increasing
    for at in (2, 4):  # equal neighbours within a run of 4 groups, then across two runs
        equal = [*ids[:at], ids[at - 1], *ids[at + 1 :]]
        pq.write_table(pa.table({"order_id": equal, "name": names}), first, row_group_size=1)
        assert not vouch.text_scan([first], kinds, "order_id").key_increasing


def _former_increasing(files: list[Path], key: str) -> bool:
    """The key's order as the former check (vouch.strictly_increasing) read it: whole files."""
    stacked = pa.concat_arrays(
        [pq.read_table(f, columns=[key]).column(0).combine_chunks() for f in files]
    )
    if stacked.null_count:
        return False
    return len(stacked) < 2 or pa.compute.all(pa.compute.greater(stacked[1:], stacked[:-1])).as_py()


@hypothesis_settings(max_examples=40, deadline=None)
@given(
    files=st.lists(
        st.lists(  # per file, its row groups (perhaps empty), each a list of rows: the key's
            st.lists(  # step from the row before (None: no key), a customer id and a name
                st.tuples(
                    st.sampled_from([1, 1, 1, 0, -1, None]),
                    st.one_of(st.none(), st.sampled_from(["C1", " C2", "C3.0", "NA", "C\x07"])),
                    st.one_of(st.none(), st.sampled_from(["Ana", " Bo", "NA", "", "C\u2028"])),
                ),
                max_size=4,
            ),
            max_size=4,
        ),
        min_size=1,
        max_size=3,
    ),
    batch_rows=st.sampled_from([1, 2, 3, 1 << 20]),
)
def test_text_scan_on_any_layout_finds_the_former_rows(tmp_path_factory, files, batch_rows):
    """Files of any row groups (empty ones too), read in runs and batches of any size: the rows
    and the key's order (mostly sorted: equal or lower neighbours and nulls anywhere) that the
    former SQL and neighbour test found, file by file."""
    folder = tmp_path_factory.mktemp("layout")
    schema = pa.schema([(c, pa.string()) for c in ("order_id", "customer_id", "name")])
    paths, key = [], 100
    for k, groups in enumerate(files):
        paths.append(folder / f"part{k}.parquet")
        with pq.ParquetWriter(paths[-1], schema) as writer:
            for rows in groups:
                ids = []
                for step, _, _ in rows:
                    key += step or 0
                    ids.append(None if step is None else f"O{key}")
                cells_ = [ids, [r[1] for r in rows], [r[2] for r in rows]]
                writer.write_table(
                    pa.table(dict(zip(schema.names, cells_, strict=True)), schema=schema)
                )
    kinds = {"order_id": "id", "customer_id": "id", "name": "text"}
    vouch_batch, vouch.BATCH_ROWS = vouch.BATCH_ROWS, batch_rows
    try:
        scan = vouch.text_scan(paths, kinds, "order_id")
    finally:
        vouch.BATCH_ROWS = vouch_batch
    for path, found in zip(paths, scan.flagged, strict=True):
        table = pq.read_table(path)
        old = [_old_flags(table.column(c).to_pylist(), kind) for c, kind in kinds.items()]
        np.testing.assert_array_equal(found, np.unique(np.concatenate(old)))
    assert scan.key_increasing == _former_increasing(paths, "order_id")


def test_names_read_as_a_dictionary_only_when_they_repeat(tmp_path: Path, monkeypatch):
    """A file whose first rows hold each name twice or more reads its names as a dictionary;
    mostly distinct names read plain (a dictionary of every cell cost more than it saved).
    Either way the same rows are flagged as the former SQL found them."""
    monkeypatch.setattr(vouch, "REPEAT_SAMPLE", 4)
    repeated = ["Ana", "Ana", "Ana", " Bo", "Bo", "NA", "Zoë\u200b", "Bo"]
    distinct = ["Ana", "Bo", " Cy", "Di", "NA", "Ed ", "Fa", "Zoë\u200b"]
    kinds = {"order_id": "id", "name": "text"}
    for names, dictionary in ((repeated, ["name"]), (distinct, [])):
        path = tmp_path / "leads.parquet"
        ids = [f"O{k}" for k in range(1, len(names) + 1)]
        pq.write_table(pa.table({"order_id": ids, "name": names}), path, row_group_size=3)
        assert vouch._repeating(path, pq.ParquetFile(path).metadata, ["name"]) == dictionary
        scan = vouch.text_scan([path], kinds, "order_id")
        np.testing.assert_array_equal(scan.flagged[0], _old_flags(names, "text"))
    empty = tmp_path / "empty.parquet"
    pq.write_table(pa.table({"name": pa.array([], pa.string())}), empty)
    assert vouch._repeating(empty, pq.ParquetFile(empty).metadata, ["name"]) == []
    assert vouch._repeating(empty, pq.ParquetFile(empty).metadata, []) == []


def test_interrupted_until_done_keeps_stopping_through_a_second_ctrl_c():
    """The task stops only at its third interrupt (the first two fall between its queries), and
    Ctrl-C is pressed again during the second: the task is still stopped, not waited for, and
    the Ctrl-C is raised then, not lost (settle runs on a render's success path too)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from deckgen.data.vouch import interrupted_until_done

    stop = threading.Event()
    calls = []

    def interrupt():
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        if len(calls) == 3:
            stop.set()

    with ThreadPoolExecutor(1) as worker:
        future = worker.submit(stop.wait, 30)
        with pytest.raises(KeyboardInterrupt):
            interrupted_until_done([future], interrupt)
        assert future.done() and future.result() is True
    assert len(calls) == 3
