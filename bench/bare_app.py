"""The yardstick for bench/site.py: a bare Flask + Jinja page with the same form.

It renders the same question page as Tremplin's ``/s/rappel-benevole/etape/demande``
(the same radio inputs, hidden fields, help box, header and footer, through a base
template and a page template, as Tremplin does) with nothing else: no database, no
session, no forms library, no rules. Served the same way:

    gunicorn -w 2 -b 127.0.0.1:PORT "bench.bare_app:app"      (from the repository root)
"""

from __future__ import annotations

from flask import Flask, render_template
from jinja2 import DictLoader

BASE = """\
<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>
<title>{% block title %}{% endblock %} – {{ site_name }}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/site.css?v=1">
</head>
<body>
<a class="skip-link" href="#contenu">Aller au contenu</a>
<header class="site-header">
  <div class="container">
    <a class="site-name" href="{{ home_url }}">{{ site_name }}</a>
  </div>
</header>
<div class="container">
  <main id="contenu">
    <a class="back-link" href="{{ home_url }}">Retour</a>
    {% block content %}{% endblock %}
  </main>
  <aside class="help" aria-labelledby="aide-titre">
  <h2 id="aide-titre">Besoin d’aide ?</h2>
  <p>{{ help.text }}</p>
  <ul>
    <li>Appelez le <a href="tel:{{ help.phone|replace(' ', '') }}">{{ help.phone }}</a><br>{{ help.hours }}</li>
    <li>Écrivez à <a href="mailto:{{ help.email }}">{{ help.email }}</a></li>
    <li>Venez au {{ help.address }}</li>
    <li><a href="{{ help.appointment_url }}">Prendre rendez-vous</a></li>
    <li>{{ organisation }}</li>
  </ul>
</aside>
</div>
<footer class="site-footer">
  <div class="container">
  </div>
</footer>
<script src="/static/htmx.min.js?v=1" defer></script>
</body>
</html>
"""

PAGE = """\
{% extends "base.html" %}
{% block title %}{{ question.label }}{% endblock %}
{% block content %}
<form method="post" action="{{ action }}" novalidate>
  <input type="hidden" name="csrf_token" value="{{ csrf_token }}">
  <div id="blocs">
<div class="field" id="bloc-{{ question.id }}">
  <input type="hidden" name="_shown" value="{{ question.id }}">
<fieldset>
  <legend><h1>{{ question.label }}</h1></legend>
<div id="{{ question.id }}-erreur-zone"></div>
  <div class="choices" id="{{ question.id }}">
  {% for value, label in question.options %}
    <div class="choice"><input id="{{ question.id }}-{{ loop.index0 }}" name="{{ question.id }}" type="radio" value="{{ value }}"><label for="{{ question.id }}-{{ loop.index0 }}">{{ label }}</label></div>
  {% endfor %}
  </div>
</fieldset>
</div>
  </div>
  <button class="button" type="submit">Continuer</button>
</form>
<p class="no-print"><a href="{{ home_url }}sauvegarde">Enregistrer et reprendre plus tard</a></p>
{% endblock %}
"""

QUESTION = {
    "id": "sujet",
    "label": "De quoi voulez-vous parler ?",
    "options": [
        ("soutien_scolaire", "De l'aide aux devoirs pour un enfant ou un jeune"),
        ("benevolat", "Devenir bénévole"),
        ("logement", "Un logement en colocation solidaire"),
        ("orientation", "Les études ou l'orientation"),
        ("autre", "Autre chose"),
    ],
}
HELP = {
    "text": "Vous préférez parler tout de suite à quelqu'un ? Appelez-nous ou passez nous voir.",
    "phone": "03 20 00 00 00",
    "email": "bonjour@example.org",
    "address": "5 place de la République, 59000 Lille",
    "hours": "Le lundi, le mercredi et le vendredi, de 14 h à 18 h",
    "appointment_url": "https://example.org/rendez-vous",
}

TOKEN = "ImYwZjBhNzJiNTg2MDMwYmEwY2EzMmZhNmQ4NmVkZjAzMWJjNWFjN2Yi.awLwqg.ZGyfM-YpjB-EfoTfywWlMMlr-VA"  # as long

app = Flask(__name__)
app.jinja_loader = DictLoader({"base.html": BASE, "page.html": PAGE})


@app.route("/etape/demande")
def step() -> str:
    return render_template("page.html", question=QUESTION, help=HELP, action="/etape/demande",
                           site_name="Être rappelé·e par un·e bénévole", home_url="/",
                           organisation="Réseau Coup de pouce étudiant de Lille (exemple)",
                           csrf_token=TOKEN)


@app.route("/healthz")
def healthz() -> str:
    return "ok"
