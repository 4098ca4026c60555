"""Run a service's personas: its own examples, each expecting exactly some outcomes."""

from __future__ import annotations

from dataclasses import dataclass

from builder.format.model import Persona, Service, localize
from builder.messages import register, render
from builder.rules.engine import Evaluation, evaluate

register({
    "persona_passed": ("✓ {name}", "✓ {name}"),
    "persona_failed": ("✗ {name} (ligne {line})", "✗ {name} (line {line})"),
    "persona_expected": ("    attendu : {expected}", "    expected: {expected}"),
    "persona_got": ("    obtenu  : {got}", "    got:      {got}"),
    "persona_error": ("    réponse refusée pour « {name} » : {message}", "    answer refused for \"{name}\": {message}"),
    "persona_unknown": ("    encore inconnu : {outcome} (manque : {missing})", "    still unknown: {outcome} (missing: {missing})"),
    "nothing": ("aucun résultat", "no outcome"),
    "persona_outcome": ("    « {title} » :", "    “{title}”:"),
})


@dataclass
class PersonaResult:
    """What a persona gave against what it expected."""

    persona: Persona
    evaluation: Evaluation

    @property
    def applied(self) -> list[str]:
        """The outcomes that apply (status yes), in the file's order."""
        return [outcome for outcome, status in self.evaluation.outcomes.items() if status == "yes"]

    @property
    def passed(self) -> bool:
        """True when exactly the expected outcomes apply and every answer was accepted."""
        return set(self.applied) == set(self.persona.expect) and not self.evaluation.errors

    def report(self, lang: str = "fr") -> list[str]:
        """Lines for a person: a tick, or a cross with what differs and why."""
        if self.passed:
            return [render("persona_passed", lang, name=self.persona.name)]
        none = render("nothing", lang)
        lines = [render("persona_failed", lang, name=self.persona.name, line=self.persona.line),
                 render("persona_expected", lang, expected=", ".join(self.persona.expect) or none),
                 render("persona_got", lang, got=", ".join(self.applied) or none)]
        for name, message in self.evaluation.errors.items():
            lines.append(render("persona_error", lang, name=name, message=message))
        for outcome, status in self.evaluation.outcomes.items():
            if status == "unknown" and outcome in self.persona.expect:
                lines.append(render("persona_unknown", lang, outcome=outcome,
                                    missing=", ".join(self.evaluation.missing)))
        for outcome in sorted(set(self.applied) ^ set(self.persona.expect)):
            if outcome in self.evaluation.outcomes:
                lines.extend("    " + line for line in self.evaluation.explanation(outcome))
        return lines

    def report_in_words(self, lang: str = "fr") -> list[str]:
        """What differs, for the studio: outcomes by their titles and questions by their
        labels (never an id), no line number; each outcome that differs explained."""
        service, none = self.evaluation.service, render("nothing", lang)
        titles = {outcome.id: localize(outcome.title, lang, service.languages) or outcome.id
                  for outcome in service.outcomes}
        labels = self.evaluation.labels()
        named = lambda ids, words: ", ".join(f"« {words.get(item, item)} »" for item in ids) or none  # noqa: E731
        lines = [render("persona_expected", lang, expected=named(self.persona.expect, titles)).strip(),
                 render("persona_got", lang, got=named(self.applied, titles)).strip()]
        for name, message in self.evaluation.errors.items():
            lines.append(render("persona_error", lang, name=labels.get(name, name), message=message).strip())
        for outcome, status in self.evaluation.outcomes.items():
            if status == "unknown" and outcome in self.persona.expect:
                lines.append(render("persona_unknown", lang, outcome=titles.get(outcome, outcome),
                                    missing=named(self.evaluation.missing, labels)).strip())
        for outcome in sorted(set(self.applied) ^ set(self.persona.expect)):
            if outcome in self.evaluation.outcomes:
                lines.append(render("persona_outcome", lang, title=titles.get(outcome, outcome)).strip())
                lines.extend("  " + line for line in self.evaluation.explanation(outcome))
        return lines


def run_persona(service: Service, persona: Persona, lang: str = "fr") -> PersonaResult:
    """Evaluate one persona's answers on its own ``today``."""
    return PersonaResult(persona, evaluate(service, persona.answers, persona.today, lang))


def run_personas(service: Service, lang: str = "fr") -> list[PersonaResult]:
    """Every persona of ``service``, in the file's order."""
    return [run_persona(service, persona, lang) for persona in service.personas]
