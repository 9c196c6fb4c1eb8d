"""`deckgen refresh`: next month's figures into a deck the consultant edited (docs/refresh.md)."""
