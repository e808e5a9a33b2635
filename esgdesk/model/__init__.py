"""Catalogue and value types: what a figure is, how it is typed and laid out."""
