"""Rules: computed figures, validation, consolidation, review, the working set of figures."""
