"""Checks of an add-on's zh_TW and zh_CN translations, shared by the three add-ons' tests.

The files: every term of the module's ``.pot`` is translated in each ``.po``, nothing is fuzzy
or left in English, and the placeholders, QWeb expressions and HTML tags of each translation are
the ones of the English text (a missing ``%(amount)s`` raises at run time, a lost tag breaks a
view or an e-mail).

The database: the languages are activated and the module's terms loaded as Odoo loads them on
install; then field labels, selection values, menus, views and code messages read in each
language are not the English ones.
"""

import re

import polib

from odoo.tools import file_path
from odoo.tools.translate import TranslationModuleReader, code_translations

LANGS = ("zh_TW", "zh_CN")
# %s, %(name)s, %d, %%; {{ expression }}; {name}
PLACEHOLDER = re.compile(
    r"%(?:\([A-Za-z0-9_]+\))?[-#0 +]*\d*(?:\.\d+)?[sdfr%]|\{\{.*?\}\}|\{[A-Za-z0-9_]*\}",
    re.DOTALL,
)
TAG = re.compile(r"<[^>]+>")
CJK = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z]{2,}")


def load_languages(env, modules):
    """Activate zh_TW and zh_CN and load ``modules``' terms in them, as an install does."""
    for lang in LANGS:
        env["res.lang"]._activate_lang(lang)
    env["ir.module.module"]._load_module_terms(modules, list(LANGS))


def translation_problems(source, translation):
    """What is wrong with ``translation`` of ``source``: a list of short descriptions."""
    if not translation or not translation.strip():
        return ["not translated"]
    problems = []
    if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation)):
        problems.append(
            f"placeholders {sorted(PLACEHOLDER.findall(source))} "
            f"!= {sorted(PLACEHOLDER.findall(translation))}"
        )
    if sorted(TAG.findall(source)) != sorted(TAG.findall(translation)):
        problems.append("HTML tags differ")
    if has_words(source) and not CJK.search(translation):
        problems.append("left in English")
    return problems


# what stays in Latin letters in any language: file formats, acronyms
ACRONYMS = re.compile(r"^[\W\d_]*(?:[A-Z]{2,5}[\W\d_]*)+$")


def has_words(text):
    """Whether ``text`` has words to translate (not only placeholders, tags, acronyms)."""
    text = PLACEHOLDER.sub("", TAG.sub("", text)).strip()
    return bool(WORD.search(text)) and not ACRONYMS.match(text)


def english_left(source, translation):
    """Whether a term read in Chinese is still the English one."""
    return translation == source and has_words(source)


class TranslationChecks:
    """Mixin for a TransactionCase: set ``i18n_module``."""

    i18n_module = None
    # Odoo's test loader runs inherited test methods only when asked
    allow_inherited_tests_method = True

    def _pofile(self, name):
        return polib.pofile(file_path(f"{self.i18n_module}/i18n/{name}"))

    def test_pot_is_current(self):
        """The .pot holds every term the module has now, as Odoo's export reads them (a new
        string not exported would go untranslated without the .po check noticing)."""
        exported = {
            source
            for module, _type, _name, _res_id, source, _value, _comments in (
                TranslationModuleReader(self.env.cr, modules=[self.i18n_module])
            )
            if module == self.i18n_module and source
        }
        template = {entry.msgid for entry in self._pofile(f"{self.i18n_module}.pot")}
        self.assertFalse(
            exported - template,
            f"terms missing from {self.i18n_module}.pot (export it again): "
            f"{sorted(exported - template)[:10]}",
        )
        self.assertFalse(
            template - exported,
            f"terms the module no longer has in {self.i18n_module}.pot: "
            f"{sorted(template - exported)[:10]}",
        )

    def test_po_files_complete(self):
        """Each .po translates every term of the .pot, placeholders and tags unchanged."""
        template = self._pofile(f"{self.i18n_module}.pot")
        self.assertGreater(len(template), 10)
        for lang in LANGS:
            catalog = self._pofile(f"{lang}.po")
            self.assertEqual(catalog.metadata.get("Language"), lang)
            translated = {
                entry.msgid: entry.msgstr
                for entry in catalog
                if not entry.obsolete and "fuzzy" not in entry.flags
            }
            problems = [
                f"{lang}: {entry.msgid[:70]!r}: {problem}"
                for entry in template
                for problem in translation_problems(entry.msgid, translated.get(entry.msgid))
            ]
            self.assertFalse(problems, "\n".join(problems[:40]))
            # nothing translated that the module no longer has
            stale = set(translated) - {entry.msgid for entry in template}
            self.assertFalse(stale, f"{lang}: terms not in the .pot: {sorted(stale)[:10]}")

    def test_terms_loaded_in_database(self):
        """Loaded as on install, the module's labels, menus, views and messages read in
        Chinese."""
        load_languages(self.env, [self.i18n_module])
        self.env.invalidate_all()
        data = self.env["ir.model.data"].search([("module", "=", self.i18n_module)])
        by_model = {}
        for row in data:
            by_model.setdefault(row.model, []).append(row.res_id)
        checked = 0
        template = self._pofile(f"{self.i18n_module}.pot")
        for lang in LANGS:
            left = []
            # every translatable field of every record the module defines: labels, help,
            # selection values, menus, actions, groups, e-mail templates, views
            for model, ids in by_model.items():
                if model not in self.env:
                    continue
                Model = self.env[model].sudo()
                for name, field in Model._fields.items():
                    if not field.translate or not field.store:
                        continue
                    for record in Model.browse(ids).exists():
                        left += self._english_left(record, name, lang)
                        checked += 1
            # messages of the Python code, as self.env._ finds them
            code = code_translations.get_python_translations(self.i18n_module, lang)
            for entry in template:
                if any(ref.startswith("code:") for ref, _line in entry.occurrences):
                    if not code.get(entry.msgid):
                        left.append(f"code {entry.msgid[:60]!r}")
                    checked += 1
            self.assertFalse(left, f"{lang}: read in English:\n" + "\n".join(left[:40]))
        self.assertGreater(checked, 20)

    def _english_left(self, record, name, lang):
        """The terms of ``record.name`` that still read in English in ``lang``."""
        field = record._fields[name]
        source = record.with_context(lang="en_US")[name]
        translated = record.with_context(lang=lang)[name]
        if not source:
            return []
        label = f"{record._name} {record.display_name!r} {name}"
        if callable(field.translate):
            source_terms = set(field.get_trans_terms(source))
            translated_terms = set(field.get_trans_terms(translated))
            return [
                f"{label}: {term[:60]!r}"
                for term in source_terms & translated_terms
                if english_left(term, term)
            ]
        return [f"{label}: {source[:60]!r}"] if english_left(source, translated) else []
