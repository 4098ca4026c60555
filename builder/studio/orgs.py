"""Organisations and their members: the studio's home, invitations, roles, time zone.

Pages under ``/studio``. Every member may see who else belongs to the organisation;
only owners invite, change roles, remove members and choose the time zone the studio
shows times in. An organisation always keeps one owner. A new organisation leads on to
« Créer votre premier service ».

An invitation is a link, shown to the owner to copy and, when they give an address,
sent by mail at once: the page then says what really happened to the mail (sent, not
sent yet and why, or not sent at all because no mail server is set). Whoever opens the
link signed out is told what it is, and signs in (or signs up) to join.
"""

from __future__ import annotations

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
from wtforms import EmailField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

try:
    from wtforms.fields.choices import SelectChoice
except ImportError:  # WTForms before 3.3 takes (value, label) pairs
    def SelectChoice(value: str, label: str) -> tuple[str, str]:  # noqa: N802
        return (value, label)

from builder import mail
from builder.addresses import external_url
from builder.db import get_db, transaction
from builder.storage import account_links, accounts, outbox
from builder.storage.accounts import EDITOR, OWNER, READER
from builder.studio import access
from builder.studio.access import login_required, require_org
from builder.studio.common import EMAIL_PATTERN, strip

bp = Blueprint("orgs", __name__, url_prefix="/studio")

ROLE_CHOICES = [SelectChoice(role, access.ROLE_LABELS[role]) for role in access.ROLE_ORDER]
# The time zones of France, metropolitan first (IANA names).
TIME_ZONES = [
    SelectChoice("Europe/Paris", _l("France métropolitaine (Paris)")),
    SelectChoice("America/Guadeloupe", _l("Guadeloupe")), SelectChoice("America/Martinique", _l("Martinique")),
    SelectChoice("America/Cayenne", _l("Guyane")), SelectChoice("Indian/Reunion", _l("La Réunion")),
    SelectChoice("Indian/Mayotte", _l("Mayotte")), SelectChoice("America/Miquelon", _l("Saint-Pierre-et-Miquelon")),
    SelectChoice("Pacific/Noumea", _l("Nouvelle-Calédonie")), SelectChoice("Pacific/Tahiti", _l("Polynésie française")),
    SelectChoice("Pacific/Wallis", _l("Wallis-et-Futuna")),
]


@bp.context_processor
def roles_context() -> dict:
    """What the roles allow, and how long an invitation lasts, for this blueprint's pages."""
    return {"roles": access.ROLE_ORDER, "role_descriptions": access.ROLE_DESCRIPTIONS,
            "invitation_days": account_links.INVITATION_TTL.days, "role_abilities": access.ROLE_ABILITIES}


def time_zone_field() -> SelectField:
    """The time zone the studio shows the organisation's times in."""
    return SelectField(_l("Fuseau horaire"), choices=TIME_ZONES, default="Europe/Paris",
                       validators=[DataRequired(_l("Choisissez un fuseau horaire."))])


class OrganisationForm(FlaskForm):
    """Create an organisation."""

    name = StringField(_l("Nom de l’organisation"), filters=[strip],
                       validators=[
                           DataRequired(_l("Entrez le nom de l’organisation.")),
                           Length(max=100, message=_l(
                               "Le nom doit faire au plus %(max)d caractères.")),
                       ])
    time_zone = time_zone_field()


class OrganisationSettingsForm(FlaskForm):
    """Change the organisation's time zone."""

    time_zone = time_zone_field()


class InvitationForm(FlaskForm):
    """Invite someone, with a role, by a link (mailed too when an address is given)."""

    role = RadioField(_l("Rôle de la personne invitée"), choices=ROLE_CHOICES, default=EDITOR,
                      validators=[DataRequired(_l("Choisissez un rôle."))])
    email = EmailField(_l("Son adresse e-mail (facultatif)"), filters=[strip], validators=[
        Optional(),
        Length(max=254, message=_l("L’adresse doit faire au plus %(max)d caractères.")),
        Regexp(EMAIL_PATTERN, message=_l(
            "Entrez une adresse e-mail valide, par exemple prenom.nom@exemple.fr."))])


class RoleForm(FlaskForm):
    """Change a member's role."""

    role = SelectField(_l("Rôle"), choices=ROLE_CHOICES,
                       validators=[DataRequired(_l("Choisissez un rôle."))])


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token: a confirmation button."""


@bp.get("/")
@login_required
def dashboard():
    """The studio's home: the organisations I belong to."""
    memberships = accounts.organisations_of(get_db(), access.current_user().id)
    return render_template("studio/dashboard.html", memberships=memberships)


@bp.route("/nouvelle-organisation", methods=("GET", "POST"))
@login_required
def new_organisation():
    """Create an organisation; its creator is its first owner."""
    form = OrganisationForm()
    if form.validate_on_submit():
        org = accounts.create_organisation(get_db(), form.name.data, access.current_user().id,
                                           time_zone=form.time_zone.data)
        flash(_("L’organisation « %(name)s » est créée.", name=org.name), "success")
        return redirect(url_for("studio_services.new", org_slug=org.slug))
    return render_template("studio/org_new.html", form=form)


@bp.route("/o/<org_slug>/reglages", methods=("GET", "POST"))
@login_required
def settings(org_slug: str):
    """The organisation's settings (owners only): the time zone of the studio's times."""
    org = require_org(org_slug, OWNER).org
    form = OrganisationSettingsForm(time_zone=org.time_zone or current_app.config["BABEL_DEFAULT_TIMEZONE"])
    if form.validate_on_submit():
        accounts.set_time_zone(get_db(), org.id, form.time_zone.data)
        flash(_("Les réglages de l’organisation sont enregistrés."), "success")
        return redirect(url_for("orgs.members", org_slug=org.slug))
    return render_template("studio/org_settings.html", org=org, form=form)


@bp.get("/o/<org_slug>/membres")
@login_required
def members(org_slug: str):
    """Who belongs to the organisation, with their roles (owners manage them here)."""
    org, role = require_org(org_slug, READER)
    db = get_db()
    pending = account_links.pending_invitations(db, org.id) if role == OWNER else []
    return render_template("studio/members.html", org=org, role=role,
                           members=accounts.members(db, org.id), invitations=pending,
                           form=ConfirmForm())


@bp.route("/o/<org_slug>/membres/inviter", methods=("GET", "POST"))
@login_required
def invite(org_slug: str):
    """Create an invitation link (owners only), and mail it when an address is given."""
    org = require_org(org_slug, OWNER).org
    form = InvitationForm()
    if form.validate_on_submit():
        link, mail_status = _create_invitation(org, form.role.data, form.email.data or None)
        return render_template("studio/invitation_created.html", org=org, link=link,
                               email=form.email.data or None, mail_status=mail_status,
                               role=form.role.data)
    return render_template("studio/invite.html", org=org, form=form)


@bp.post("/o/<org_slug>/membres/<int:user_id>/role")
@login_required
def change_role(org_slug: str, user_id: int):
    """Give a member another role (owners only; the last owner stays an owner)."""
    org = require_org(org_slug, OWNER).org
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choisissez un rôle dans la liste."), "error")
    else:
        try:
            found = accounts.change_role(get_db(), org.id, user_id, form.role.data)
        except accounts.LastOwner:
            flash(_("L’organisation doit garder au moins un propriétaire : nommez-en un autre"
                    " avant de changer ce rôle."), "error")
        else:
            _flash_done(found, _("Le rôle est changé."))
    return redirect(url_for("orgs.members", org_slug=org.slug))


@bp.route("/o/<org_slug>/membres/<int:user_id>/retirer", methods=("GET", "POST"))
@login_required
def remove_member(org_slug: str, user_id: int):
    """Ask to confirm, then take a member out of the organisation (owners only)."""
    org = require_org(org_slug, OWNER).org
    db = get_db()
    member = accounts.get_user(db, user_id)
    if member is None or access.membership(user_id, org.id) is None:
        return redirect(url_for("orgs.members", org_slug=org.slug))
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("studio/remove.html", org=org, member=member, form=form)
    try:
        accounts.remove_member(db, org.id, user_id)
    except accounts.LastOwner:
        flash(_("Vous êtes le seul propriétaire : nommez-en un autre avant de partir."), "error")
        return redirect(url_for("orgs.members", org_slug=org.slug))
    flash(_("%(name)s ne fait plus partie de l’organisation.", name=member.name), "success")
    if user_id == access.current_user().id:
        return redirect(url_for("orgs.dashboard"))
    return redirect(url_for("orgs.members", org_slug=org.slug))


@bp.post("/o/<org_slug>/invitations/<int:invitation_id>/annuler")
@login_required
def revoke_invitation(org_slug: str, invitation_id: int):
    """Cancel an invitation nobody has used yet (owners only)."""
    org = require_org(org_slug, OWNER).org
    if ConfirmForm().validate_on_submit():
        found = account_links.revoke_invitation(get_db(), org.id, invitation_id)
        _flash_done(found, _("L’invitation est annulée : son lien ne marche plus."))
    return redirect(url_for("orgs.members", org_slug=org.slug))


@bp.route("/invitation/<token>", methods=("GET", "POST"))
def accept_invitation(token: str):
    """Join an organisation with an invitation link. Someone signed out is told what the
    link is and asked to sign in or sign up first (a POST goes to the sign-in page)."""
    db = get_db()
    invitation = account_links.get_invitation(db, token)
    if invitation is None:
        return render_template("studio/invitation_invalid.html"), 404
    org = accounts.get_organisation(db, invitation.org_id)
    if access.current_user() is None:
        if request.method == "POST":
            return redirect(access.login_url(url_for("orgs.accept_invitation", token=token)))
        return render_template("studio/invitation_signed_out.html", org=org, invitation=invitation,
                               next=url_for("orgs.accept_invitation", token=token))
    form = ConfirmForm()
    if form.validate_on_submit():
        if account_links.accept_invitation(db, token, access.current_user().id) is None:
            return render_template("studio/invitation_invalid.html"), 404
        flash(_("Vous avez rejoint « %(name)s ».", name=org.name), "success")
        return redirect(url_for("orgs.members", org_slug=org.slug))
    current = access.membership(access.current_user().id, org.id)
    return render_template("studio/invitation.html", org=org, invitation=invitation,
                           current_role=current, form=form)


# -- Helpers -----------------------------------------------------------------------------

def _create_invitation(org: accounts.Organisation, role: str, email: str | None
                       ) -> tuple[str, str | None]:
    """Create the invitation and, when there is an address and a mail server, send its
    mail at once: its link, and what happened to the mail (:func:`_mail_status`)."""
    db = get_db()
    inviter = access.current_user()
    mailed = bool(email) and bool(current_app.config["MAIL_SERVER"])
    with transaction(db):
        token, _invitation = account_links.create_invitation(db, org.id, role, created_by=inviter.id,
                                                        email=email)
        link = external_url("orgs.accept_invitation", token=token)
        outbox_id = mail.enqueue(db, invitation_message(email, org, role, link, inviter)) if mailed else None
    if not email:
        return link, None
    return link, _mail_status(outbox_id)


def _mail_status(outbox_id: int | None) -> str:
    """What happened to an invitation's mail: ``no-server`` (none is set: it was not
    written), ``sent`` (the server took it), ``failed`` (the server refused it or did not
    answer: it is tried again later) or ``waiting`` (another process is sending it)."""
    if outbox_id is None:
        return "no-server"
    mail.deliver_pending()
    status, error = outbox.status_of(get_db(), outbox_id) or (outbox.PENDING, None)
    if status == outbox.SENT:
        return "sent"
    return "failed" if error or status == outbox.FAILED else "waiting"


def invitation_message(to: str, org: accounts.Organisation, role: str, link: str,
                       inviter: accounts.User):
    """The mail carrying an invitation link; answering it reaches the person who invited."""
    body = "\n\n".join([
        _("Bonjour,"),
        _("%(inviter)s vous invite à rejoindre « %(org)s » sur Tremplin, avec le rôle"
          " « %(role)s » : vous pourrez %(abilities)s.", inviter=inviter.name, org=org.name,
          role=access.ROLE_LABELS[role], abilities=access.ROLE_ABILITIES[role]),
        _("Pour accepter, ouvrez ce lien dans les %(days)d jours, puis connectez-vous ou"
          " créez votre compte :", days=account_links.INVITATION_TTL.days),
        link,
    ])
    subject = _("Invitation à rejoindre « %(org)s » sur Tremplin", org=org.name)
    return mail.build_message(to, subject, body, reply_to=inviter.email)


def _flash_done(found: bool, message: str) -> None:
    if found:
        flash(message, "success")
    else:
        flash(_("Rien n’a changé : la page n’était plus à jour. La voici de nouveau."),
              "error")

