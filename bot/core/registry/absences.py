"""Who stands in for whom: each `backup` must name someone else, who exists, and a person away
must lead, through the chain of stand-ins, to someone present today (the bot follows the
chain as `Registry.on_duty` does). Nobody present at the end of it is an error; a long chain,
or a referent away with nobody to stand in, a warning."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date

from bot.core.registry.parts import Section
from bot.core.registry.problems import Severity
from bot.core.registry.schema import Animator
from bot.core.registry.yamlsafe import Path as DocPath
from bot.core.text import did_you_mean, french_date

Add = Callable[[DocPath, str, Severity], None]
LONG_CHAIN = 2  # stand-ins away on the way to the one who receives: a warning from there


def check_backups(
    animators: Section[Animator],
    people: Collection[str],
    *,
    cited: Collection[str],
    today: date,
    add: Add,
) -> None:
    """`people`: every id written in `animators`, also of items the schema refused; `cited`:
    the people some team, incubator or topic names as referent."""
    known = {a.id: a for a in animators.values()}
    for index, animator in animators.items:
        path: DocPath = ("animators", index, "backup")
        backup = animator.backup
        if backup is None:
            if _away(animator, today) and animator.id in cited:
                add(
                    ("animators", index, "absent_until"),
                    f"« {animator.id} » est indisponible jusqu'au {_until(animator)} et personne "
                    "ne prend le relais : ses demandes attendront son retour ; ajoute "
                    "« backup: <id> » pour qu'une personne présente les reçoive",
                    "warning",
                )
        elif backup == animator.id:
            add(path, f"« {animator.id} » ne peut pas être sa propre personne de relais", "error")
        elif backup not in people:
            add(
                path,
                f"personne de relais « {backup} » inconnue{did_you_mean(backup, known)}",
                "error",
            )
        elif _away(animator, today) and backup in known:
            _chain(animator, known, path, today=today, add=add)


def _chain(
    animator: Animator, known: dict[str, Animator], path: DocPath, *, today: date, add: Add
) -> None:
    chain = [animator]
    while _away(chain[-1], today):
        following = chain[-1].backup
        if following is None or following in {a.id for a in chain}:
            break
        if following not in known:
            return  # a stand-in with a problem of its own, reported on its line
        chain.append(known[following])
    last = chain[-1]
    away = [f"« {a.id} » jusqu'au {_until(a)}" for a in chain[1:]]
    if _away(last, today):
        back = last.backup is not None and last.backup in {a.id for a in chain}
        end = f", puis le relais revient à « {last.backup} »" if back else ""
        add(
            path,
            f"« {animator.id} » est indisponible jusqu'au {_until(animator)}, et ses relais "
            f"aussi : {', '.join(away)}{end} : personne ne peut recevoir ses demandes ; "
            "choisis une personne présente comme relais",
            "error",
        )
    elif len(chain) - 2 >= LONG_CHAIN:  # the stand-ins away, between the two ends
        add(
            path,
            f"les demandes de « {animator.id} » passent par {len(chain) - 2} relais "
            f"indisponibles ({', '.join(away[:-1])}) avant d'arriver à « {last.id} » : "
            "vérifie que c'est voulu",
            "warning",
        )


def _away(animator: Animator, today: date) -> bool:
    return animator.absent_until is not None and animator.absent_until >= today


def _until(animator: Animator) -> str:
    return french_date(animator.absent_until) if animator.absent_until else ""
