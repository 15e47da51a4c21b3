"""The industry app's services, one module per subject."""
