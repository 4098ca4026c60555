"""Accounts: sign up, sign in, sign out, choose a new password after forgetting it,
change it, sign out everywhere.
A new account goes on to creating its organisation (then its first service).

Pages under ``/compte``. Signing in starts a fresh session holding the user's id and
the account's session generation (:func:`builder.studio.access.login_user`). Signing
out ends every session of the account, on every device; so do « Se déconnecter
partout » and a password reset; changing one's password ends every other session and
keeps this one. Signing in, signing up, asking for a reset and changing a password are
rate-limited per address (``LOGIN_RATE_LIMIT`` / ``LOGIN_RATE_WINDOW``,
``SIGNUP_RATE_*``, ``RESET_RATE_*`` in the config). The "forgotten password" page
answers the same whether the address has an account or not.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from builder import mail, security
from builder.addresses import external_url
from builder.db import get_db, transaction
from builder.storage import account_links, accounts
from builder.studio import access
from builder.studio.common import EMAIL_PATTERN, strip

bp = Blueprint("auth", __name__, url_prefix="/compte")

PASSWORD_MIN_LENGTH = 10
# Loose on purpose: the real check of an address is the mail that reaches it.
RATE_LIMITS = {  # scope: (config prefix, default count, default window in seconds)
    "login": ("LOGIN_RATE", 10, 600),
    "signup": ("SIGNUP_RATE", 10, 3600),
    "password-reset": ("RESET_RATE", 5, 3600),
}


def email_field() -> EmailField:
    """An e-mail address field, checked loosely, shared by the forms of the studio."""
    return EmailField(_l("Adresse e-mail"), filters=[strip], validators=[
        DataRequired(_l("Entrez votre adresse e-mail.")),
        Length(max=254, message=_l("L’adresse e-mail doit faire au plus 254 caractères.")),
        Regexp(EMAIL_PATTERN, message=_l(
            "Entrez une adresse e-mail valide, par exemple prenom.nom@exemple.fr.")),
    ])


def new_password_field() -> PasswordField:
    """A new password: at least :data:`PASSWORD_MIN_LENGTH` characters."""
    return PasswordField(_l("Mot de passe"), validators=[
        DataRequired(_l("Choisissez un mot de passe.")),
        Length(min=PASSWORD_MIN_LENGTH, message=_l(
            "Le mot de passe doit faire au moins %(min)d caractères.")),
        Length(max=200, message=_l("Le mot de passe doit faire au plus %(max)d caractères.")),
    ])


def confirm_field() -> PasswordField:
    """The same password typed again."""
    return PasswordField(_l("Confirmez le mot de passe"), validators=[
        DataRequired(_l("Tapez le mot de passe une deuxième fois.")),
        EqualTo("password", message=_l("Les deux mots de passe ne sont pas identiques.")),
    ])


class SignupForm(FlaskForm):
    """Create an account."""

    name = StringField(_l("Votre nom"), filters=[strip], validators=[
        DataRequired(_l("Entrez votre nom.")),
        Length(max=100, message=_l("Le nom doit faire au plus %(max)d caractères.")),
    ])
    email = email_field()
    password = new_password_field()
    confirm = confirm_field()


class LoginForm(FlaskForm):
    """Sign in."""

    email = email_field()
    password = PasswordField(_l("Mot de passe"), validators=[
        DataRequired(_l("Entrez votre mot de passe."))])


class ForgotPasswordForm(FlaskForm):
    """Ask for a link to choose a new password."""

    email = email_field()


class NewPasswordForm(FlaskForm):
    """Choose a new password."""

    password = new_password_field()
    confirm = confirm_field()


class ChangePasswordForm(NewPasswordForm):
    """Change one's password, the current one first."""

    current = PasswordField(_l("Mot de passe actuel"), validators=[
        DataRequired(_l("Entrez votre mot de passe actuel."))])


@bp.app_context_processor
def account_context() -> dict:
    """``current_user()``, ``role_label(role)`` and ``role_at_least(role, "editor")`` for every template."""
    return {"current_user": access.current_user,
            "role_label": lambda role: access.ROLE_LABELS.get(role, role), "role_at_least": access.has_role}


# -- Views -------------------------------------------------------------------------------

@bp.route("/inscription", methods=("GET", "POST"))
def signup():
    """Create an account, then sign in and go on to where the person was going."""
    if access.current_user() is not None and request.method == "GET":
        return redirect(safe_next(request.args.get("next")))
    form = SignupForm()
    if request.method == "POST":
        limit_rate("signup")
    if form.validate_on_submit():
        try:
            user = accounts.create_user(get_db(), form.email.data, form.name.data,
                                        form.password.data)
        except accounts.EmailTaken:
            form.email.errors.append(_(
                "Un compte existe déjà avec cette adresse. Connectez-vous, ou demandez"
                " un nouveau mot de passe si vous l’avez oublié."))
        else:
            access.login_user(user)
            flash(_("Votre compte est créé. Bienvenue !"), "success")
            return redirect(_after_signup(request.args.get("next")))
    return render_template("studio/signup.html", form=form, next=_next_arg())


@bp.route("/connexion", methods=("GET", "POST"))
def login():
    """Sign in with an e-mail address and a password, then go back where one was."""
    if access.current_user() is not None and request.method == "GET":
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if request.method == "POST":
        limit_rate("login")
    if form.validate_on_submit():
        user = accounts.authenticate(get_db(), form.email.data, form.password.data)
        if user is not None:
            access.login_user(user)
            return redirect(safe_next(request.args.get("next")))
        form.email.errors.append(_("L’adresse e-mail ou le mot de passe est incorrect."))
    return render_template("studio/login.html", form=form, next=_next_arg())


@bp.post("/deconnexion")
def logout():
    """Sign out (a POST, so that no link or image can sign anyone out): every session of
    the account ends, so that a copy of the cookie opens nothing either."""
    access.logout_user()
    flash(_("Vous êtes déconnecté. À bientôt !"), "success")
    return redirect(url_for("auth.login"))


@bp.route("/", methods=("GET", "POST"))
@access.login_required
def account():
    """The account: change the password (the other sessions end), sign out everywhere."""
    user = access.current_user()
    form = ChangePasswordForm()
    if request.method == "POST":
        limit_rate("login")
    if form.validate_on_submit():
        generation = accounts.change_password(get_db(), user.id, form.current.data, form.password.data)
        if generation is not None:
            access.keep_this_session(user, generation)
            flash(_("Votre mot de passe est changé. Vos autres sessions sont terminées."), "success")
            return redirect(url_for("auth.account"))
        form.current.errors.append(_("Ce n’est pas votre mot de passe actuel."))
    return render_template("studio/account.html", form=form, user=user), (422 if form.errors else 200)


@bp.post("/deconnexion-partout")
@access.login_required
def logout_everywhere():
    """End every session of the account, on this device and all others."""
    access.logout_user()
    flash(_("Vous êtes déconnecté partout : sur cet appareil et sur tous les autres."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/mot-de-passe-oublie", methods=("GET", "POST"))
def forgot_password():
    """Ask for a link to choose a new password, sent by mail if the account exists."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        limit_rate("password-reset")
        send_reset_link(form.email.data)
        return render_template("studio/forgot_sent.html", email=form.email.data)
    return render_template("studio/forgot.html", form=form)


@bp.route("/nouveau-mot-de-passe/<token>", methods=("GET", "POST"))
def reset_password(token: str):
    """Choose a new password with the link received by mail (once, within the hour)."""
    db = get_db()
    user = account_links.password_reset_user(db, token)
    if user is None:
        return render_template("studio/reset_invalid.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        if account_links.reset_password(db, token, form.password.data) is None:
            return render_template("studio/reset_invalid.html"), 404
        access.forget_session()  # the account's sessions have all ended with the reset
        flash(_("Votre mot de passe est changé. Connectez-vous avec le nouveau."), "success")
        return redirect(url_for("auth.login"))
    return render_template("studio/reset.html", form=form, user=user)


# -- Helpers -----------------------------------------------------------------------------

def send_reset_link(email: str) -> None:
    """Mail a reset link to ``email`` if it has an account; do nothing otherwise."""
    db = get_db()
    user = accounts.get_user_by_email(db, email)
    if user is None:
        return
    with transaction(db):
        token = account_links.create_password_reset(db, user.id)
        mail.enqueue(db, reset_message(user, token))
    mail.deliver_after_response()


def reset_message(user: accounts.User, token: str):
    """The mail carrying the link to choose a new password."""
    link = external_url("auth.reset_password", token=token)
    body = "\n\n".join([
        _("Bonjour %(name)s,", name=user.name),
        _("Pour choisir un nouveau mot de passe pour votre compte Tremplin, ouvrez ce lien"
          " dans l’heure qui vient :"),
        link,
        _("Si vous n’avez rien demandé, ignorez ce message : votre mot de passe ne change pas."),
    ])
    return mail.build_message(user.email, _("Votre nouveau mot de passe Tremplin"), body)


def limit_rate(scope: str) -> None:
    """Apply the rate limit of ``scope`` (see :data:`RATE_LIMITS`) to this address."""
    prefix, count, window = RATE_LIMITS[scope]
    config = current_app.config
    security.limit_rate(scope, limit=config.get(f"{prefix}_LIMIT", count),
                        window=config.get(f"{prefix}_WINDOW", window))


def is_local_path(target: str | None) -> bool:
    """True for a path on this site (``/studio/``), never for another site's address."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or not target.isprintable():
        return False  # browsers read "/\evil" and "/\t/evil" as another site
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None) -> str:
    """``target`` when it is a path on this site, else the studio's home page."""
    return target if is_local_path(target) else url_for("orgs.dashboard")


def _after_signup(target: str | None) -> str:
    """Where a new account goes: where the person was going (an invitation…), else on
    to creating their organisation, the way to their first service."""
    return target if is_local_path(target) else url_for("orgs.new_organisation")


def _next_arg() -> str | None:
    target = request.args.get("next")
    return target if is_local_path(target) else None
