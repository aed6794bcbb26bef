"""Job handlers by kind, and the exceptions a handler may raise."""


class JobCancelled(Exception):
    """The user asked to cancel; raised by the progress callback."""


class JobFailed(Exception):
    """A failure whose message is fit to show the user (bad filter, unknown weight, ...)."""


#: ``kind -> handler(job, context)``; the handler writes ``context.path`` and returns a
#: :class:`runner.Outcome`.
HANDLERS = {}


def handler(kind):
    """Decorator: register ``function`` as the handler of jobs of ``kind``."""
    def register(function):
        if kind in HANDLERS and HANDLERS[kind] is not function:
            raise RuntimeError(f"job kind {kind!r} registered twice")
        HANDLERS[kind] = function
        return function
    return register
