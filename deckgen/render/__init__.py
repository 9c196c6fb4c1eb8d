"""Rendering: the slide model drawn into an editable, deterministic .pptx (see docs/rendering.md).

Public entry points: `deckgen.render.writer.render_pptx` and
`deckgen.render.brand.inspect_template` / `check_template`.
"""
