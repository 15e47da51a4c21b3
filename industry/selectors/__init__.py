"""The industry app's selectors, one module per subject."""
