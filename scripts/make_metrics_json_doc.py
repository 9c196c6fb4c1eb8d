"""Regenerate docs/metrics-json.md from the results dataclasses: python scripts/make_metrics_json_doc.py"""

from pathlib import Path

from deckgen.metrics.report import json_schema_markdown

if __name__ == "__main__":
    target = Path(__file__).resolve().parent.parent / "docs" / "metrics-json.md"
    target.write_text(json_schema_markdown(), encoding="utf-8")
    print(f"wrote {target}")
