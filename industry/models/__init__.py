"""The industry app's models, one module per subject; each is imported here so Django finds it."""
