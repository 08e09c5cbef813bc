"""The rule families: pure functions from text (and compiled brand.yml parts) to hits."""
