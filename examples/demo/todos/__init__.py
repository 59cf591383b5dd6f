"""The tutorial's app: a real-time todo list (docs/tutorial.md includes these files)."""
