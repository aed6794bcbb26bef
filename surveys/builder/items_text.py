"""Options and rows as editable text: one per line, so lists can be pasted in bulk.

Main-language lines read ``[code =] label [flags]``: the code is optional (a line
without one gets the lowest code no other line uses), flags in square brackets set option settings:
``[other]``, ``[exclusive]``, ``[anchored]``, ``[share=30]``. Semantic
differential pairs are written ``left | right``. Other languages give just the
labels, line by line in the same order.
"""
import re

from flask_babel import lazy_gettext as _l

LINE = re.compile(r"^\s*(?:(?P<code>-?\d+)\s*=\s*)?(?P<label>.*?)\s*(?P<flags>(?:\[[^\]]*\]\s*)*)$")
FLAG = re.compile(r"\[([^\]]*)\]")
MAX_ITEMS = 500


class ItemsTextError(ValueError):
    pass


def items_to_text(items, language, *, main=True, pairs=False):
    """The text the builder shows for a list of options or rows."""
    lines = []
    for item in items:
        settings = item.get("settings") or {}
        if pairs:
            left = (settings.get("label_left") or {}).get(language, "")
            right = (settings.get("label_right") or {}).get(language, "")
            label = f"{left} | {right}"
        else:
            label = (item.get("label") or {}).get(language, "")
        if not main:
            lines.append(label)
            continue
        flags = "".join(f" [{name}]" for name in ("other", "exclusive", "anchored")
                        if settings.get(name))
        if settings.get("share") is not None:
            flags += f" [share={settings['share']}]"
        lines.append(f"{item['code']} = {label}{flags}")
    return "\n".join(lines)


def _flags(text, allowed):
    settings = {}
    for raw in FLAG.findall(text or ""):
        name, _sep, value = raw.strip().partition("=")
        name = name.strip().lower()
        if name not in allowed:
            raise ItemsTextError(_l("Unknown mark [%(flag)s]; possible: %(allowed)s.", flag=raw,
                                    allowed=", ".join(f"[{a}]" for a in sorted(allowed))))
        if allowed[name] is bool:
            settings[name] = True
        else:
            try:
                settings[name] = int(value)
            except ValueError:
                raise ItemsTextError(_l("[%(flag)s] needs a whole number, like [%(name)s=30].",
                                        flag=raw, name=name)) from None
    return settings


def text_to_items(main_text, other_texts, main_language, allowed_flags, *, pairs=False,
                  previous=()):
    """Parse the builder's text back into options or rows (codes kept or assigned)."""
    lines = [line for line in (main_text or "").splitlines() if line.strip()]
    if len(lines) > MAX_ITEMS:
        raise ItemsTextError(_l("At most %(n)d lines.", n=MAX_ITEMS))
    previous_settings = {item["code"]: item.get("settings") or {} for item in previous}
    items, used = [], set()
    parsed = []
    for number, line in enumerate(lines, start=1):
        match = LINE.match(line)
        code = int(match.group("code")) if match.group("code") else None
        label = match.group("label").strip()
        if not label:
            raise ItemsTextError(_l("Line %(n)d has no label.", n=number))
        if code is not None:
            if code in used:
                raise ItemsTextError(_l("Code %(code)d is used twice.", code=code))
            used.add(code)
        parsed.append((code, label, _flags(match.group("flags"), allowed_flags)))
    next_code = 1
    translations = {lang: [line.strip() for line in (text or "").splitlines() if line.strip()]
                    for lang, text in (other_texts or {}).items()}
    for index, (code, label, flags) in enumerate(parsed):
        if code is None:
            # The lowest code no other line uses: "A, B, 98 = Other" codes A and B 1 and 2.
            while next_code in used:
                next_code += 1
            code = next_code
            used.add(code)
        settings = {key: value for key, value in previous_settings.get(code, {}).items()
                    if key not in allowed_flags and key not in ("label_left", "label_right")}
        settings.update(flags)
        labels = {main_language: label}
        for lang, texts in translations.items():
            if index < len(texts):
                labels[lang] = texts[index]
        if pairs:
            settings["label_left"], settings["label_right"] = {}, {}
            for lang, text in labels.items():
                left, _sep, right = text.partition("|")
                if not _sep:
                    raise ItemsTextError(_l("Write each pair as “left | right” (line %(n)d).",
                                            n=index + 1))
                settings["label_left"][lang] = left.strip()
                settings["label_right"][lang] = right.strip()
            labels = {}
        item = {"code": code, "label": labels}
        if settings:
            item["settings"] = settings
        items.append(item)
    return items
