"""deckgen: a customer-lifecycle PowerPoint deck from a company's customer data."""

__version__ = "0.1.0"
