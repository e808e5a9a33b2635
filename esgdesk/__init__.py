"""esgdesk: collect, validate and export a company's annual ESG figures (no Qt in here)."""

__version__ = "0.1.0"
