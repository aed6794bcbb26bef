"""Job handlers by kind, and the exceptions a handler may raise."""


class JobCancelled(Exception):
    """The user asked to cancel; raised by the progress callback."""


class JobFailed(Exception):
    """A failure whose message is fit to show the user (bad filter, unknown weight, ...)."""


#: ``kind -> handler(job, context)``; the handler writes ``context.path`` and returns a
#: :class:`runner.Outcome`.
HANDLERS = {}
#: Kinds whose input does not outlive a run (an uploaded file): "Retry" is not offered.
NOT_RETRYABLE = set()
#: ``kind -> release(job)``: frees the job's input (an uploaded file) once the job has ended,
#: whether its handler ran or not (cancelled while queued).
RELEASERS = {}


def handler(kind, *, retryable=True, release=None):
    """Decorator: register ``function`` as the handler of jobs of ``kind``."""
    def register(function):
        if kind in HANDLERS and HANDLERS[kind] is not function:
            raise RuntimeError(f"job kind {kind!r} registered twice")
        HANDLERS[kind] = function
        if not retryable:
            NOT_RETRYABLE.add(kind)
        if release is not None:
            RELEASERS[kind] = release
        return function
    return register
