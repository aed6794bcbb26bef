"""The question library: built-in standard blocks and blocks saved by researchers."""
import copy

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from research.extensions import db
from research.models import StudyMember
from surveys.builder.standard_blocks import STANDARD_BLOCKS
from surveys.models import LibraryItem


def visible_items(user):
    """Saved blocks of every study the user belongs to, newest first."""
    studies = select(StudyMember.study_id).where(StudyMember.user_id == user.id)
    return db.session.scalars(select(LibraryItem).where(LibraryItem.study_id.in_(studies))
                              .order_by(LibraryItem.id.desc())).all()


def library_choices(study):
    choices = [(f"std:{key}", f"{_l('Standard')}: {title}")
               for key, (title, _questions) in STANDARD_BLOCKS.items()]
    choices += [(f"item:{item.id}", f"{item.study.title}: {item.title}")
                for item in visible_items(current_user)]
    return choices


def block_questions(key, user):
    """The specs of a library block the user may use, or None."""
    kind, _sep, ident = key.partition(":")
    if kind == "std" and ident in STANDARD_BLOCKS:
        return copy.deepcopy(STANDARD_BLOCKS[ident][1])
    if kind == "item" and ident.isdigit():
        item = next((i for i in visible_items(user) if i.id == int(ident)), None)
        return copy.deepcopy(item.items) if item is not None else None
    return None


def save_block(study, user, title, specs):
    item = LibraryItem(study_id=study.id, title=title, items=copy.deepcopy(specs),
                       created_by_id=user.id)
    db.session.add(item)
    db.session.flush()
    return item
