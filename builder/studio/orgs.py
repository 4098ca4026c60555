"""Organisations and their members: the studio's home, invitations, roles.

Pages under ``/studio``. Every member may see who else belongs to the organisation;
only owners invite, change roles and remove members, and an organisation always keeps
one owner. An invitation is a link, shown to the owner to copy and, when they give an
address, sent by mail; whoever opens it signs in (or signs up) and joins.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
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
from builder.db import get_db, transaction
from builder.storage import accounts
from builder.storage.accounts import EDITOR, OWNER, READER
from builder.studio import access
from builder.studio.access import login_required, require_org
from builder.studio.common import EMAIL_PATTERN, strip

bp = Blueprint("orgs", __name__, url_prefix="/studio")

ROLE_CHOICES = [SelectChoice(role, access.ROLE_LABELS[role]) for role in access.ROLE_ORDER]


@bp.context_processor
def roles_context() -> dict:
    """What the roles allow, and how long an invitation lasts, for this blueprint's pages."""
    return {"roles": access.ROLE_ORDER, "role_descriptions": access.ROLE_DESCRIPTIONS,
            "invitation_days": accounts.INVITATION_TTL.days}


class OrganisationForm(FlaskForm):
    """Create an organisation."""

    name = StringField(_l("Nom de l’organisation"), filters=[strip],
                       validators=[
                           DataRequired(_l("Entrez le nom de l’organisation.")),
                           Length(max=100, message=_l(
                               "Le nom doit faire au plus %(max)d caractères.")),
                       ])


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
        org = accounts.create_organisation(get_db(), form.name.data, access.current_user().id)
        flash(_("L’organisation « %(name)s » est créée.", name=org.name), "success")
        return redirect(url_for("orgs.members", org_slug=org.slug))
    return render_template("studio/org_new.html", form=form)


@bp.get("/o/<org_slug>/membres")
@login_required
def members(org_slug: str):
    """Who belongs to the organisation, with their roles (owners manage them here)."""
    org, role = require_org(org_slug, READER)
    db = get_db()
    pending = accounts.pending_invitations(db, org.id) if role == OWNER else []
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
        link, mailed = _create_invitation(org, form.role.data, form.email.data or None)
        return render_template("studio/invitation_created.html", org=org, link=link,
                               email=mailed, role=form.role.data)
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
        found = accounts.revoke_invitation(get_db(), org.id, invitation_id)
        _flash_done(found, _("L’invitation est annulée : son lien ne marche plus."))
    return redirect(url_for("orgs.members", org_slug=org.slug))


@bp.route("/invitation/<token>", methods=("GET", "POST"))
@login_required
def accept_invitation(token: str):
    """Join an organisation with an invitation link (signed in first)."""
    db = get_db()
    invitation = accounts.get_invitation(db, token)
    if invitation is None:
        return render_template("studio/invitation_invalid.html"), 404
    org = accounts.get_organisation(db, invitation.org_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        if accounts.accept_invitation(db, token, access.current_user().id) is None:
            return render_template("studio/invitation_invalid.html"), 404
        flash(_("Vous avez rejoint « %(name)s ».", name=org.name), "success")
        return redirect(url_for("orgs.members", org_slug=org.slug))
    current = access.membership(access.current_user().id, org.id)
    return render_template("studio/invitation.html", org=org, invitation=invitation,
                           current_role=current, form=form)


# -- Helpers -----------------------------------------------------------------------------

def _create_invitation(org: accounts.Organisation, role: str, email: str | None
                       ) -> tuple[str, str | None]:
    """Create the invitation (and its mail): its link, and the address it was mailed to."""
    db = get_db()
    inviter = access.current_user()
    with transaction(db):
        token, _invitation = accounts.create_invitation(db, org.id, role, created_by=inviter.id,
                                                        email=email)
        link = url_for("orgs.accept_invitation", token=token, _external=True)
        if email:
            mail.enqueue(db, invitation_message(email, org, role, link, inviter))
    if email:
        mail.deliver_after_response()
    return link, email


def invitation_message(to: str, org: accounts.Organisation, role: str, link: str,
                       inviter: accounts.User):
    """The mail carrying an invitation link; answering it reaches the person who invited."""
    body = "\n\n".join([
        _("Bonjour,"),
        _("%(inviter)s vous invite à rejoindre « %(org)s » sur Tremplin, avec le rôle"
          " « %(role)s » (%(description)s).", inviter=inviter.name, org=org.name,
          role=access.ROLE_LABELS[role], description=access.ROLE_DESCRIPTIONS[role]),
        _("Pour accepter, ouvrez ce lien dans les %(days)d jours, puis connectez-vous ou"
          " créez votre compte :", days=accounts.INVITATION_TTL.days),
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

