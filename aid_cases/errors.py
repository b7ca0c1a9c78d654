class Conflict(Exception):
    """The workflow state forbids the action (API: 409), e.g. a second supplement notice."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
