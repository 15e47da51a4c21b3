"""The industry app's views, one module per subject."""
