"""Legal adviser commands: the contracting-mode advisor and the insertion-hours calculator."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from drafting_app.checks import load_legal_data
from drafting_app.cli.output import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    EXIT_OK,
    Adder,
    Session,
    add_format,
    print_problems,
    read_dossier,
)
from drafting_app.files.messages import french_os_error

#: command-line option of each advisor question (the answer fields of the dossier)
_ADVISOR_OPTIONS = {
    "initiative": "--initiative",
    "authority_defines_need": "--besoin-defini",
    "price_for_service_received": "--prix",
    "public_service_mission": "--mission-service-public",
    "multi_year": "--pluriannuel",
}


def cmd_advise(session: Session, args: argparse.Namespace) -> int:
    """Recommend a contracting mode from the qualification answers; save them with --enregistrer."""
    import datetime as dt

    from drafting_app.advisers.contracting_mode import advise
    from drafting_app.dossier.model import AdvisorAnswers
    from drafting_app.dossier.storage import save_dossier

    dossier = read_dossier(session, args.dossier) if args.dossier else None
    if args.dossier and dossier is None:
        return EXIT_BAD_INPUT
    if args.enregistrer and dossier is None:
        session.warn("--enregistrer demande un fichier dossier : clausier advise DOSSIER.json …")
        return EXIT_BAD_INPUT
    given = {field: getattr(args, field) for field in _ADVISOR_OPTIONS
             if getattr(args, field) is not None}
    base = dossier.advisor if dossier is not None else AdvisorAnswers()
    answers = AdvisorAnswers.model_validate({
        **base.model_dump(), **{k: (v == "oui" if k != "initiative" else v)
                                for k, v in given.items()}})
    legal, legal_problems = load_legal_data(session.library_dir)
    print_problems(session, legal_problems)
    day = dt.date.today()
    if dossier is not None and dossier.tender is not None:
        day = dossier.tender.launch_date
    elif dossier is not None and dossier.subsidy is not None:
        day = dossier.subsidy.start_date
    advice = advise(answers, legal, day)
    if args.format == "json":
        session.say(json.dumps({"answers": answers.model_dump(mode="json"),
                                "advice": advice.as_dict()}, ensure_ascii=False, indent=2))
    else:
        session.say(f"Conseil : {advice.title}")
        session.say("Pourquoi :")
        for reason in advice.reasons:
            session.say(f"  - {reason.text}" + (f" ({reason.reference})" if reason.reference
                                                 else ""))
        if advice.cautions:
            session.say("Points d’attention :")
            for caution in advice.cautions:
                session.say(f"  - {caution}")
        if advice.unanswered:
            session.say("Questions sans réponse :")
            for question in advice.unanswered:
                choices = "|".join(value for value, _ in question.choices)
                session.say(f"  - {question.text} ({_ADVISOR_OPTIONS[question.field]} "
                            f"{choices})")
    if args.enregistrer and dossier is not None:
        try:
            save_dossier(dossier.model_copy(update={"advisor": answers}), args.dossier)
        except OSError as exc:
            session.warn(f"Écriture impossible dans {args.dossier} : {french_os_error(exc)}")
            return EXIT_BAD_INPUT
        session.say(f"Réponses enregistrées dans {args.dossier}.")
    return EXIT_FINDINGS if legal_problems else EXIT_OK


def _decimal_option(session: Session, name: str, raw: str | None) -> Any:
    """A number given on the command line (`12 500,50`), or None; False when malformed."""
    from drafting_app.wording.values import number_problem, parse_number

    if raw is None:
        return None
    value = parse_number(raw)
    if value is None:
        session.warn(f"{name} : « {raw} » n’est pas un nombre")
        return False
    problem = number_problem(value)
    if problem is not None:
        session.warn(f"{name} : « {raw} » : {problem}")
        return False
    if value <= 0:
        session.warn(f"{name} : un nombre positif est attendu")
        return False
    return value


def cmd_insertion(session: Session, args: argparse.Namespace) -> int:
    """Compute insertion hours per lot (or for an amount); write them into the insertion clause."""
    from drafting_app.advisers.insertion import (
        Inputs,
        InsertionError,
        compute,
        dossier_hours,
        labour_share_of,
        with_clause_values,
    )
    from drafting_app.checks.legal_data import load_insertion_data
    from drafting_app.dossier.storage import save_dossier

    data, problems = load_insertion_data(session.library_dir)
    print_problems(session, problems)
    if data is None or problems:
        return EXIT_FINDINGS
    if args.metiers:
        for trade in data.trades:
            session.say(f"{trade.id:<24} {session.formats.percent(trade.labour_share):>6}  "
                        f"{trade.label}")
        rate_text = session.formats.percent(data.defaults.insertion_rate)
        session.say(f"Par défaut : taux d’insertion {rate_text}, coût horaire "
                    f"{session.formats.money(data.defaults.hourly_cost)} HT.")
        return EXIT_OK
    amount = _decimal_option(session, "--montant", args.montant)
    rate = _decimal_option(session, "--taux", args.taux)
    cost = _decimal_option(session, "--cout-horaire", args.cout_horaire)
    if False in (amount, rate, cost):
        return EXIT_BAD_INPUT
    try:
        share = labour_share_of(data, args.metier) if args.metier else None
        lot_shares = {}
        for item in args.lot:
            number, _, trade = item.partition("=")
            if not number.strip().isdigit() or not trade:
                raise InsertionError([f"--lot {item} : écrivez --lot NUMÉRO=métier ou part "
                                      "(par exemple --lot 2=maconnerie)"])
            lot_shares[int(number)] = labour_share_of(data, trade.strip())
        if amount is not None:
            if share is None:
                raise InsertionError(["indiquez la part de main-d’œuvre : --metier MÉTIER ou "
                                      "--metier 50 (clausier insertion --metiers pour la liste)"])
            results = [compute(amount, Inputs(share, rate or data.defaults.insertion_rate,
                                              cost or data.defaults.hourly_cost))]
            dossier = None
        elif args.dossier is not None:
            dossier = read_dossier(session, args.dossier)
            if dossier is None:
                return EXIT_BAD_INPUT
            library, _, _ = session.load()
            results = dossier_hours(dossier, library, data, share, lot_shares, rate, cost)
        else:
            raise InsertionError(["indiquez un dossier (clausier insertion DOSSIER.json) ou un "
                                  "montant (--montant 1000000 --metier maconnerie)"])
        if args.enregistrer:
            if dossier is None or args.dossier is None:
                raise InsertionError(["--enregistrer demande un fichier dossier"])
            inputs = {r.inputs for r in results}
            if len(inputs) != 1:
                raise InsertionError(["les lots ont des parts de main-d’œuvre différentes : la "
                                      "clause d’insertion n’en admet qu’une ; calculez et "
                                      "enregistrez les lots de même métier ensemble"])
            updated = with_clause_values(dossier, library, inputs.pop(),
                                         [r.number for r in results if r.number is not None])
    except InsertionError as exc:
        for problem in exc.problems:
            session.warn(f"Calcul impossible : {problem}.")
        return EXIT_BAD_INPUT
    if args.format == "json":
        session.say(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
    else:
        f = session.formats
        for r in results:
            name = f"Lot {r.number} – {r.title} : " if r.number is not None else ""
            session.say(f"{name}{f.money(r.amount)} HT × {f.percent(r.inputs.labour_share)} × "
                        f"{f.percent(r.inputs.insertion_rate)} ÷ {f.money(r.inputs.hourly_cost)}"
                        f"/h = {f.number(r.hours)} heures d’insertion")
        defaults = data.defaults
        if any(not defaults.insertion_rate_min <= r.inputs.insertion_rate
               <= defaults.insertion_rate_max for r in results):
            session.say(f"Attention : taux hors de la fourchette usuelle "
                        f"({f.percent(defaults.insertion_rate_min)} à "
                        f"{f.percent(defaults.insertion_rate_max)}).")
        if defaults.hourly_cost_to_check and any(
                r.inputs.hourly_cost == defaults.hourly_cost for r in results):
            session.say(f"Coût horaire : {defaults.hourly_cost_to_check}.")
    if args.enregistrer and args.dossier is not None:
        try:
            save_dossier(updated, args.dossier)
        except OSError as exc:
            session.warn(f"Écriture impossible dans {args.dossier} : {french_os_error(exc)}")
            return EXIT_BAD_INPUT
        session.say(f"Valeurs de la clause d’insertion enregistrées dans {args.dossier}.")
    return EXIT_OK


def register(add: Adder) -> None:
    """The contracting-mode advisor and the insertion-hours calculator."""
    fmt = add_format
    advise = add("advise", cmd_advise,
                 "conseille un mode de contractualisation (subvention, CPO, marché, SIEG)")
    advise.add_argument("dossier", nargs="?", type=Path, default=None,
                        help="fichier dossier (.json) dont reprendre et compléter les réponses")
    advise.add_argument("--initiative", dest="initiative",
                        choices=("association", "collectivite", "co_construction"),
                        help="qui est à l’initiative du projet")
    for field, option, help_text in (
            ("authority_defines_need", "--besoin-defini",
             "la collectivité définit-elle elle-même le besoin ?"),
            ("price_for_service_received", "--prix",
             "paie-t-elle un prix pour une prestation qu’elle reçoit ?"),
            ("public_service_mission", "--mission-service-public",
             "s’agit-il de confier une mission de service public ?"),
            ("multi_year", "--pluriannuel", "le soutien porte-t-il sur plusieurs années ?")):
        advise.add_argument(option, dest=field, choices=("oui", "non"), help=help_text)
    advise.add_argument("--enregistrer", action="store_true",
                        help="enregistre les réponses dans le dossier")
    fmt(advise)
    insertion = add("insertion", cmd_insertion,
                    "calcule les heures d’insertion par lot (montant × part de main-d’œuvre × "
                    "taux ÷ coût horaire)")
    insertion.add_argument("dossier", nargs="?", type=Path, default=None,
                           help="fichier dossier (.json) : calcul pour ses lots")
    insertion.add_argument("--montant", default=None, help="montant HT, sans dossier")
    insertion.add_argument("--metier", default=None,
                           help="métier (voir --metiers) ou part de main-d’œuvre en %%")
    insertion.add_argument("--lot", action="append", default=[], metavar="N=MÉTIER",
                           help="métier ou part d’un lot (répétable)")
    insertion.add_argument("--taux", default=None, help="taux d’insertion en %%")
    insertion.add_argument("--cout-horaire", dest="cout_horaire", default=None,
                           help="coût horaire chargé en € HT")
    insertion.add_argument("--metiers", action="store_true",
                           help="liste les métiers et leur part de main-d’œuvre")
    insertion.add_argument("--enregistrer", action="store_true",
                           help="écrit part, taux et coût dans la clause d’insertion du dossier")
    fmt(insertion)
