"""A condition in plain words, for people who never see its expression.

:func:`if_clause` writes a parsed condition the way a person says it, with the
questions' own labels and the options' own labels, never an id, an operator or a
function name:

- ``statut == "apprenti"`` → « si vous avez répondu « Je suis en apprentissage » à « Que
  faites-vous en ce moment ? » »;
- ``age >= 16`` and ``age <= 25`` (``age: years_since(date_naissance)``) → « si vous avez
  entre 16 et 25 ans »; when the date is not the person's own (« la date de naissance de
  l'élève »), « si l'âge d'après « … » vaut … »;
- ``"autre" in matieres`` → « si vous avez coché « Une autre matière » à « … » »;
- ``all:`` / ``any:`` → « si A, si B et si C », « si A, ou si B »; a group inside a group
  → « soit A, soit B et C ».

It needs only the words of the service (:class:`Glossary`, made by :func:`glossary_of`)
and a language: no Flask. The sentence's shape is the paper's own
(:mod:`builder.rules.in_words_phrases`); its words (« moins de », « entre … et … »,
« ans », quotes, lists) are those of :mod:`builder.rules.vocabulary`, which the studio and
the mini-site say conditions with too. French and English; another language gets the French.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from builder.format.model import localize
from builder.rules import nodes
from builder.rules.clauses import Group, Test, clauses
from builder.rules.in_words_phrases import phrases
from builder.rules.vocabulary import (
    TERRITORIES,
    date_compared,
    format_number,
    in_territory,
    joined,
    phrase,
    quoted,
    said,
    with_unit,
    yes_no,
)

_COMPARED = ("<", "<=", ">", ">=", "between")
_A_DATE = ("<", ">", "between")  # « une date avant le … », but « le … ou avant »


@dataclass(frozen=True)
class Question:
    """What a condition needs to know of a question: its label, the kind of its answer
    (a block type's ``answer_type``) and how a constant reads as its answer."""

    label: str
    kind: str
    answer_text: Callable[[Any], str] = str


@dataclass(frozen=True)
class Glossary:
    """The words of a service: its questions by id, its computed values' expressions, and
    the words the file gives some of them (``computed_labels``: « Revenu annuel »)."""

    questions: Mapping[str, Question] = field(default_factory=dict)
    computed: Mapping[str, nodes.Node] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)


# A date question that speaks to the person (« Votre date de naissance »), in any of the
# languages Tremplin speaks: a French label read in English is still about the person.
_PERSON = re.compile(r"\b(vous|votre|vos|tu|ton|ta|tes|you|your)\b", re.IGNORECASE)


def glossary_of(service: Any, lang: str = "fr") -> Glossary:
    """The glossary of a loaded :class:`~builder.format.model.Service` in ``lang``."""
    questions = {name: Question(block.text("label", lang, service.languages) or name,
                                block.type.answer_type, _answer_text(block, lang))
                 for name, block in service.questions.items()}
    computed = {name: item.expression.root for name, item in service.computed.items()}
    labels = {name: localize(item.label, lang, service.languages) for name, item in service.computed.items()
              if item.label}
    return Glossary(questions, computed, labels)


def _answer_text(block: Any, lang: str) -> Callable[[Any], str]:
    def text(value: Any) -> str:
        try:
            return block.type.format_text(block.params, block.type.value_from_json(block.params, value), lang)
        except Exception:  # a constant of another type than the answers (the loader allows it)
            return str(value)
    return text


def if_clause(condition: Any, glossary: Glossary, lang: str = "fr") -> str:
    """The condition (or expression) as one clause starting with « si » (« if »), as the
    paper version writes « Répondez seulement si … »."""
    return _Writer(glossary, lang).sentence(clauses(condition, glossary.computed))


def in_plain_words(condition: Any, glossary: Glossary, lang: str = "fr") -> str:
    """The condition said without « si » (« vous avez 18 ans ou plus et … », « soit …, soit
    … »): how the studio summarises a condition its rows cannot show."""
    return _Writer(glossary, lang).inner(clauses(condition, glossary.computed))


def value_in_words(root: nodes.Node, glossary: Glossary, lang: str = "fr") -> str:
    """What a computed value works out, in words (« la réponse à « … » plus 2 »)."""
    return _Writer(glossary, lang).describe(root)


def always(condition: Any) -> bool:
    """Whether the condition holds whatever the answers (``true``, or none at all)."""
    return condition is None or _constant(condition) == "always"


def never(condition: Any) -> bool:
    """Whether the condition fails whatever the answers (``false``)."""
    return condition is not None and _constant(condition) == "never"


def _constant(condition: Any) -> str | None:
    tree = clauses(condition)
    return tree.op if isinstance(tree, Test) and tree.subject is None else None


class _Writer:
    """Writes clause trees with the phrases of one language."""

    def __init__(self, glossary: Glossary, lang: str):
        self.glossary, self.lang, self.words = glossary, lang, phrases(lang)

    def sentence(self, tree: Test | Group) -> str:
        words = self.words
        if not isinstance(tree, Group):
            return words["if"].format(self.clause(tree))
        parts = [words["if"].format(self.inner(item)) for item in tree.items]
        return joined(parts, "and" if tree.kind == "all" else "or", self.lang)

    def inner(self, tree: Test | Group, depth: int = 0) -> str:
        """A group inside the sentence: « A et B », « soit A, soit B et C »; a group two
        levels down, in brackets."""
        if not isinstance(tree, Group):
            return self.clause(tree)
        items = [self.inner(item, depth + 1) for item in tree.items]
        if tree.kind == "all":
            text = joined(items, "and", self.lang)
        else:
            text = self.words["either"].format(_join(items, self.words["either_list"], self.words["either_last"]))
        return f"({text})" if depth > 1 else text

    def clause(self, test: Test) -> str:
        if test.subject is None:
            return self.words[test.op]
        subject = Subject.of(test.subject, self.glossary, self.lang)
        return subject.clause(test, self)

    # -- values

    def value(self, node: nodes.Node, subject: "Subject | None" = None) -> str:
        """A value as a person reads it: a constant as the answer to the subject's
        question (its option's label, « Oui », a date), else described."""
        if isinstance(node, nodes.ListNode) and node.constant is nodes.NOT_CONSTANT:
            return ", ".join(self.value(child, subject) for child in node.children)
        if node.constant is not nodes.NOT_CONSTANT:
            return self.constant(node.constant, subject)
        return self.describe(node)

    def values(self, node: nodes.Node, subject: "Subject | None") -> list[str]:
        """The items of a list (``in [a, b]``), each as :meth:`value`."""
        if isinstance(node, nodes.ListNode):
            return [self.value(child, subject) for child in node.children]
        constant = node.constant
        if isinstance(constant, list):
            return [self.constant(item, subject) for item in constant]
        return [self.value(node, subject)]

    def constant(self, value: Any, subject: "Subject | None") -> str:
        if subject is not None and subject.question is not None:
            text = subject.question.answer_text(value)
            return quoted(text, self.lang) if subject.quoted else text
        if isinstance(value, bool):
            return quoted(yes_no(value, self.lang), self.lang)
        if isinstance(value, (int, float)):
            return format_number(value, self.lang)
        if isinstance(value, list):
            return ", ".join(self.constant(item, subject) for item in value)
        return quoted(value, self.lang)

    def describe(self, node: nodes.Node, depth: int = 0) -> str:
        """Any expression described in words (« la réponse à « … » plus 1 »)."""
        if depth > 20:
            return self.words["value"]
        if isinstance(node, nodes.Arithmetic):
            left, right = (self._operand(child, node, depth) for child in node.children)
            return self.words[node.op].format(left, right)
        if isinstance(node, nodes.Negative):
            return self.words["minus"].format(self._operand(node.children[0], node, depth))
        if isinstance(node, nodes.Call) and node.function == "today":
            return phrase("today", self.lang)
        if node.constant is not nodes.NOT_CONSTANT:
            return self.constant(node.constant, None)
        subject = Subject.of(node, self.glossary, self.lang)
        if subject.kind == "computed":
            return self.describe(subject.node, depth + 1)
        if subject.kind in ("expression", "test"):
            return self.inner(clauses(node, self.glossary.computed))
        return subject.said(self)

    def _operand(self, child: nodes.Node, parent: nodes.Node, depth: int) -> str:
        text = self.describe(child, depth + 1)
        return f"({text})" if self._precedence(child) < parent.precedence else text

    def _precedence(self, node: nodes.Node) -> int:
        """A computed value is said as its expression: it binds as that expression does."""
        expanded = self.glossary.computed.get(node.name) if isinstance(node, nodes.Name) else None
        if expanded is None or Subject.of(node, self.glossary, self.lang).kind != "computed":
            return node.precedence
        return self._precedence(expanded)


def _join(parts: list[str], comma: str, last: str) -> str:
    """« soit A, soit B, soit C »: the paper's own list (the others are joined by the vocabulary)."""
    if len(parts) == 1:
        return parts[0]
    return comma.join(parts[:-1]) + last + parts[-1]


@dataclass
class Subject:
    """What a clause is about, and how it is said: a question (by its label), a person's
    age (« vous avez … ans »), someone else's age, a count of ticked boxes, a computed
    value (described, or by the name the file gives it), or any other expression."""

    kind: str
    name: str = ""
    question: Question | None = None
    node: nodes.Node | None = None
    person: bool = False

    @property
    def quoted(self) -> bool:
        """Answers shown between quotes: option labels, texts, yes and no (not numbers or dates)."""
        return self.question is not None and self.question.kind in ("option", "options", "string", "boolean")

    @classmethod
    def of(cls, node: nodes.Node, glossary: Glossary, lang: str) -> "Subject":
        """The subject ``node`` stands for."""
        if isinstance(node, nodes.Name):
            question = glossary.questions.get(node.name)
            if question is not None:
                return cls("question", quoted(question.label, lang), question)
            expression = glossary.computed.get(node.name)
            if expression is None:
                return cls("missing", quoted(node.name, lang))  # a name a draft no longer has
            age = cls._age(expression, glossary, lang)
            label = glossary.labels.get(node.name)
            if age is None and label:  # named by the file: said by its name, not worked out
                return cls("named", quoted(label, lang), node=expression)
            return age or cls("computed", node=expression)
        if isinstance(node, nodes.Call) and node.function in TERRITORIES and isinstance(node.children[0], nodes.Name):
            question = glossary.questions.get(node.children[0].name)
            if question is not None:
                return cls("territory", quoted(question.label, lang), question, node)
        if isinstance(node, nodes.Call) and node.function in ("years_since", "count"):
            found = cls._age(node, glossary, lang) if node.function == "years_since" else cls._count(node, glossary, lang)
            if found is not None:
                return found
        return cls("test" if isinstance(node, (nodes.Compare, nodes.Logic, nodes.Not, nodes.Chain)) else "expression",
                   node=node)

    @classmethod
    def _age(cls, node: nodes.Node, glossary: Glossary, lang: str) -> "Subject | None":
        """``years_since(date)``: the person's age when the date's label speaks to them."""
        if not (isinstance(node, nodes.Call) and node.function == "years_since"):
            return None
        argument = node.children[0]
        question = glossary.questions.get(argument.name) if isinstance(argument, nodes.Name) else None
        if question is None:
            return None
        person = bool(_PERSON.search(question.label))
        return cls("age", phrases(lang)["age_of"].format(quoted(question.label, lang)), None, node, person)

    @classmethod
    def _count(cls, node: nodes.Node, glossary: Glossary, lang: str) -> "Subject | None":
        argument = node.children[0]
        question = glossary.questions.get(argument.name) if isinstance(argument, nodes.Name) else None
        if question is None:
            return None
        return cls("count", quoted(question.label, lang), None, node)

    # -- clauses

    def clause(self, test: Test, writer: _Writer) -> str:
        """The clause ``test`` about this subject."""
        words = writer.words
        if test.op in ("answered", "unanswered", "true", "false"):
            return self._state(test.op, writer)
        if self.kind == "territory" and test.op in ("==", "!=", "in", "not in") and self._plain_values(test):
            return self._territory(test, writer)
        if test.op in ("contains", "lacks") and self.kind == "question":
            return words[f"ticked_{test.op}"].format(writer.value(test.value, self), self.name)
        frame = self._frame(test)
        key = {"!=": "not", "not in": "none", "contains": "contains", "lacks": "lacks"}.get(test.op, "is")
        return words[f"{frame}_{key}"].format(q=self.name, s=self.said(writer),
                                               v=self._amounts(test, writer, frame != "value" or self.kind == "age"))

    def _territory(self, test: Test, writer: _Writer) -> str:
        """« la réponse à « … » est une commune de la région Bretagne »: the territory by its name."""
        values = test.value if isinstance(test.value, tuple) else (test.value,)
        codes = [code for value in values
                 for code in (value.constant if isinstance(value.constant, list) else [value.constant])]
        where = in_territory(self.node.function, codes, test.op in ("==", "in"), writer.lang)
        return writer.words["territory"].format(s=writer.words["answer_to"].format(self.name), v=where)

    def _frame(self, test: Test) -> str:
        """How the clause is said: « vous avez répondu … à … », « vous avez … ans »,
        « vous avez coché … », or « … vaut … »."""
        plain = self._plain_values(test) and test.op not in ("contains", "lacks")
        if self.kind == "age" and plain:
            return "person" if self.person else "value"
        if self.kind in ("count", "question") and plain:
            return "count" if self.kind == "count" else "answer"
        return "value"

    def _plain_values(self, test: Test) -> bool:
        """Constants (or today) on the other side: « vous avez répondu 18 ou plus »."""
        values = test.value if isinstance(test.value, tuple) else (test.value,)
        return all(isinstance(value, nodes.Node) and (value.constant is not nodes.NOT_CONSTANT
                   or (isinstance(value, nodes.Call) and value.function == "today")) for value in values)

    def said(self, writer: _Writer) -> str:
        """The subject as a noun phrase (« la réponse à « … » », « l'âge d'après « … » »)."""
        if self.kind == "question":
            return writer.words["answer_to"].format(self.name)
        if self.kind in ("age", "named"):
            return self.name
        if self.kind == "count":
            return writer.words["count_of"].format(self.name)
        if self.node is None:  # a name the service no longer has (a draft in the studio)
            return self.name
        return writer.describe(self.node)

    def _state(self, op: str, writer: _Writer) -> str:
        """Answered or not; a yes/no question answered « Oui » or « Non »; anything else true or not."""
        words = writer.words
        if self.kind == "question" and self.question.kind == "boolean" and op in ("true", "false"):
            return words["answer_is"].format(q=self.name, v=writer.constant(op == "true", self))
        if self.kind == "question":
            return words[{"true": "answered", "false": "unanswered"}.get(op, op)].format(self.name)
        if op in ("answered", "unanswered"):
            return said(op, writer.lang, self.said(writer))
        return words[f"{op}_value"].format(self.said(writer))

    def _amounts(self, test: Test, writer: _Writer, with_unit: bool) -> str:
        """The value side of a comparison: « moins de 18 ans », « une date avant le … »."""
        unit, lang = self._unit(writer.lang) if with_unit else (lambda text: text), writer.lang
        dated = self.question is not None and self.question.kind == "date" and self._plain_values(test)
        if test.op in ("in", "not in"):
            items = [date_compared("==", lang, text) if dated else text for text in writer.values(test.value, self)]
            return unit(joined(items, "or" if test.op == "in" else "nor", lang))
        values = [writer.value(item, self) for item in (test.value if test.op == "between" else (test.value,))]
        if dated:
            text = date_compared(test.op if test.op in _COMPARED else "==", lang, *values)
            return writer.words["a_date"].format(text) if test.op in _A_DATE else text
        if test.op == "between":
            return unit(said("between", lang, *values))
        return said(test.op, lang, unit(values[0])) if test.op in _COMPARED else unit(values[0])

    def _unit(self, lang: str) -> Callable[[str], str]:
        """Adds « ans » to an age, « réponses » to a count (« 1 an », « 1 réponse »)."""
        if self.kind not in ("age", "count"):
            return lambda text: text
        name = "years_old" if self.kind == "age" else "answers"
        return lambda text: with_unit(text, name, lang)
