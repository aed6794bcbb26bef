"""Errors that services raise for the caller to turn into a message."""


class DomainError(Exception):
    """A rule of the domain refused the action; ``message`` is shown to the user.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field
