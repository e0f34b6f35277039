"""Logging filters of the project's LOGGING setting."""

import logging


class OmitForbiddenTraceback(logging.Filter):
    """Keep Django's one-line "Forbidden (Permission denied): /path" warning, without its traceback.

    A 403 is the permission rules doing their job (a viewer opening an edit page), not an error to
    debug: a traceback per refusal buries the log lines that matter.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
