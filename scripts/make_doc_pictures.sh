#!/usr/bin/env bash
# Renders the English, Persian and Arabic sample decks and writes the pictures under
# docs/pictures/ that the README and docs/rtl.md show. Needs libreoffice and pdftoppm.
#   bash scripts/make_doc_pictures.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

deck() {  # deck NAME DATA [render options...]: renders, converts to PDF
  local name=$1 data=$2
  shift 2
  deckgen render "$data" -o "$work/$name.pptx" "$@" >/dev/null
  libreoffice --headless --convert-to pdf --outdir "$work" "$work/$name.pptx" >/dev/null 2>&1
}

picture() {  # picture NAME SLIDE OUTPUT: one slide as a 60 dpi PNG
  pdftoppm -png -r 60 -f "$2" -l "$2" -singlefile "$work/$1.pdf" "docs/pictures/$3"
}

# Each sample in its own folder: `deckgen sample` writes its deckgen.toml (client, currency,
# language) beside the workbook.
mkdir -p "$work/fa" "$work/ar"
deckgen sample --lang fa -o "$work/fa/sample.xlsx" >/dev/null
deckgen sample --lang ar -o "$work/ar/sample.xlsx" >/dev/null
deck en sample_data/sample.xlsx
deck fa "$work/fa/sample.xlsx" --currency toman
deck ar "$work/ar/sample.xlsx"

mkdir -p docs/pictures
slide_of() {  # slide_of NAME TITLE: the number of the first slide whose title starts with TITLE
  python3 - "$work/$1.pptx" "$2" <<'EOF'
import sys
from pptx import Presentation
for number, slide in enumerate(Presentation(sys.argv[1]).slides, start=1):
    if slide.shapes.title is not None and slide.shapes.title.text.startswith(sys.argv[2]):
        print(number)
        break
EOF
}
picture en "$(slide_of en 'Executive summary')" en-summary
picture en "$(slide_of en 'Customer lifecycle funnel')" en-funnel
picture en "$(slide_of en 'Acquisition channels')" en-channels
picture en "$(slide_of en 'Satisfaction vs loyalty')" en-satisfaction
picture fa 2 fa-summary
picture fa "$(slide_of fa 'قیف')" fa-funnel
picture ar "$(slide_of ar 'دورة الولاء')" ar-loyalty
ls docs/pictures
