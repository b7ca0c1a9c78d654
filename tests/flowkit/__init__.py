"""A flow that exists only in the tests: proof that a new flow joins the task layer with its own
module, specs and templates, and no edit to ``workflows/registry.py`` or ``workflows/tasks.py``."""
