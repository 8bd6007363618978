"""What the bot says about requests: to the requester, the co-animators, the triage channel.

A confidential request never carries its story: only who wants to talk, to
whom, and how to reach them. People are placeholders (`markup`): each platform
mentions them its own way.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.core import markup
from bot.core.clock import PARIS
from bot.core.people import PLATFORM_NAMES
from bot.core.registry.model import Registry
from bot.core.registry.schema import Animator
from bot.core.requests.lifecycle import AUTOMATIC, Refusal, Routing
from bot.core.requests.model import CONTACT_METHODS, Request
from bot.core.text import french_date, md_escape, quote_block, shorten


def at(moment: datetime) -> str:
    local = moment.astimezone(PARIS)
    return f"le {french_date(local.date()).rsplit(' ', 1)[0]} à {local:%H} h {local:%M}"


def mention(registry: Registry, animator_id: str | None) -> str:
    """A co-animator; one who left the registry is named by their old id."""
    if animator_id is not None and animator_id in registry.animators:
        return markup.mention(animator_id)
    return f"« {md_escape(animator_id or '?')} »"


def assignees_text(registry: Registry, request: Request) -> str:
    names = [mention(registry, a) for a in request.assignees]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " ou " + names[-1]


def category_label(registry: Registry, request: Request) -> str:
    category = registry.categories.get(request.category_id)
    return md_escape(category.label) if category else request.category_id


def team_text(request: Request) -> str:
    if not request.team_name:
        return ""
    kind = "l'incubateur" if request.team_kind == "incubator" else "l'équipe"
    return f"{kind} **{md_escape(request.team_name)}**"


def receivers_text(registry: Registry, request: Request) -> str:
    """Everyone the request is sent to: « @a », « @a et @b »."""
    names = [mention(registry, a) for a in request.assignees]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " et " + names[-1]


def replaced_text(routing: Routing) -> list[str]:
    return [
        f"{markup.mention(away.id)} est indisponible jusqu'au "
        f"{french_date(away.absent_until or date.min)} "
        f"inclus : c'est {markup.mention(stand_in.id)} qui la reçoit en attendant."
        for away, stand_in in routing.replaced
    ]


def away_text(animator: Animator, today: date) -> list[str]:
    if animator.absent_until is None or animator.absent_until < today:
        return []
    return [
        f"{markup.mention(animator.id)} est indisponible jusqu'au "
        f"{french_date(animator.absent_until)} inclus : sa réponse peut attendre son retour. "
        "Tu peux aussi choisir une autre personne."
    ]


def waiting_text(routing: Routing, today: date) -> list[str]:
    """Assignees away with nobody to stand in: the request waits for them."""
    return [
        f"{markup.mention(a.id)} est indisponible jusqu'au {french_date(a.absent_until)} "
        "inclus : sa réponse peut attendre son retour."
        for a in routing.assignees
        if a.absent_until is not None and a.absent_until >= today
    ]


def elsewhere_text(request: Request, routing: Routing) -> list[str]:
    """Where the co-animators are told, when it is not the platform the request came from."""
    origin = request.requester.platform
    return [
        f"Je transmets ta demande à {markup.mention(a.id)} sur "
        f"{PLATFORM_NAMES[routing.platforms[a.id]]}."
        for a in routing.assignees
        if routing.platforms.get(a.id, origin) != origin
    ]


def confirmation(registry: Registry, request: Request, routing: Routing, *, today: date) -> str:
    """To the requester, once the request is stored: who receives it (nobody has taken it
    yet), and what comes next."""
    who = receivers_text(registry, request)
    if request.confidential:
        method = CONTACT_METHODS.get(request.contact_method, request.contact_method)
        lines = [
            f"🔒 C'est noté (n° {request.id}) : ta demande est envoyée à {who} seulement, en "
            f"toute confidentialité, avec le moyen de te joindre ({method}). Rien d'autre n'a "
            "été transmis.",
            *away_text(routing.assignees[0], today),
            "Je te préviens quand cette personne la prend en charge.",
        ]
    else:
        lines = [
            f"Ta demande n° {request.id} est enregistrée et envoyée à {who} ({routing.reason}).",
            *recap_text(request),
            *replaced_text(routing),
            *waiting_text(routing, today),
            "Je te préviens quand quelqu'un la prend en charge, puis quand elle est close. "
            f"Suivi : `{markup.command('mes-demandes')}`",
        ]
    return "\n".join([*lines, *elsewhere_text(request, routing)])


def recap_text(request: Request) -> list[str]:
    """The team and the subject as the bot understood them, to check at a glance."""
    team = team_text(request)
    subject = md_escape(shorten(request.subject, 150)) if request.subject else ""
    if team and subject:
        return [f"Pour {team} · objet : {subject}"]
    if team or subject:
        return [f"Pour {team}" if team else f"Objet : {subject}"]
    return []


def to_animator(registry: Registry, request: Request) -> str:
    """The message each assignee receives, with the buttons."""
    requester = markup.account(request.requester)
    if request.confidential:
        method = CONTACT_METHODS.get(request.contact_method, request.contact_method)
        return "\n".join(
            [
                f"🔒 {requester} souhaite échanger avec toi, en toute confidentialité "
                f"(demande n° {request.id}).",
                f"Moyen de contact préféré : {method}. Rien d'autre n'a été transmis.",
            ]
        )
    team = team_text(request)
    lines = [
        f"📥 Demande n° {request.id} · {category_label(registry, request)}",
        f"De {requester}" + (f", {team}" if team else ""),
        f"Pourquoi toi : {md_escape(request.routing_reason)}.",
    ]
    if request.subject:
        lines.append(f"Objet : {md_escape(shorten(request.subject, 300))}")
    if request.details:
        lines.append(quote_block(request.details))
    return "\n".join(lines)


def closer(registry: Registry, request: Request) -> str:
    """« par @camille », or « automatiquement » when the bot closed it (`retention`)."""
    if request.closed_by == AUTOMATIC:
        return "automatiquement"
    return f"par {mention(registry, request.closed_by)}"


def anonymised_text(request: Request) -> str:
    """Said of a request whose retention period is over, whatever is asked of it."""
    return (
        f"La demande n° {request.id} est anonymisée : sa durée de conservation est passée, il "
        f"n'en reste que son type et ses dates. Tes demandes : `{markup.command('mes-demandes')}`"
    )


def status_line(registry: Registry, request: Request) -> str:
    """What the co-animator's message turns into once someone acts."""
    if request.status == "closed" and request.closed_at:
        return f"☑️ Close {closer(registry, request)} {at(request.closed_at)}"
    if request.status == "claimed" and request.claimed_at:
        who = mention(registry, request.claimed_by)
        return f"✅ Prise en charge par {who} {at(request.claimed_at)}"
    return f"↪️ Réaffectée à {assignees_text(registry, request)}"


def to_requester(registry: Registry, request: Request) -> str:
    """A status change, told to the requester."""
    if request.status == "claimed":
        who = mention(registry, request.owner)
        return f"👋 {who} a pris en charge ta demande n° {request.id}."
    if request.status == "closed":
        return (
            f"☑️ Ta demande n° {request.id} est close par {mention(registry, request.closed_by)}. "
            "Si ce n'est pas réglé pour toi, réponds-lui ou refais une demande."
        )
    who = receivers_text(registry, request)
    return (
        f"↪️ Ta demande n° {request.id} est maintenant envoyée à {who} ; "
        "je te préviens quand cette personne la prend en charge."
    )


def triage(registry: Registry, request: Request) -> str:
    """The short, public line for the triage channel (never for a confidential request)."""
    team = team_text(request)
    return (
        f"📥 Demande n° {request.id} · {category_label(registry, request)}"
        + (f" · {team}" if team else "")
        + f" → {assignees_text(registry, request)}"
    )


STATUS_LABELS = {"open": "en attente", "claimed": "prise en charge", "closed": "close"}


def age(created: datetime, now: datetime) -> str:
    seconds = max(int((now - created).total_seconds()), 0)
    if seconds < 60:
        return "à l'instant"
    if seconds < 3600:
        return f"il y a {seconds // 60} min"
    if seconds < 86_400:
        return f"il y a {seconds // 3600} h"
    return f"il y a {seconds // 86_400} j"


def listing_line(registry: Registry, request: Request, now: datetime) -> str:
    status = STATUS_LABELS.get(request.status, request.status)
    lock = "🔒 " if request.confidential else ""
    if request.anonymised_at is not None:  # nobody left to name
        label = category_label(registry, request)
        return f"- n° {request.id} · {lock}{label} · {status}, anonymisée"
    who = mention(registry, request.owner) if request.owner else assignees_text(registry, request)
    return (
        f"- n° {request.id} · {lock}{category_label(registry, request)} · {status} · "
        f"{who} · {age(request.created_at, now)}"
    )


def refusal(registry: Registry, request: Request, why: Refusal) -> str:
    """Why a click did nothing, for the person who clicked."""
    if why == "closed":
        return f"Cette demande est déjà close, {closer(registry, request)}."
    if why == "taken":
        return f"Trop tard : {mention(registry, request.claimed_by)} s'en occupe déjà."
    if why == "not_yours":
        return f"C'est {mention(registry, request.claimed_by)} qui s'occupe de cette demande."
    if why == "not_addressed":
        who = receivers_text(registry, request)
        return f"Cette demande ne t'est pas adressée : elle est envoyée à {who}."
    return "Une demande confidentielle ne se réaffecte pas : seule la personne choisie la voit."
