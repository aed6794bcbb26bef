"""Form pieces shared by several blueprints."""
from flask_babel import lazy_gettext as _l
from wtforms import ValidationError


class Stripped:
    """Filter: strip surrounding white space from text input."""

    def __call__(self, value):
        return value.strip() if isinstance(value, str) else value


strip = Stripped()


def no_control_characters(form, field):
    """Refuse NUL and other control characters (tabs and newlines are fine)."""
    value = field.data
    if isinstance(value, str) and any(ord(c) < 32 and c not in "\t\r\n" for c in value):
        raise ValidationError(_l("The text contains control characters that are not allowed."))


def show_domain_error(form, error):
    """Attach a service's DomainError to its field, or to the form as a whole."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [error.message]
    else:
        form.form_errors.append(error.message)
