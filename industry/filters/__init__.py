"""The industry app's filters, one module per subject."""
