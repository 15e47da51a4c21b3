"""The industry app's forms, one module per subject."""
