"""esgdesk: collect, validate and export a company's annual ESG figures (no Qt in here)."""

# The one place the version is written: pyproject.toml reads it, and so do the bundle's
# archive name and `esgdesk --version`.
__version__ = "0.1.0"
