"""Benchmark of Tremplin's rule engine and loader, with Publicodes as the yardstick.

    python bench/engine.py            # 10,000 situations (the figures in bench/README.md)
    python bench/engine.py --quick    # 1,000 situations, a smoke test

Three measures, one table at the end:

1. The eligibility rule "16 ≤ age ≤ 25 and resident in France and (not a student or a
   scholarship holder)" on the same seeded random situations, with Tremplin's ``decide``
   and with Publicodes (the npm package, run by node through bench/publicodes/evaluate.mjs).
   Both must agree on every situation, and with a hand-written Python predicate; the
   script stops with exit code 1 and names the situation otherwise. Also shown, for
   information: Tremplin's full ``evaluate`` and the bare Python predicate.
2. Loading and compiling a generated 500-question service with ``load_service_text``.
3. The table: figure, value, target, ok / not ok. Targets are reported, not asserted:
   a missed target still exits 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

from npm_cache import ensure_package, pinned_version  # bench/ is the script's folder

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PUBLICODES_SCRIPT = BENCH / "publicodes" / "evaluate.mjs"
PUBLICODES_CACHE = BENCH / ".cache" / "publicodes"

SEED = 20260901
RUNS = 5
RATIO_TARGET = 20
LOAD_TARGET_MS = 200

sys.path.insert(0, str(ROOT))  # run from a checkout without installing the package


# --------------------------------------------------------------------------------------
# The eligibility rule and its situations
# --------------------------------------------------------------------------------------

ELIGIBILITY_SERVICE = """\
tremplin: 1
id: bench-eligibilite
title: Éligibilité (banc d'essai)
steps:
  - id: vous
    title: Vous
    blocks:
      - {type: number, id: age, label: Quel est votre âge ?, min: 0, max: 120}
      - {type: yesno, id: resident_france, label: Résidez-vous en France ?}
      - {type: yesno, id: etudiant, label: Êtes-vous étudiant ou étudiante ?}
      - {type: yesno, id: boursier, label: Êtes-vous boursier ou boursière ?}
outcomes:
  - id: eligible
    title: Vous êtes éligible
    when:
      all:
        - "16 <= age"
        - "age <= 25"
        - resident_france
        - any: ["not etudiant", "boursier"]
"""

EDGE_AGES = (15, 16, 25, 26)


def reference(situation: dict[str, Any]) -> bool:
    """The rule written by hand in Python: the answer both engines must give."""
    s = situation
    return bool(16 <= s["age"] <= 25 and s["resident_france"] and (not s["etudiant"] or s["boursier"]))


def make_situations(count: int, seed: int = SEED) -> list[dict[str, Any]]:
    """``count`` situations: first every edge age with every yes/no combination, then random ones.

    The same seed gives the same list, and the first 1,000 of the 10,000 are the --quick set.
    """
    situations = [
        {"age": age, "resident_france": resident, "etudiant": student, "boursier": grant}
        for age, resident, student, grant in itertools.product(EDGE_AGES, *[(True, False)] * 3)
    ]
    rng = random.Random(seed)
    while len(situations) < count:
        age = rng.choice(EDGE_AGES) if rng.random() < 0.2 else rng.randint(10, 35)
        situations.append({
            "age": age,
            "resident_france": rng.random() < 0.8,
            "etudiant": rng.random() < 0.5,
            "boursier": rng.random() < 0.3,
        })
    return situations[:count]


# --------------------------------------------------------------------------------------
# Timing helpers
# --------------------------------------------------------------------------------------

def time_runs(fn: Callable[[], Any], runs: int = RUNS) -> tuple[list[float], Any]:
    """Run ``fn`` once to warm up, then ``runs`` times; the durations in seconds and the last result."""
    result = fn()
    durations = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        durations.append(time.perf_counter() - start)
    return durations, result


# --------------------------------------------------------------------------------------
# Publicodes (node)
# --------------------------------------------------------------------------------------

def run_publicodes(situations: list[dict[str, Any]]) -> dict[str, Any]:
    """Evaluate every situation with Publicodes: {"version", "results", "seconds", "runs"}.

    ``seconds`` is the best of the node script's timed passes (warm-up excluded), as
    measured inside node with performance.now().
    """
    version = pinned_version("publicodes", "publicodes")
    ensure_package("publicodes", "publicodes")
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is needed to run publicodes.")
    completed = subprocess.run([node, str(PUBLICODES_SCRIPT), str(PUBLICODES_CACHE), str(RUNS)],
                               input=json.dumps(situations), capture_output=True, text=True)
    if completed.returncode != 0:
        raise SystemExit(f"The publicodes script failed:\n{completed.stderr}")
    return json.loads(completed.stdout)


# --------------------------------------------------------------------------------------
# Tremplin
# --------------------------------------------------------------------------------------

def tremplin_figures(situations: list[dict[str, Any]]) -> dict[str, Any]:
    """Time Tremplin's ``decide`` and full ``evaluate`` and the Python predicate on ``situations``.

    Returns the statuses ("yes" / "no" / "unknown") given by ``decide`` and by ``evaluate``
    and the best time in seconds of each.
    """
    from builder.format.loader import load_service_text
    from builder.rules.engine import decide, evaluate

    service = load_service_text(ELIGIBILITY_SERVICE, path="<bench>")

    def with_decide() -> list[str]:
        return [decide(service, answers)["eligible"] for answers in situations]

    def with_evaluate() -> list[str]:
        results = []
        for answers in situations:
            evaluation = evaluate(service, answers)
            evaluation.to_json()  # outcomes, missing, steps, errors
            evaluation.explanation("eligible")
            results.append(evaluation.outcomes["eligible"])
        return results

    def with_python() -> list[bool]:
        return [reference(answers) for answers in situations]

    decide_runs, decided = time_runs(with_decide)
    evaluate_runs, evaluated = time_runs(with_evaluate)
    python_runs, _ = time_runs(with_python)
    return {
        "decide": decided, "evaluate": evaluated,
        "decide_seconds": min(decide_runs), "evaluate_seconds": min(evaluate_runs),
        "python_seconds": min(python_runs),
    }


def check_agreement(situations: list[dict[str, Any]], answers: dict[str, list[str]]) -> list[str]:
    """For each engine, the first situation on which it does not give the rule's answer.

    ``answers`` maps an engine's name to its statuses, "yes" / "no" (anything else is wrong).
    """
    expected = ["yes" if reference(s) else "no" for s in situations]
    problems = []
    for name, results in answers.items():
        if len(results) != len(situations):
            problems.append(f"{name} gave {len(results)} results for {len(situations)} situations")
            continue
        for index, (got, want) in enumerate(zip(results, expected)):
            if got != want:
                problems.append(f"situation {index} {json.dumps(situations[index])}: "
                                f"{name} says {got!r}, the rule says {want!r}")
                break
    return problems


# --------------------------------------------------------------------------------------
# A generated 500-question service
# --------------------------------------------------------------------------------------

STEPS = 100
OUTCOMES = 20
PERSONAS = 10
CHOICES = [("emploi", "En emploi"), ("formation", "En formation"), ("etudes", "En études")]
PERSONA_TODAY = "2026-09-01"


def quote(text: str) -> str:
    """``text`` as a single-quoted YAML scalar."""
    return "'" + text.replace("'", "''") + "'"


def step_is_conditional(s: int) -> bool:
    """Every fifth step has a show_if (on a yes/no of the step before)."""
    return s % 5 == 4


def block_lines(s: int) -> list[str]:
    """The five blocks of step ``s``: number, choice, yes/no, date, text (in that order)."""
    q = f"q{s}_"
    lines = [
        f"      - type: number",
        f"        id: {q}0",
        f"        label:",
        f"          fr: Combien d'heures par semaine ? ({s})",
        f"          en: How many hours a week? ({s})",
        f"        hint: Un nombre entre 0 et 99.",
        f"        min: 0",
        f"        max: 99",
        f"        unit: heures",
        f"      - type: choice",
        f"        id: {q}1",
        f"        label: Quelle est votre situation ? ({s})",
        f"        display: {'dropdown' if s % 2 else 'radio'}",
        f"        options:",
        *[f"          - {{value: {value}, label: {label}}}" for value, label in CHOICES],
        f"          - Autre",
        f"      - type: yesno",
        f"        id: {q}2",
        f"        label: Avez-vous déjà fait une demande ? ({s})",
        f"      - type: date",
        f"        id: {q}3",
        f"        label: Quelle est la date de début ? ({s})",
        f"        hint: Par exemple 14 07 2006",
        f"        min: 1900-01-01",
        f"        max: today",
        f"      - type: text",
        f"        id: {q}4",
        f"        label: Précisez si besoin ({s})",
        f"        required: false",
        f"        max_length: 200",
    ]
    if s % 3 == 1 and s > 0:  # some blocks shown only for some earlier answers
        if s % 2:
            condition = f"q{s - 1}_0 >= 10"
        else:
            leaves = [f'q{s - 1}_1 == "Autre"', f'q{s - 1}_1 in ["emploi", "formation"]']
            condition = "{any: [" + ", ".join(quote(leaf) for leaf in leaves) + "]}"
        lines.append(f"        show_if: {condition}")
    return lines


def steps_yaml() -> list[str]:
    """The 100 steps of 5 questions each."""
    lines = ["steps:"]
    for s in range(STEPS):
        lines += [f"  - id: etape-{s}", f"    title: Étape {s}"]
        if step_is_conditional(s):
            lines.append(f"    show_if: q{s - 1}_2")
        lines.append("    blocks:")
        lines += block_lines(s)
    return lines


def computed_yaml() -> list[str]:
    """A few computed values."""
    return [
        "computed:",
        "  anciennete_0: years_since(q0_3)",
        "  anciennete_1: years_since(q1_3)",
        "  heures_totales: q0_0 + q1_0 + q2_0",
        "  heures_par_jour: q3_0 / 5",
        "  deja_demande: q0_2 or q1_2",
    ]


def outcome_steps(k: int) -> tuple[int, int]:
    """The two always-shown steps whose answers outcome ``k`` looks at."""
    shown = [s for s in range(STEPS) if not step_is_conditional(s)]
    return shown[2 * k], shown[2 * k + 1]


def outcome_condition(k: int) -> tuple[list[str], Callable[[dict], bool]]:
    """The YAML lines of outcome ``k``'s ``when`` and the same rule in Python (all answered)."""
    a, b = outcome_steps(k)
    any_of = [f'q{b}_1 == "emploi"', f'q{b}_1 in ["formation", "etudes"] and q{b}_0 < 35',
              f"years_since(q{b}_3) >= 2"]
    lines = ["    when:", "      all:", f"        - q{a}_0 >= 18", f"        - q{a}_2", "        - any:",
             *[f"            - {quote(leaf)}" for leaf in any_of]]
    if k % 4 == 0:
        lines.append(f"        - not: q{b}_2")

    def rule(answers: dict) -> bool:
        years = _years_since(answers[f"q{b}_3"], PERSONA_TODAY)
        applies = answers[f"q{a}_0"] >= 18 and answers[f"q{a}_2"] and (
            answers[f"q{b}_1"] == "emploi"
            or (answers[f"q{b}_1"] in ("formation", "etudes") and answers[f"q{b}_0"] < 35)
            or years >= 2)
        return bool(applies and (k % 4 != 0 or not answers[f"q{b}_2"]))

    return lines, rule


def _years_since(start: str, today: str) -> int:
    """Whole years from ``start`` to ``today`` (both YYYY-MM-DD), as an age is counted."""
    (y0, m0, d0), (y1, m1, d1) = (map(int, start.split("-")), map(int, today.split("-")))
    return y1 - y0 - ((m1, d1) < (m0, d0))


def outcomes_yaml() -> tuple[list[str], list[Callable[[dict], bool]]]:
    """The 20 outcomes and their rules in Python."""
    lines, rules = ["outcomes:"], []
    for k in range(OUTCOMES):
        when, rule = outcome_condition(k)
        lines += [f"  - id: resultat-{k}", f"    title: Vous pouvez avoir l'aide {k}",
                  f"    body: Une aide de **{100 * (k + 1)} €** pour vous accompagner.",
                  f"    amount: {100 * (k + 1)} €", *when]
        rules.append(rule)
    return lines, rules


def persona_answers(rng: random.Random, steps: tuple[int, ...]) -> dict[str, Any]:
    """Random valid answers to every question of ``steps``."""
    answers: dict[str, Any] = {}
    for s in steps:
        answers[f"q{s}_0"] = rng.randint(0, 60)
        answers[f"q{s}_1"] = rng.choice(["emploi", "formation", "etudes", "Autre"])
        answers[f"q{s}_2"] = rng.random() < 0.7
        answers[f"q{s}_3"] = f"{rng.randint(2015, 2026)}-{rng.randint(1, 8):02d}-{rng.randint(1, 28):02d}"
        answers[f"q{s}_4"] = "Rien à ajouter"
    return answers


def personas_yaml(rules: list[Callable[[dict], bool]], seed: int = SEED) -> list[str]:
    """10 personas, each answering the questions of two outcomes, with the outcomes they get.

    The other outcomes stay unknown (their questions are unanswered), so they are not expected.
    """
    rng = random.Random(seed)
    lines = ["tests:"]
    for p in range(PERSONAS):
        ks = (2 * p, 2 * p + 1)
        answers = persona_answers(rng, tuple(s for k in ks for s in outcome_steps(k)))
        expect = [f"resultat-{k}" for k in ks if rules[k](answers)]
        lines += [f"  - name: Persona {p}", f"    today: {PERSONA_TODAY}", "    answers:"]
        lines += [f"      {name}: {str(value).lower() if isinstance(value, bool) else value}"
                  for name, value in answers.items()]
        lines.append(f"    expect: [{', '.join(expect)}]")
    return lines


def generate_service() -> str:
    """The YAML text of a 500-question service (100 steps, 20 outcomes, 10 personas)."""
    outcome_lines, rules = outcomes_yaml()
    lines = [
        "tremplin: 1",
        "id: banc-500-questions",
        "title: Un grand service (500 questions)",
        "summary: Un service généré pour mesurer le chargement.",
        "languages: [fr, en]",
        "help:",
        "  text: Une question ? Un conseiller vous répond.",
        "  phone: \"01 23 45 67 89\"",
        *computed_yaml(),
        *steps_yaml(),
        *outcome_lines,
        *personas_yaml(rules),
    ]
    return "\n".join(lines) + "\n"


def loading_figures(text: str) -> dict[str, Any]:
    """Time ``load_service_text`` on ``text``: best and median of 5 runs after a cold one, in ms."""
    from builder.format.loader import load_service_text

    start = time.perf_counter()
    service = load_service_text(text, path="<bench-500>")
    cold = time.perf_counter() - start
    durations, service = time_runs(lambda: load_service_text(text, path="<bench-500>"))
    return {
        "service": service,
        "questions": len(service.questions),
        "cold_ms": 1000 * cold,
        "best_ms": 1000 * min(durations),
        "median_ms": 1000 * statistics.median(durations),
    }


def large_answers_figures(service: Any, seed: int = SEED) -> dict[str, float]:
    """Time ``decide`` and ``evaluate(...).to_json()`` on the 500-question service with all
    500 questions answered (what a mini-site does on its last page), in ms per call."""
    from builder.rules.engine import decide, evaluate

    answers = persona_answers(random.Random(seed), tuple(range(STEPS)))
    answers = {name: dt.date.fromisoformat(value) if name.endswith("_3") else value
               for name, value in answers.items()}
    decide_runs, _ = time_runs(lambda: decide(service, answers))
    evaluate_runs, _ = time_runs(lambda: evaluate(service, answers).to_json())
    return {"decide_ms": 1000 * min(decide_runs), "evaluate_ms": 1000 * min(evaluate_runs)}


def check_personas(service: Any) -> list[str]:
    """The generated personas that fail (the generator's own check)."""
    from builder.rules.personas import run_personas

    return [str(result) for result in run_personas(service) if not result.passed]


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------

def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    """Print rows of (figure, value, target, ok) as an aligned table."""
    header = ("figure", "value", "target", "ok")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(4)]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())


def per_second(count: int, seconds: float) -> str:
    """A rate as « 123,456 /s »."""
    return f"{count / seconds:,.0f} /s"


def main(argv: list[str] | None = None) -> int:
    """Run every measure and print the table; 1 when the engines disagree, else 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 situations instead of 10,000")
    options = parser.parse_args(argv)
    count = 1_000 if options.quick else 10_000
    situations = make_situations(count)

    print(f"Load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (the figures are noisy when "
          "the machine is busy: the two engines are timed one after the other).")
    print(f"Eligibility rule on {count:,} situations (seed {SEED}, best of {RUNS} runs after a warm-up)…",
          flush=True)
    publicodes = run_publicodes(situations)
    tremplin = tremplin_figures(situations)
    problems = check_agreement(situations, {
        "Tremplin decide": tremplin["decide"],
        "Tremplin evaluate": tremplin["evaluate"],
        f"Publicodes {publicodes['version']}": ["yes" if r is True else "no" if r is False else repr(r)
                                                for r in publicodes["results"]],
    })
    if problems:
        print("The engines disagree:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    print(f"  all agree ({tremplin['decide'].count('yes'):,} eligible of {count:,}).")

    print("Loading a generated 500-question service (cold run, then best of 5)…", flush=True)
    text = generate_service()
    loading = loading_figures(text)
    failing = check_personas(loading["service"])
    print(f"  {loading['questions']} questions, {len(text.encode()) / 1024:.0f} KB, "
          f"personas: {PERSONAS - len(failing)} passed, {len(failing)} failed.")
    for failure in failing:
        print(f"  {failure}")

    large = large_answers_figures(loading["service"])

    ratio = publicodes["seconds"] / tremplin["decide_seconds"]
    rows = [
        ("Tremplin decide", per_second(count, tremplin["decide_seconds"]), "", ""),
        (f"Publicodes {publicodes['version']} (node)", per_second(count, publicodes["seconds"]), "", ""),
        ("ratio Tremplin / Publicodes", f"{ratio:.1f}", f">= {RATIO_TARGET}",
         "ok" if ratio >= RATIO_TARGET else "not ok"),
        ("Tremplin evaluate (+ to_json, explanation)", per_second(count, tremplin["evaluate_seconds"]),
         "info", ""),
        ("hand-written Python predicate", per_second(count, tremplin["python_seconds"]), "info", ""),
        ("load 500 questions, best of 5", f"{loading['best_ms']:.0f} ms", f"< {LOAD_TARGET_MS} ms",
         "ok" if loading["best_ms"] < LOAD_TARGET_MS else "not ok"),
        ("load 500 questions, median of 5", f"{loading['median_ms']:.0f} ms", "info", ""),
        ("load 500 questions, first (cold) run", f"{loading['cold_ms']:.0f} ms", "info", ""),
        ("generated service file size", f"{len(text.encode()) / 1024:.0f} KB", "info", ""),
        ("500 questions answered: decide", f"{large['decide_ms']:.1f} ms", "info", ""),
        ("500 questions answered: evaluate + to_json", f"{large['evaluate_ms']:.1f} ms", "info", ""),
    ]
    print()
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
